package dev.rlhf4j.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RankingSessionTest {

    /** A rater answering from a script; remembers which tasks it was asked. */
    private static final class ScriptedRater implements Rater {
        final String name;
        final Deque<Answer> answers;
        final List<String> asked = new ArrayList<>();

        ScriptedRater(String name, Answer... answers) {
            this.name = name;
            this.answers = new ArrayDeque<>(List.of(answers));
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Source source() {
            return Source.SIMULATED;
        }

        @Override
        public Answer rank(RankingTask task) {
            asked.add(task.id());
            return answers.isEmpty() ? Answer.quit() : answers.poll();
        }
    }

    private static final List<RankingTask> TASKS = RankingSessionMain.TASKS;

    @Test
    void resumeLeavesOutWhatThisRaterAlreadyRanked(@TempDir Path tmp) {
        Path log = tmp.resolve("feedback.jsonl");
        Rater.Answer a = Rater.Answer.of(Ranking.of(2, 1, 0));
        ScriptedRater bo = new ScriptedRater("bo", a, a, a, a);
        assertEquals(4, RankingSession.run(TASKS, bo, log, false).ranked());

        ScriptedRater kim = new ScriptedRater("kim", a, Rater.Answer.skip(), Rater.Answer.quit());
        RankingSession.Summary first = RankingSession.run(TASKS, kim, log, true);
        assertEquals("ranked 1, skipped 1, already ranked 0, quit early", first.toString());

        ScriptedRater again = new ScriptedRater("kim", a, a, a);
        RankingSession.Summary second = RankingSession.run(TASKS, again, log, true);
        assertEquals(List.of("t0002", "t0003", "t0004"), again.asked, "t0001 is in the log; bo's rankings do not count");
        assertEquals(new RankingSession.Summary(3, 0, 1, false, second.records()), second);
        List<FeedbackRecord> all = FeedbackLog.readStrict(log);
        assertEquals(8, all.size());
        assertEquals("f00008", all.get(7).id());
    }

    /**
     * A separate JVM ranks on its stdin; after three answers it is killed with {@code kill -9}
     * while waiting for the fourth. Every answer given is in the log, which reads back clean, and a
     * resumed run asks only for the task left.
     */
    @Test
    void killNineLosesNoAnswerAndResumeAsksOnlyWhatIsLeft(@TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("feedback.jsonl");
        List<String> answers = List.of("3 1 2", "2=3 1", "1 2 3");
        Process p = start(log, tmp.resolve("first.out"));
        try (OutputStream stdin = p.getOutputStream()) {
            for (int i = 0; i < answers.size(); i++) {
                stdin.write((answers.get(i) + "\n").getBytes(StandardCharsets.UTF_8));
                stdin.flush();
                awaitLines(log, i + 1, p);
            }
            kill9(p);
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "the killed process ended");
        }
        assertEquals(137, p.exitValue(), "128 + SIGKILL");
        List<FeedbackRecord> saved = FeedbackLog.readStrict(log);
        assertEquals(answers, saved.stream().map(r -> r.ranking().format()).toList());
        assertEquals(List.of("t0001", "t0002", "t0003"), saved.stream().map(FeedbackRecord::task).toList());

        Process resumed = start(log, tmp.resolve("second.out"));
        try (OutputStream stdin = resumed.getOutputStream()) {
            stdin.write("2 3 1\n".getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(resumed.waitFor(10, TimeUnit.SECONDS), "the resumed process finished");
        String out = Files.readString(tmp.resolve("second.out"));
        assertEquals(0, resumed.exitValue(), out);
        assertTrue(out.contains("task t0004") && !out.contains("task t0003"), out);
        assertTrue(out.contains("summary: ranked 1, skipped 0, already ranked 3, all tasks done"), out);
        List<FeedbackRecord> all = FeedbackLog.readStrict(log);
        assertEquals(List.of("3 1 2", "2=3 1", "1 2 3", "2 3 1"), all.stream().map(r -> r.ranking().format()).toList());
        assertEquals("f00004", all.get(3).id());
    }

    private static Process start(Path log, Path out) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-Dfile.encoding=UTF-8",
                "-cp", System.getProperty("java.class.path"), RankingSessionMain.class.getName(), log.toString())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
    }

    /** Waits until {@code log} holds {@code n} complete lines. */
    private static void awaitLines(Path log, int n, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && count(Files.readAllBytes(log)) >= n) {
                return;
            }
            if (!p.isAlive()) {
                throw new AssertionError("the ranking process ended early with " + p.exitValue());
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the log did not reach " + n + " lines in 10 s");
    }

    private static int count(byte[] bytes) {
        int n = 0;
        for (byte b : bytes) {
            n += b == '\n' ? 1 : 0;
        }
        return n;
    }

    /** {@code kill -9 pid}, literally; where there is no {@code kill} command, the JDK's SIGKILL. */
    private static void kill9(Process p) throws Exception {
        try {
            Process kill = new ProcessBuilder("kill", "-9", Long.toString(p.pid())).inheritIO().start();
            assertEquals(0, kill.waitFor(), "kill -9 " + p.pid());
        } catch (IOException noKillCommand) {
            p.destroyForcibly();
        }
    }
}
