package dev.rlhf4j.workshop;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;

/**
 * The databases the workshop tests run on: an SQLite file in a test's folder, or a fresh schema on
 * the PostgreSQL server named by {@code RLHF4J_TEST_PG_URL} (with {@code RLHF4J_TEST_PG_USER},
 * {@code RLHF4J_TEST_PG_PASSWORD}; {@code .ci/run} starts one). Without that server a PostgreSQL
 * test skips with a message, except under {@code CI=true}, where it fails.
 */
public final class TestDatabases {

    /** The backends, for parameterized tests. */
    public static final String SQLITE = "sqlite";
    public static final String POSTGRESQL = "postgresql";

    private TestDatabases() {}

    /** A store location: its JDBC URL or file, and credentials; closing drops a PostgreSQL schema. */
    public record Db(String kind, String url, String user, String password, String schema) implements AutoCloseable {

        /** Opens a store on it. */
        public FeedbackStore open() {
            return FeedbackStore.open(url, user, password);
        }

        @Override
        public void close() {
            if (schema != null) {
                try (Connection c = DriverManager.getConnection(pgUrl(), user, password); Statement s = c.createStatement()) {
                    s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                } catch (SQLException e) {
                    throw new IllegalStateException("cannot drop test schema " + schema, e);
                }
            }
        }
    }

    /** Whether the tests run under CI, where every real part must be there. */
    public static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Skips (outside CI) or fails (under CI) when {@code present} is false. */
    public static void require(boolean present, String what) {
        if (!present) {
            if (ci()) {
                fail(what + " is missing; under CI=true the workshop tests need it (.ci/run installs and starts it)");
            }
            Assumptions.abort(what + " is missing: test skipped (CI=true makes this a failure)");
        }
    }

    static String pgUrl() {
        return System.getenv("RLHF4J_TEST_PG_URL");
    }

    /** Whether a PostgreSQL server is configured for the tests. */
    public static boolean postgresConfigured() {
        String url = pgUrl();
        return url != null && !url.isBlank();
    }

    /** A fresh, empty database of {@code kind}: an SQLite file under {@code dir}, or a new PostgreSQL schema. */
    public static Db fresh(String kind, Path dir) {
        if (kind.equals(SQLITE)) {
            return new Db(SQLITE, dir.resolve("feedback.db").toString(), null, null, null);
        }
        require(postgresConfigured(), "PostgreSQL (RLHF4J_TEST_PG_URL)");
        String user = System.getenv("RLHF4J_TEST_PG_USER");
        String password = System.getenv("RLHF4J_TEST_PG_PASSWORD");
        String schema = "t_" + Room.randomId(12).toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(pgUrl(), user, password); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("RLHF4J_TEST_PG_URL is set but PostgreSQL does not answer: " + e.getMessage(), e);
        }
        String url = pgUrl() + (pgUrl().contains("?") ? "&" : "?") + "currentSchema=" + schema;
        return new Db(POSTGRESQL, url, user, password, schema);
    }
}
