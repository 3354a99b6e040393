package dev.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlhf4j.feedback.FeedbackLog;
import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.feedback.Matches;
import dev.rlhf4j.feedback.Rater;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rlhf4j simulate-feedback} and {@code rlhf4j rank} on the tiny bundled model. */
class FeedbackCommandsTest {

    @TempDir
    Path tmp;

    static final String TINY = "datasets/pretrained/tiny";

    /** The same seed and time write the same bytes; the log reads back whole. */
    @Test
    void simulateFeedbackIsReproducible() throws Exception {
        String[] args = {"simulate-feedback", "--checkpoint", TINY, "--rankings", "6", "--k", "3", "--overlap", "2",
            "--arena-prompts", "4", "--seed", "3", "--time", "2026-01-01T00:00:00Z", "--out", ""};
        args[args.length - 1] = tmp.resolve("a").toString();
        String[] a = CliTest.run(args);
        assertEquals("0", a[0], a[2]);
        args[args.length - 1] = tmp.resolve("b").toString();
        assertEquals("0", CliTest.run(args)[0]);
        for (String f : List.of("feedback.jsonl", "pairs.jsonl", "pairs.csv", "models.csv")) {
            assertEquals(Files.readString(tmp.resolve("a").resolve(f)), Files.readString(tmp.resolve("b").resolve(f)), f);
        }
        FeedbackLog.Loaded log = FeedbackLog.read(tmp.resolve("a/feedback.jsonl"));
        assertTrue(log.ok(), log.errors().toString());
        assertEquals(6 + 2 * 2, log.records().size(), "6 tasks by the standard rater, 2 of them also by 2 more raters");
        assertEquals(3, log.records().stream().filter(r -> r.task().equals("t0001")).count());
        assertEquals("tiny", log.records().get(0).model());
        // 4 prompts x C(3,2) pairs between the three bundled models
        assertEquals(12, Matches.read(tmp.resolve("a/models.csv")).size());
    }

    /** A person ranks in the terminal: a ranking, help, a bad answer, a tie, a skip, then quit. */
    @Test
    void rankAppendsEveryAnswer() throws Exception {
        Path log = tmp.resolve("mine.jsonl");
        String[] r = withStdin("2 1 3\n?\n1 1 2\n1=2 3\ns\nq\n", "rank", "--log", log.toString(), "--k", "3",
                "--prompts", "4", "--checkpoint", TINY, "--rater", "ana");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("completion 1 is ranked twice"), r[1]);
        List<FeedbackRecord> records = FeedbackLog.readStrict(log);
        assertEquals(2, records.size());
        assertEquals("2 1 3", records.get(0).ranking().format());
        assertEquals("1=2 3", records.get(1).ranking().format());
        assertEquals("ana", records.get(1).rater());
        assertEquals(Rater.Source.HUMAN, records.get(1).source());
        // resuming asks only for the tasks not ranked yet
        String[] again = withStdin("3 2 1\nq\n", "rank", "--log", log.toString(), "--k", "3", "--prompts", "4",
                "--checkpoint", TINY, "--rater", "ana");
        assertEquals("0", again[0], again[2]);
        List<FeedbackRecord> after = FeedbackLog.readStrict(log);
        assertEquals(3, after.size());
        assertEquals("t0003", after.get(2).task(), "t0001 and t0002 were ranked before");
    }

    /** Ranking the bundled tasks lets a person compare themselves with the simulated raters. */
    @Test
    void rankTheBundledTasks() throws Exception {
        Path log = tmp.resolve("mine.jsonl");
        String[] r = withStdin("4 2 1 3\n", "rank", "--log", log.toString(), "--tasks", "datasets/feedback/feedback.jsonl",
                "--prompts", "2");
        assertEquals("0", r[0], r[2]);
        List<FeedbackRecord> records = FeedbackLog.readStrict(log);
        assertEquals(1, records.size(), "the input ended after one answer");
        assertEquals("t0001", records.get(0).task());
        assertEquals("small", records.get(0).model());
    }

    static String[] withStdin(String input, String... args) {
        InputStream in = System.in;
        try {
            System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
            return CliTest.run(args);
        } finally {
            System.setIn(in);
        }
    }
}
