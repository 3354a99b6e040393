package dev.rlhf4j.bench;

import com.google.gson.GsonBuilder;
import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.workshop.SimulatedRoom;
import dev.rlhf4j.workshop.WorkshopServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The workshop server under a room of simulated people, per database: {@code workshop simulate}'s
 * {@link SimulatedRoom} (200 people on 200 connections by default) against an in-process
 * {@link WorkshopServer} serving the bundled model's samples, on an empty SQLite file and, when
 * given, a fresh schema of a PostgreSQL database (dropped afterwards). A warm-up room runs first
 * (JIT, connection pools), then two timed rooms of new people:
 * <ul>
 *   <li><b>as fast as possible</b>: every person posts as soon as the last answer came (a closed
 *       loop); its rankings per second (joins included) is the server's maximum, and its latencies
 *       are mostly queueing (Little's law: 200 people at X/s wait about 200/X s per request pair);
 *   <li><b>paced</b> at {@link #GOAL_PER_SECOND} rankings/s ({@link SimulatedRoom.Settings#rate}): the
 *       load the issue names, and the p50/p99 latency of the ranking POSTs under it.
 * </ul>
 * The goal, on 2 cores: at least 200 rankings/s sustained with p99 at most 250 ms, on both
 * backends: the maximum ≥ 200/s, and the paced room keeps 200/s with p99 ≤ 250 ms.
 *
 * <p>The people and the server share the machine's cores, as they do when {@code workshop simulate}
 * runs next to {@code workshop serve}. The per-person rate limit is off: at 200 rankings/s each of
 * 200 people sends 2 requests a second, the default limit's sustained rate.
 */
public final class WorkshopBenchmark {

    /** The goal: rankings per second, at least. */
    public static final double GOAL_PER_SECOND = 200;
    /** The goal: p99 latency of the POSTs, at most, in ms. */
    public static final double GOAL_P99_MS = 250;

    private WorkshopBenchmark() {}

    /**
     * A database to run on.
     *
     * @param name {@code sqlite} or {@code postgresql}
     * @param db an SQLite file path, or a PostgreSQL JDBC URL (a fresh schema is made in it)
     * @param user the PostgreSQL user (null for SQLite)
     * @param password the PostgreSQL password (null for SQLite)
     */
    public record Backend(String name, String db, String user, String password) {
        @Override
        public String toString() {
            return name + " " + db.replaceAll("\\?.*", ""); // never the credentials
        }
    }

    /**
     * What to run.
     *
     * @param raters simulated people (and connections)
     * @param rankings rankings of each timed room (as fast as possible, then paced)
     * @param warmup rankings of the warm-up room before them
     * @param seed the people's seed and the tasks' seed
     * @param out folder for {@code workshop.json} (null: don't write)
     * @param backends the databases, in order
     */
    public record Options(int raters, int rankings, int warmup, long seed, Path out, List<Backend> backends) {

        /** Checks the counts. */
        public Options {
            if (raters < 1 || rankings < 1 || warmup < 0 || backends.isEmpty()) {
                throw new IllegalArgumentException("WorkshopBenchmark: expected raters ≥ 1, rankings ≥ 1, warmup ≥ 0 and a "
                        + "backend, found " + raters + ", " + rankings + ", " + warmup + ", " + backends);
            }
            backends = List.copyOf(backends);
        }

        /** 200 people, 2 × 4,000 timed rankings after 1,000 of warm-up, seed 1, on SQLite in {@code runs/bench}. */
        public static Options defaults() {
            Path out = Path.of("runs", "bench");
            return new Options(200, 4000, 1000, 1, out, List.of(sqlite(out.resolve("workshop-bench.db"))));
        }

        public Options withRaters(int n) {
            return new Options(n, rankings, warmup, seed, out, backends);
        }

        public Options withRankings(int timed, int warm) {
            return new Options(raters, timed, warm, seed, out, backends);
        }

        public Options withOut(Path dir) {
            return new Options(raters, rankings, warmup, seed, dir, backends);
        }

        public Options withBackends(List<Backend> b) {
            return new Options(raters, rankings, warmup, seed, out, b);
        }
    }

    /** An SQLite backend on {@code file} (deleted first, so the run starts empty). */
    public static Backend sqlite(Path file) {
        return new Backend("sqlite", file.toString(), null, null);
    }

    /** A PostgreSQL backend: a fresh schema in the database at {@code url}. */
    public static Backend postgresql(String url, String user, String password) {
        return new Backend("postgresql", url, user, password);
    }

    /**
     * One backend's figures.
     *
     * @param backend {@code sqlite} or {@code postgresql}
     * @param raters people and connections
     * @param max the room as fast as possible
     * @param paced the room paced at {@link #GOAL_PER_SECOND}
     */
    public record Row(String backend, int raters, Room max, Room paced) {

        /**
         * Whether this backend met the goal: every ranking acknowledged, a maximum of at least
         * 200/s, and at 200/s (within 2%) a p99 of at most 250 ms.
         */
        public boolean goalMet() {
            return max.complete() && paced.complete() && max.rankingsPerS() >= GOAL_PER_SECOND
                    && paced.rankingsPerS() >= 0.98 * GOAL_PER_SECOND && paced.p99Ms() <= GOAL_P99_MS;
        }
    }

    /**
     * One timed room.
     *
     * @param rate its pace in rankings/s (0 = as fast as possible)
     * @param acked rankings acknowledged
     * @param target rankings asked for
     * @param seconds wall time (joins included)
     * @param rankingsPerS acknowledged rankings per second
     * @param p50Ms median POST latency
     * @param p99Ms 99th-percentile POST latency
     * @param errors errors by kind (retried ones included)
     */
    public record Room(double rate, int acked, int target, double seconds, double rankingsPerS, double p50Ms, double p99Ms,
            Map<String, Long> errors) {

        /** Whether every ranking asked for was acknowledged. */
        public boolean complete() {
            return acked >= target;
        }

        static Room of(double rate, SimulatedRoom.Result r) {
            return new Room(rate, r.acked().size(), r.target(), r.seconds(), r.rankingsPerSecond(), r.p50Millis(),
                    r.p99Millis(), r.errors());
        }
    }

    /** Everything measured, as written to {@code workshop.json}. */
    public record Result(String date, int cores, int raters, int rankings, int warmup, List<Row> rows) {

        /** A small table, one line per backend. */
        public String table() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "rlhf4j workshop benchmark  (%d people on %d connections, 2 x %d rankings "
                    + "after %d of warm-up, %d cores, %s)%n", raters, raters, rankings, warmup, cores, date));
            b.append(String.format(Locale.ROOT, "%-11s %-17s %7s %11s %8s %8s %7s%n", "backend", "room", "acked",
                    "rankings/s", "p50 ms", "p99 ms", "errors"));
            for (Row r : rows) {
                line(b, r.backend(), "as fast as it can", r.max());
                line(b, "", String.format(Locale.ROOT, "paced at %.0f/s", r.paced().rate()), r.paced());
                b.append(String.format(Locale.ROOT, "%-11s goal (max >= %.0f/s; at %.0f/s p99 <= %.0f ms): %s%n", "",
                        GOAL_PER_SECOND, GOAL_PER_SECOND, GOAL_P99_MS, r.goalMet() ? "met" : "NOT met"));
            }
            for (Row r : rows) {
                r.max().errors().forEach((k, v) -> b.append(String.format(Locale.ROOT, "  %s, as fast as it can: %d  %s%n",
                        r.backend(), v, k)));
                r.paced().errors().forEach((k, v) -> b.append(String.format(Locale.ROOT, "  %s, paced: %d  %s%n",
                        r.backend(), v, k)));
            }
            return b.toString();
        }

        private static void line(StringBuilder b, String backend, String room, Room r) {
            long errors = r.errors().values().stream().mapToLong(Long::longValue).sum();
            b.append(String.format(Locale.ROOT, "%-11s %-17s %7d %11.1f %8.1f %8.1f %7d%n", backend, room, r.acked(),
                    r.rankingsPerS(), r.p50Ms(), r.p99Ms(), errors));
        }

        /** The figures as JSON. */
        public String toJson() {
            return new GsonBuilder().setPrettyPrinting().create().toJson(this);
        }
    }

    /** Runs every backend in turn; writes {@code workshop.json} to {@code out} when given. */
    public static Result run(Options o) {
        List<Row> rows = new ArrayList<>();
        for (Backend b : o.backends()) {
            rows.add(runOne(o, b));
        }
        Result result = new Result(Instant.now().toString(), Runtime.getRuntime().availableProcessors(), o.raters(),
                o.rankings(), o.warmup(), rows);
        if (o.out() != null) {
            AtomicFiles.writeString(o.out().resolve("workshop.json"), result.toJson());
        }
        return result;
    }

    private static Row runOne(Options o, Backend b) {
        String db = b.db();
        String schema = null;
        if (b.name().equals("postgresql")) {
            schema = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            sql(b, "CREATE SCHEMA " + schema);
            db = db + (db.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        } else {
            deleteSqlite(Path.of(db));
        }
        // enough tasks that no person runs out: each ranks a task once, and each room has new people
        int perPerson = (int) Math.ceil(Math.max(o.rankings(), o.warmup()) / (double) o.raters());
        WorkshopServer.Settings settings = WorkshopServer.Settings.defaults().toBuilder().port(0).db(db).dbUser(b.user())
                .dbPassword(b.password()).code("bench").adminToken("bench-admin-" + UUID.randomUUID())
                .tasks(Math.max(16, 2 * perPerson + 8)).seed(o.seed()).ratePerMinute(0).build();
        try (WorkshopServer server = WorkshopServer.start(settings)) {
            URI url = URI.create(server.joinUrl());
            if (o.warmup() > 0) {
                room(url, o, o.warmup(), o.seed() + 1, 0);
            }
            SimulatedRoom.Result max = room(url, o, o.rankings(), o.seed(), 0);
            SimulatedRoom.Result paced = room(url, o, o.rankings(), o.seed() + 2, GOAL_PER_SECOND);
            return new Row(b.name(), o.raters(), Room.of(0, max), Room.of(GOAL_PER_SECOND, paced));
        } finally {
            if (schema != null) {
                sql(b, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private static SimulatedRoom.Result room(URI url, Options o, int rankings, long seed, double rate) {
        return new SimulatedRoom(SimulatedRoom.Settings.defaults(url).toBuilder().raters(o.raters()).rankings(rankings)
                .concurrency(o.raters()).seed(seed).rate(rate).timeout(Duration.ofMinutes(10)).build()).run();
    }

    private static void sql(Backend b, String statement) {
        try (Connection c = DriverManager.getConnection(b.db(), b.user(), b.password()); Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new IllegalArgumentException("PostgreSQL " + b + ": " + statement.split(" ")[0] + " "
                    + statement.split(" ")[1] + " failed: " + e.getMessage(), e);
        }
    }

    private static void deleteSqlite(Path file) {
        try {
            for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
                Files.deleteIfExists(Path.of(file + suffix));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start from an empty " + file + ": " + e.getMessage(), e);
        }
    }
}
