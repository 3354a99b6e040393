package dev.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlhf4j.core.Home;
import dev.rlhf4j.feedback.FeedbackLog;
import dev.rlhf4j.pretrain.ModelCatalog;
import dev.rlhf4j.workshop.WorkshopFixtures;
import dev.rlhf4j.workshop.WorkshopServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workshop's commands on bad input: a one-line error that says what to do, and the exit status 2. */
class WorkshopCommandsTest {

    @TempDir
    Path dir;

    /** The error line, after checking that it is one line and the status is 2. */
    private static String oneLineError(String[] r) {
        assertEquals("2", r[0], r[1] + r[2]);
        String err = r[2].strip();
        assertTrue(err.startsWith("error: ") && !err.contains("\n"), "one line: " + err);
        return err;
    }

    @Test
    void roundTrainAndExportRefuseBadInputInOneLine() throws Exception {
        String db = dir.resolve("w.db").toString();
        WorkshopServer.Settings s = WorkshopServer.Settings.defaults().toBuilder().port(0).db(db).code("demo")
                .adminToken("admin-secret-1").tasks(3).build();
        try (WorkshopServer server = WorkshopServer.start(s, WorkshopFixtures.cannedTasks())) {
            String url = server.url();
            assertTrue(oneLineError(CliTest.run("workshop", "round", "--url", url, "--admin-token", "wrong-token"))
                    .contains("--admin-token"));
            Path notAModel = Files.createDirectories(dir.resolve("empty"));
            assertTrue(oneLineError(CliTest.run("workshop", "round", "--url", url, "--admin-token", "admin-secret-1",
                    "--policy", notAModel.toString())).contains("not a model folder"));
            // A server started without policies says so.
            assertTrue(oneLineError(CliTest.run("workshop", "round", "--url", url, "--admin-token", "admin-secret-1",
                    "--policy", Home.resolve(ModelCatalog.DEFAULT_MODEL).toString())).contains("without policies"));
            assertTrue(oneLineError(CliTest.run("workshop", "round", "--url", "http://127.0.0.1:1/", "--admin-token", "x"))
                    .contains("no workshop server answers"));
            String[] ok = CliTest.run("workshop", "round", "--url", url, "--admin-token", "admin-secret-1");
            assertEquals("0", ok[0], ok[2]);
            assertTrue(ok[1].contains("round 2 open: 3 tasks of canned"), ok[1]);

            assertTrue(oneLineError(CliTest.run("workshop", "train", "--db", db, "--out", dir.resolve("t").toString()))
                    .contains("has 0 rankings; a reward model needs at least 50"));
        }
        String[] exported = CliTest.run("workshop", "export", "--db", db, "--out", dir.resolve("f.jsonl").toString());
        assertEquals("0", exported[0], exported[2]);
        assertTrue(FeedbackLog.read(dir.resolve("f.jsonl")).ok());
        assertTrue(oneLineError(CliTest.run("workshop", "export", "--db", db, "--code", "nope", "--out",
                dir.resolve("g.jsonl").toString())).contains("no workshop with code nope"));
        assertTrue(oneLineError(CliTest.run("workshop", "export", "--db", "jdbc:postgresql://127.0.0.1:1/none", "--out",
                dir.resolve("h.jsonl").toString())).contains("postgresql"));
    }
}
