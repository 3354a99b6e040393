package dev.rlhf4j.cli;

import dev.rlhf4j.workshop.WorkshopServer;
import picocli.CommandLine.Option;

/**
 * {@code --db}, {@code --db-user}, {@code --db-password}: the workshop store (a picocli mixin).
 * Credentials may come from the environment instead ({@code RLHF4J_DB_USER},
 * {@code RLHF4J_DB_PASSWORD}, else PostgreSQL's own {@code PGUSER}, {@code PGPASSWORD}), which
 * keeps them out of the process list; they are never printed.
 */
final class DatabaseOptions {

    @Option(names = "--db", description = "the store: an SQLite file or jdbc:postgresql://HOST[:PORT]/DB (default: ${DEFAULT-VALUE})")
    String db = WorkshopServer.Settings.DEFAULT_DB;

    @Option(names = "--db-user", description = "PostgreSQL user (default: $RLHF4J_DB_USER, else $PGUSER)")
    String user;

    @Option(names = "--db-password", description = "PostgreSQL password (default: $RLHF4J_DB_PASSWORD, else $PGPASSWORD)")
    String password;

    /** The store as given: a JDBC URL, or an SQLite file path (relative to the working directory). */
    String url() {
        return db;
    }

    String user() {
        return user != null ? user : env("RLHF4J_DB_USER", "PGUSER");
    }

    String password() {
        return password != null ? password : env("RLHF4J_DB_PASSWORD", "PGPASSWORD");
    }

    /** The store's URL without its query (which may hold credentials), for printing. */
    String printable() {
        return db.replaceAll("\\?.*", "");
    }

    private static String env(String first, String second) {
        String v = System.getenv(first);
        return v != null ? v : System.getenv(second);
    }
}
