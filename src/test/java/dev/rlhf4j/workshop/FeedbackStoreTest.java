package dev.rlhf4j.workshop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlhf4j.feedback.FeedbackLog;
import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.feedback.Ranking;
import dev.rlhf4j.feedback.Rater;
import dev.rlhf4j.workshop.FeedbackStore.Added;
import dev.rlhf4j.workshop.FeedbackStore.AlreadyRanked;
import dev.rlhf4j.workshop.FeedbackStore.Created;
import dev.rlhf4j.workshop.FeedbackStore.Repeated;
import dev.rlhf4j.workshop.FeedbackStore.Snapshot;
import dev.rlhf4j.workshop.FeedbackStore.StoredRanking;
import dev.rlhf4j.workshop.FeedbackStore.StoredRater;
import dev.rlhf4j.workshop.FeedbackStore.Workshop;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The same contract on both backends: what is committed is there after a reopen, exactly once. */
class FeedbackStoreTest {

    static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    @TempDir
    Path dir;

    static List<WorkshopTask> tasks(int round, int n) {
        return WorkshopFixtures.cannedTasks().make(round, n, 4, 1);
    }

    static StoredRater rater(String id, String workshop, String name) {
        return new StoredRater(id, workshop, name, Room.hash("token-" + id), Rater.Source.HUMAN, T0);
    }

