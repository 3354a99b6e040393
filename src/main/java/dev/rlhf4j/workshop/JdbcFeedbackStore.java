package dev.rlhf4j.workshop;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.feedback.Ranking;
import dev.rlhf4j.feedback.Rater;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * {@link FeedbackStore} on JDBC, the same SQL for SQLite and PostgreSQL, through a HikariCP pool.
 *
 * <p>The schema is the numbered scripts {@code db/V1__workshop.sql}, … beside this class, applied in
 * one transaction each and recorded in {@code schema_version}. SQLite runs in WAL mode with
 * {@code synchronous=FULL}, so a commit has reached the disk before a method returns, and with one
 * connection, so writers never meet {@code SQLITE_BUSY}. PostgreSQL commits are durable by its own
 * default ({@code synchronous_commit=on}). Rankings are stored by group commit
 * ({@link #addRanking}): a flush costs milliseconds, and a room sends hundreds a second.
 */
final class JdbcFeedbackStore implements FeedbackStore {

    /** The schema scripts, oldest first; their number is their version. */
    static final List<String> MIGRATIONS = List.of("V1__workshop.sql", "V2__round_kinds.sql");

    private static final Gson GSON = new Gson();
    private static final java.lang.reflect.Type STRINGS = new TypeToken<List<String>>() {}.getType();
    private static final java.lang.reflect.Type GROUPS = new TypeToken<List<List<Integer>>>() {}.getType();

    private final HikariDataSource pool;
    private final String kind;
    private final String where;

    private JdbcFeedbackStore(HikariDataSource pool, String kind, String where) {
        this.pool = pool;
        this.kind = kind;
        this.where = where;
    }

    static JdbcFeedbackStore open(String db, String user, String password) {
        if (db == null || db.isBlank()) {
            throw new IllegalArgumentException("--db: expected a file path or a JDBC URL, found nothing");
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("rlhf4j-workshop");
        config.setAutoCommit(true);
        config.setConnectionTimeout(3_000);
        config.setValidationTimeout(1_000);
        String kind;
        String where;
        if (db.startsWith("jdbc:postgresql:")) {
            kind = "postgresql";
            where = db.replaceAll("\\?.*", "");
            config.setJdbcUrl(db);
            if (user != null) {
                config.setUsername(user);
            }
            if (password != null) {
                config.setPassword(password);
            }
            // Cores × 2 + 1 (HikariCP's pool-sizing rule) on a small machine; PostgreSQL takes the rest.
            config.setMaximumPoolSize(8);
            config.addDataSourceProperty("connectTimeout", "3");
            config.addDataSourceProperty("socketTimeout", "15");
            config.addDataSourceProperty("ApplicationName", "rlhf4j-workshop");
        } else if (db.startsWith("jdbc:sqlite:") || !db.startsWith("jdbc:")) {
            kind = "sqlite";
            String file = db.startsWith("jdbc:sqlite:") ? db.substring("jdbc:sqlite:".length()) : db;
            if (file.isBlank() || file.startsWith(":memory:")) {
                throw new IllegalArgumentException("--db: an SQLite store needs a file, found " + db);
            }
            where = file;
            Path parent = Path.of(file).toAbsolutePath().getParent();
            try {
                Files.createDirectories(parent);
            } catch (IOException e) {
                throw new IllegalArgumentException("--db: cannot create the folder " + parent + ": " + e.getMessage(), e);
            }
            SQLiteConfig sqlite = new SQLiteConfig();
            sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
            sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            sqlite.setBusyTimeout(5_000);
            sqlite.enforceForeignKeys(true);
            sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            SQLiteDataSource source = new SQLiteDataSource(sqlite);
            source.setUrl("jdbc:sqlite:" + file);
            config.setDataSource(source);
            // One connection: SQLite has one writer at a time, and waiting in the pool is fairer than SQLITE_BUSY.
            config.setMaximumPoolSize(1);
        } else {
            throw new IllegalArgumentException("--db: expected a file path, jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB, found "
                    + db.replaceAll("\\?.*", ""));
        }
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("cannot open the " + kind + " database " + where + ": " + rootMessage(e), e);
        }
        JdbcFeedbackStore store = new JdbcFeedbackStore(pool, kind, where);
        try {
            store.migrate();
            store.startWriter();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return store;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public String toString() {
        return kind + " " + where;
    }

    // ---- schema ------------------------------------------------------------------------------

    /** Applies the scripts newer than the database's version, each in one transaction. */
    private void migrate() {
        run(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, script TEXT NOT NULL,"
                        + " applied_ms BIGINT NOT NULL)");
            }
            return null;
        });
        int current = run(c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
                return r.next() ? r.getInt(1) : 0;
            }
        });
        if (current > MIGRATIONS.size()) {
            throw new IllegalStateException(where + " has schema version " + current + ", newer than this rlhf4j knows ("
                    + MIGRATIONS.size() + "): use a newer rlhf4j or another database");
        }
        for (int v = current + 1; v <= MIGRATIONS.size(); v++) {
            String script = MIGRATIONS.get(v - 1);
            List<String> statements = statements(script);
            int version = v;
            transaction(c -> {
                try (Statement s = c.createStatement()) {
                    for (String sql : statements) {
                        s.execute(sql);
                    }
                }
                try (PreparedStatement p = c.prepareStatement("INSERT INTO schema_version (version, script, applied_ms) VALUES (?, ?, ?)")) {
                    p.setInt(1, version);
                    p.setString(2, script);
                    p.setLong(3, System.currentTimeMillis());
                    p.executeUpdate();
                }
                return null;
            });
        }
    }

    /** The statements of a script: split at the semicolons that end lines, comment lines dropped. */
    static List<String> statements(String script) {
        String text;
        try (InputStream in = JdbcFeedbackStore.class.getResourceAsStream("db/" + script)) {
            if (in == null) {
                throw new IllegalStateException("schema script db/" + script + " is missing from the jar");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read schema script db/" + script, e);
        }
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (t.endsWith(";")) {
                String sql = current.toString().strip();
                out.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            throw new IllegalStateException("schema script db/" + script + " ends without a semicolon");
        }
        return out;
    }

    // ---- writes ------------------------------------------------------------------------------

    @Override
    public Workshop createWorkshop(String id, String code, int k, Instant now) {
        return transaction(c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO workshops (id, code, k, created_ms) VALUES (?, ?, ?, ?)")) {
                p.setString(1, id);
                p.setString(2, code);
                p.setInt(3, k);
                p.setLong(4, now.toEpochMilli());
                p.executeUpdate();
            }
            return new Workshop(id, code, k, Instant.ofEpochMilli(now.toEpochMilli()));
        });
    }

    @Override
    public Round openRound(String workshopId, int number, String kind, String model, List<WorkshopTask> tasks, Instant now) {
        return transaction(c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE rounds SET closed_ms = ? WHERE workshop_id = ? AND closed_ms IS NULL")) {
                p.setLong(1, now.toEpochMilli());
                p.setString(2, workshopId);
                p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO rounds (workshop_id, number, kind, model, opened_ms) VALUES (?, ?, ?, ?, ?)")) {
                p.setString(1, workshopId);
                p.setInt(2, number);
                p.setString(3, kind);
                p.setString(4, model);
                p.setLong(5, now.toEpochMilli());
                p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO tasks (workshop_id, id, round, position, prompt_id, prompt,"
                    + " model, completions, sources) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                int position = 0;
                for (WorkshopTask t : tasks) {
                    if (t.round() != number) {
                        throw new IllegalArgumentException("task " + t.id() + " belongs to round " + t.round() + ", not " + number);
                    }
                    p.setString(1, workshopId);
                    p.setString(2, t.id());
                    p.setInt(3, number);
                    p.setInt(4, position++);
                    p.setString(5, t.promptId());
                    p.setString(6, t.prompt());
                    p.setString(7, t.model());
                    p.setString(8, GSON.toJson(t.completions()));
                    p.setString(9, GSON.toJson(t.sources()));
                    p.addBatch();
                }
                p.executeBatch();
            }
            return new Round(workshopId, number, kind, model, Instant.ofEpochMilli(now.toEpochMilli()), null);
        });
    }

    @Override
    public void closeRound(String workshopId, int number, Instant now) {
        transaction(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "UPDATE rounds SET closed_ms = ? WHERE workshop_id = ? AND number = ? AND closed_ms IS NULL")) {
                p.setLong(1, now.toEpochMilli());
                p.setString(2, workshopId);
                p.setInt(3, number);
                p.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void addRater(StoredRater r) {
        int added = run(c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO raters (id, workshop_id, name, name_key, token_hash, source,"
                    + " joined_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                p.setString(1, r.id());
                p.setString(2, r.workshopId());
                p.setString(3, r.name());
                p.setString(4, nameKey(r.name()));
                p.setString(5, r.tokenHash());
                p.setString(6, r.source().label());
                p.setLong(7, r.joined().toEpochMilli());
                return p.executeUpdate();
            }
        });
        if (added == 0) {
            throw new NameTakenException(r.name());
        }
    }

    /** The form under which two names count as the same: lower case, inner spaces collapsed. */
    static String nameKey(String name) {
        return name.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    /**
     * Group commit: rankings wait in a queue and one writer thread stores all that are waiting in
     * one transaction, so one disk flush acknowledges many. Each caller returns when the
     * transaction holding its ranking has committed.
     */
    @Override
    public Added addRanking(StoredRanking r) {
        Pending p = new Pending(r, new CompletableFuture<>());
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the store " + where + " is closed");
            }
            queue.add(p);
        }
        try {
            return p.done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while the ranking was being stored; send it again", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The most rankings one transaction stores. */
    static final int MAX_BATCH = 256;

    private record Pending(StoredRanking ranking, CompletableFuture<Added> done) {}

    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private volatile boolean closed;
    private Thread writer;

    private void startWriter() {
        writer = new Thread(() -> {
            List<Pending> batch = new ArrayList<>();
            while (true) {
                batch.clear();
                try {
                    batch.add(queue.take());
                } catch (InterruptedException e) {
                    break;
                }
                queue.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            }
            List<Pending> left = new ArrayList<>();
            queue.drainTo(left);
            for (Pending p : left) {
                p.done.completeExceptionally(new StoreUnavailableException("the store was closed before the ranking was stored", null));
            }
        }, "rlhf4j-store-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Stores a batch in one transaction; if that fails for another reason than the database being away, one by one. */
    private void write(List<Pending> batch) {
        try {
            List<Added> results = transaction(c -> {
                List<Added> out = new ArrayList<>(batch.size());
                for (Pending p : batch) {
                    out.add(insert(c, p.ranking));
                }
                return out;
            });
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).done.complete(results.get(i));
            }
        } catch (StoreUnavailableException e) {
            for (Pending p : batch) {
                p.done.completeExceptionally(e);
            }
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                batch.get(0).done.completeExceptionally(e);
                return;
            }
            for (Pending p : batch) {
                write(List.of(p));
            }
        }
    }

    private static Added insert(Connection c, StoredRanking r) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO rankings (id, workshop_id, task_id, rater_id, idem_key,"
                + " ranking, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            p.setString(1, r.id());
            p.setString(2, r.workshopId());
            p.setString(3, r.taskId());
            p.setString(4, r.raterId());
            p.setString(5, r.key());
            p.setString(6, GSON.toJson(r.ranking().groups()));
            p.setLong(7, r.created().toEpochMilli());
            if (p.executeUpdate() == 1) {
                return new Created(r);
            }
        }
        // Nothing inserted: a retry of a key this rater sent before, or a second ranking of the task.
        try (PreparedStatement p = c.prepareStatement("SELECT id, workshop_id, task_id, rater_id, idem_key, ranking,"
                + " created_ms FROM rankings WHERE rater_id = ? AND idem_key = ?")) {
            p.setString(1, r.raterId());
            p.setString(2, r.key());
            try (ResultSet rs = p.executeQuery()) {
                if (rs.next()) {
                    return new Repeated(ranking(rs));
                }
            }
        }
        return new AlreadyRanked(r.taskId());
    }

    // ---- reads -------------------------------------------------------------------------------

    @Override
    public boolean ping() {
        try (Connection c = pool.getConnection()) {
            return c.isValid(1);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public Optional<Workshop> findWorkshop(String code) {
        return run(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT id, code, k, created_ms FROM workshops WHERE code = ? ORDER BY created_ms DESC, id DESC")) {
                p.setString(1, code);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? Optional.of(workshop(r)) : Optional.<Workshop>empty();
                }
            }
        });
    }

    @Override
    public Optional<Workshop> latestWorkshop() {
        return run(c -> {
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT id, code, k, created_ms FROM workshops ORDER BY created_ms DESC, id DESC")) {
                return r.next() ? Optional.of(workshop(r)) : Optional.<Workshop>empty();
            }
        });
    }

    private static Workshop workshop(ResultSet r) throws SQLException {
        return new Workshop(r.getString(1), r.getString(2), r.getInt(3), Instant.ofEpochMilli(r.getLong(4)));
    }

    @Override
    public Snapshot load(String workshopId) {
        return run(c -> {
            Workshop workshop;
            try (PreparedStatement p = c.prepareStatement("SELECT id, code, k, created_ms FROM workshops WHERE id = ?")) {
                p.setString(1, workshopId);
                try (ResultSet r = p.executeQuery()) {
                    if (!r.next()) {
                        throw new IllegalArgumentException("no workshop " + workshopId + " in " + where);
                    }
                    workshop = workshop(r);
                }
            }
            List<Round> rounds = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT number, model, opened_ms, closed_ms, kind FROM rounds"
                    + " WHERE workshop_id = ? ORDER BY number")) {
                p.setString(1, workshopId);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        long closedMs = r.getLong(4);
                        Instant closed = r.wasNull() ? null : Instant.ofEpochMilli(closedMs); // wasNull: the column read last
                        rounds.add(new Round(workshopId, r.getInt(1), r.getString(5), r.getString(2), Instant.ofEpochMilli(r.getLong(3)),
                                closed));
                    }
                }
            }
            List<WorkshopTask> tasks = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT id, round, prompt_id, prompt, model, completions, sources"
                    + " FROM tasks WHERE workshop_id = ? ORDER BY round, position")) {
                p.setString(1, workshopId);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        tasks.add(task(r));
                    }
                }
            }
            List<StoredRater> raters = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT id, workshop_id, name, token_hash, source, joined_ms FROM raters"
                    + " WHERE workshop_id = ? ORDER BY joined_ms, id")) {
                p.setString(1, workshopId);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        raters.add(new StoredRater(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                                Rater.Source.fromLabel(r.getString(5)), Instant.ofEpochMilli(r.getLong(6))));
                    }
                }
            }
            List<StoredRanking> rankings = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT id, workshop_id, task_id, rater_id, idem_key, ranking, created_ms"
                    + " FROM rankings WHERE workshop_id = ? ORDER BY created_ms, id")) {
                p.setString(1, workshopId);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        rankings.add(ranking(r));
                    }
                }
            }
            return new Snapshot(workshop, rounds, tasks, raters, rankings);
        });
    }

    private static WorkshopTask task(ResultSet r) throws SQLException {
        List<String> completions = GSON.fromJson(r.getString(6), STRINGS);
        List<String> sources = GSON.fromJson(r.getString(7), STRINGS);
        return new WorkshopTask(r.getString(1), r.getInt(2), r.getString(3), r.getString(4), r.getString(5), completions, sources);
    }

    private static StoredRanking ranking(ResultSet r) throws SQLException {
        List<List<Integer>> groups = GSON.fromJson(r.getString(6), GROUPS);
        return new StoredRanking(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                new Ranking(groups), Instant.ofEpochMilli(r.getLong(7)));
    }

    @Override
    public List<FeedbackRecord> export(String workshopId) {
        return run(c -> {
            String sql = "SELECT g.id, g.task_id, t.prompt_id, t.prompt, t.model, t.completions, g.ranking, w.name, w.source,"
                    + " g.created_ms FROM rankings g JOIN tasks t ON t.workshop_id = g.workshop_id AND t.id = g.task_id"
                    + " JOIN raters w ON w.id = g.rater_id"
                    + (workshopId == null ? "" : " WHERE g.workshop_id = ?")
                    + " ORDER BY g.created_ms, g.id";
            List<FeedbackRecord> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement(sql)) {
                if (workshopId != null) {
                    p.setString(1, workshopId);
                }
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        List<String> completions = GSON.fromJson(r.getString(6), STRINGS);
                        List<List<Integer>> groups = GSON.fromJson(r.getString(7), GROUPS);
                        out.add(new FeedbackRecord(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                                r.getString(5), completions, new Ranking(groups), r.getString(8),
                                Rater.Source.fromLabel(r.getString(9)), Instant.ofEpochMilli(r.getLong(10))));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public long countRankings(String workshopId) {
        return run(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT COUNT(*) FROM rankings" + (workshopId == null ? "" : " WHERE workshop_id = ?"))) {
                if (workshopId != null) {
                    p.setString(1, workshopId);
                }
                try (ResultSet r = p.executeQuery()) {
                    r.next();
                    return r.getLong(1);
                }
            }
        });
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        writer.interrupt();
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.close();
    }

    // ---- plumbing ----------------------------------------------------------------------------

    @FunctionalInterface
    private interface Work<T> {
        T apply(Connection c) throws SQLException;
    }

    /** Runs {@code work} on a pooled connection in auto-commit mode. */
    private <T> T run(Work<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.apply(c);
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /** Runs {@code work} in one transaction: all of it is committed, or (on any exception) none. */
    private <T> T transaction(Work<T> work) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.apply(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            } finally {
                try {
                    c.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // The pool discards a broken connection.
                }
            }
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /**
     * A lost or refused connection, a server shutting down or a busy SQLite file becomes
     * {@link StoreUnavailableException} (try again later); anything else is a bug or a bad schema.
     */
    private RuntimeException translate(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        boolean unavailable = e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException
                || e instanceof SQLRecoverableException || state.startsWith("08") || state.startsWith("57P")
                || state.startsWith("53") || (kind.equals("sqlite") && BUSY.containsKey(e.getErrorCode()));
        if (unavailable) {
            return new StoreUnavailableException("the " + kind + " database does not answer: " + rootMessage(e), e);
        }
        return new IllegalStateException("database error on " + where + ": " + e.getMessage(), e);
    }

    /** SQLite's busy and locked result codes. */
    private static final Map<Integer, String> BUSY = new HashMap<>(Map.of(5, "SQLITE_BUSY", 6, "SQLITE_LOCKED"));
}