    @ParameterizedTest
    @ValueSource(strings = {TestDatabases.SQLITE, TestDatabases.POSTGRESQL})
    void whatIsCommittedIsThereAfterAReopenWithTheSameText(String kind) {
        try (TestDatabases.Db db = TestDatabases.fresh(kind, dir)) {
            List<WorkshopTask> round1 = tasks(1, 3);
            try (FeedbackStore store = db.open()) {
                assertEquals(kind, store.kind());
                assertTrue(store.ping());
                Workshop w = store.createWorkshop("w-1", "demo", 4, T0);
                store.openRound("w-1", 1, "rank", "canned", round1, T0);
                store.addRater(rater("r-1", "w-1", "Ada <script>alert(1)</script>"));
                Ranking ranking = new Ranking(List.of(List.of(1), List.of(0, 3), List.of(2)));
                Added a = store.addRanking(new StoredRanking("f-1", "w-1", round1.get(0).id(), "r-1", "key-1", ranking,
                        T0.plusMillis(1234)));
                assertInstanceOf(Created.class, a);
                assertEquals(w, store.findWorkshop("demo").orElseThrow());
            }
            // A second open applies no script again and sees everything.
            try (FeedbackStore store = db.open()) {
                Snapshot s = store.load("w-1");
                assertEquals("demo", s.workshop().code());
                assertEquals(1, s.rounds().size());
                assertTrue(s.rounds().get(0).open());
                assertEquals(round1, s.tasks(), "tasks come back with the same text, sources and order");
                assertEquals("Ada <script>alert(1)</script>", s.raters().get(0).name());
                assertEquals(1, s.rankings().size());
                assertEquals("2 1=4 3", s.rankings().get(0).ranking().format());
                assertEquals(T0.plusMillis(1234), s.rankings().get(0).created());
                assertEquals(1, store.countRankings("w-1"));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {TestDatabases.SQLITE, TestDatabases.POSTGRESQL})
    void aRepeatedKeyIsStoredOnceAndASecondRankingOfATaskIsRefused(String kind) {
        try (TestDatabases.Db db = TestDatabases.fresh(kind, dir); FeedbackStore store = db.open()) {
            store.createWorkshop("w-1", "demo", 4, T0);
            List<WorkshopTask> ts = tasks(1, 2);
            store.openRound("w-1", 1, "rank", "canned", ts, T0);
            store.addRater(rater("r-1", "w-1", "Ada"));
            StoredRanking first = new StoredRanking("f-1", "w-1", ts.get(0).id(), "r-1", "k", Ranking.of(0, 1, 2, 3), T0);
            assertInstanceOf(Created.class, store.addRanking(first));
            // The same key again (a phone retrying), even with another id and ranking: the first stays.
            Added again = store.addRanking(new StoredRanking("f-2", "w-1", ts.get(0).id(), "r-1", "k", Ranking.of(3, 2, 1, 0), T0));
            Repeated r = assertInstanceOf(Repeated.class, again);
            assertEquals("f-1", r.ranking().id());
            assertEquals("1 2 3 4", r.ranking().ranking().format());
            // Another key for the same task: refused.
            Added second = store.addRanking(new StoredRanking("f-3", "w-1", ts.get(0).id(), "r-1", "k2", Ranking.of(3, 2, 1, 0), T0));
            assertEquals(new AlreadyRanked(ts.get(0).id()), second);
            assertEquals(1, store.countRankings("w-1"));
            // The same key from another rater is that rater's own key.
            store.addRater(rater("r-2", "w-1", "Bob"));
            assertInstanceOf(Created.class, store.addRanking(new StoredRanking("f-4", "w-1", ts.get(0).id(), "r-2", "k", Ranking.of(0, 1, 2, 3), T0)));
            assertEquals(2, store.countRankings("w-1"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {TestDatabases.SQLITE, TestDatabases.POSTGRESQL})
    void theSameKeySentSixteenTimesAtOnceIsStoredOnce(String kind) throws Exception {
        try (TestDatabases.Db db = TestDatabases.fresh(kind, dir); FeedbackStore store = db.open()) {
            store.createWorkshop("w-1", "demo", 4, T0);
            List<WorkshopTask> ts = tasks(1, 1);
            store.openRound("w-1", 1, "rank", "canned", ts, T0);
            store.addRater(rater("r-1", "w-1", "Ada"));
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Callable<Added>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String id = "f-" + i;
                calls.add(() -> store.addRanking(new StoredRanking(id, "w-1", ts.get(0).id(), "r-1", "same-key", Ranking.of(0, 1, 2, 3), T0)));
            }
            int created = 0;
            String createdId = null;
            List<String> repeatedIds = new ArrayList<>();
            for (Future<Added> f : pool.invokeAll(calls)) {
                Added a = f.get();
                if (a instanceof Created c) {
                    created++;
                    createdId = c.ranking().id();
                } else {
                    repeatedIds.add(assertInstanceOf(Repeated.class, a).ranking().id());
                }
            }
            pool.shutdown();
            assertEquals(1, created);
            String winner = createdId;
            assertTrue(repeatedIds.stream().allMatch(winner::equals), "every repeat names the stored id");
            assertEquals(1, store.countRankings("w-1"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {TestDatabases.SQLITE, TestDatabases.POSTGRESQL})
    void namesAreUniquePerWorkshopIgnoringCase(String kind) {
        try (TestDatabases.Db db = TestDatabases.fresh(kind, dir); FeedbackStore store = db.open()) {
            store.createWorkshop("w-1", "demo", 4, T0);
            store.createWorkshop("w-2", "other", 4, T0.plusSeconds(1));
            store.addRater(rater("r-1", "w-1", "Ada Lovelace"));
            assertThrows(FeedbackStore.NameTakenException.class, () -> store.addRater(rater("r-2", "w-1", "ada  lovelace")));
            store.addRater(rater("r-3", "w-2", "Ada Lovelace")); // another workshop
            assertEquals(1, store.load("w-1").raters().size());
            assertEquals("w-2", store.latestWorkshop().orElseThrow().id());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {TestDatabases.SQLITE, TestDatabases.POSTGRESQL})
    void aRoundIsOpenedWholeOrNotAtAll(String kind) {
        try (TestDatabases.Db db = TestDatabases.fresh(kind, dir); FeedbackStore store = db.open()) {
            store.createWorkshop("w-1", "demo", 4, T0);
            store.openRound("w-1", 1, "rank", "canned", tasks(1, 2), T0);
            List<WorkshopTask> bad = new ArrayList<>(tasks(2, 2));
            bad.add(tasks(3, 1).get(0)); // a task of another round, last: the round row and two tasks are written first
            assertThrows(IllegalArgumentException.class, () -> store.openRound("w-1", 2, "rank", "canned", bad, T0));
            Snapshot s = store.load("w-1");
            assertEquals(1, s.rounds().size(), "round 2 rolled back");
            assertNull(s.rounds().get(0).closed(), "round 1 was not closed by the failed opening");
            assertEquals(2, s.tasks().size());
            store.openRound("w-1", 2, "rank", "canned", tasks(2, 2), T0.plusSeconds(5));
            Snapshot t = store.load("w-1");
            assertEquals(T0.plusSeconds(5), t.rounds().get(0).closed(), "opening round 2 closes round 1");
            assertTrue(t.rounds().get(1).open());
            store.closeRound("w-1", 2, T0.plusSeconds(9));
            assertFalse(store.load("w-1").rounds().get(1).open());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {TestDatabases.SQLITE, TestDatabases.POSTGRESQL})
    void theExportIsTheFeedbackLogThatStageThreeReads(String kind) {
        try (TestDatabases.Db db = TestDatabases.fresh(kind, dir); FeedbackStore store = db.open()) {
            store.createWorkshop("w-1", "demo", 4, T0);
            List<WorkshopTask> ts = tasks(1, 3);
            store.openRound("w-1", 1, "rank", "canned", ts, T0);
            store.addRater(rater("r-1", "w-1", "Ada"));
            store.addRater(new StoredRater("r-2", "w-1", "sim-007", Room.hash("t2"), Rater.Source.SIMULATED, T0));
            store.addRanking(new StoredRanking("f-b", "w-1", ts.get(1).id(), "r-2", "k1", Ranking.of(3, 1, 0, 2), T0.plusMillis(20)));
            store.addRanking(new StoredRanking("f-a", "w-1", ts.get(0).id(), "r-1", "k1",
                    new Ranking(List.of(List.of(2, 0), List.of(1), List.of(3))), T0.plusMillis(10)));
            List<FeedbackRecord> records = store.export("w-1");
            assertEquals(List.of("f-a", "f-b"), records.stream().map(FeedbackRecord::id).toList(), "oldest first");
            FeedbackRecord a = records.get(0);
            assertEquals(ts.get(0).id(), a.task());
            assertEquals(ts.get(0).promptId(), a.promptId());
            assertEquals(ts.get(0).completions(), a.completions());
            assertEquals("Ada", a.rater());
            assertEquals(Rater.Source.HUMAN, a.source());
            assertEquals(Rater.Source.SIMULATED, records.get(1).source());
            assertEquals(T0.plusMillis(10), a.time());
            Path log = dir.resolve("export.jsonl");
            FeedbackLog.write(records, log);
            FeedbackLog.Loaded loaded = FeedbackLog.read(log);
            assertTrue(loaded.ok(), () -> "the export reads back without errors: " + loaded.errors());
            assertEquals(records, loaded.records());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {TestDatabases.SQLITE, TestDatabases.POSTGRESQL})
    void aDatabaseFromANewerRlhf4jIsRefusedByName(String kind) throws Exception {
        try (TestDatabases.Db db = TestDatabases.fresh(kind, dir)) {
            db.open().close();
            String url = kind.equals(TestDatabases.SQLITE) ? "jdbc:sqlite:" + db.url() : db.url();
            try (Connection c = DriverManager.getConnection(url, db.user(), db.password()); Statement s = c.createStatement()) {
                s.execute("INSERT INTO schema_version (version, script, applied_ms) VALUES (99, 'V99__future.sql', 0)");
            }
            IllegalStateException e = assertThrows(IllegalStateException.class, db::open);
            assertTrue(e.getMessage().contains("schema version 99"), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {TestDatabases.SQLITE, TestDatabases.POSTGRESQL})
    void aVersionOneDatabaseIsUpgradedKeepingItsRounds(String kind) throws Exception {
        try (TestDatabases.Db db = TestDatabases.fresh(kind, dir)) {
            String url = kind.equals(TestDatabases.SQLITE) ? "jdbc:sqlite:" + db.url() : db.url();
            // A database as the first release left it: script 1 only, one workshop with one round.
            try (Connection c = DriverManager.getConnection(url, db.user(), db.password()); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, script TEXT NOT NULL, applied_ms BIGINT NOT NULL)");
                for (String sql : JdbcFeedbackStore.statements(JdbcFeedbackStore.MIGRATIONS.get(0))) {
                    s.execute(sql);
                }
                s.execute("INSERT INTO schema_version VALUES (1, 'V1__workshop.sql', 0)");
                s.execute("INSERT INTO workshops VALUES ('w-1', 'demo', 4, 0)");
                s.execute("INSERT INTO rounds (workshop_id, number, model, opened_ms) VALUES ('w-1', 1, 'small', 0)");
            }
            try (FeedbackStore store = db.open()) {
                FeedbackStore.Round r = store.load("w-1").rounds().get(0);
                assertEquals(FeedbackStore.Round.RANK, r.kind(), "rounds from before kinds are ranking rounds");
                assertEquals("small", r.model());
                store.openRound("w-1", 2, FeedbackStore.Round.AB, "p vs small", List.of(), T0);
                assertEquals(FeedbackStore.Round.AB, store.load("w-1").rounds().get(1).kind());
            }
            try (Connection c = DriverManager.getConnection(url, db.user(), db.password()); Statement s = c.createStatement();
                    var rs = s.executeQuery("SELECT COUNT(*), MAX(version) FROM schema_version")) {
                rs.next();
                assertEquals(JdbcFeedbackStore.MIGRATIONS.size(), rs.getInt(1));
                assertEquals(JdbcFeedbackStore.MIGRATIONS.size(), rs.getInt(2));
            }
        }
    }
}
