package dev.rlhf4j.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlhf4j.world.Aspect;
import dev.rlhf4j.world.Prompt;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleRaterTest {

    static RankingTask task(String id, String... completions) {
        return new RankingTask(id, new Prompt("p" + id.substring(1), "the pasta was", Aspect.FOOD, false),
                List.of(completions), "small");
    }

    static final List<RankingTask> TASKS = List.of(
            task("t1", "cold and bland", "rich and warm", "fine i guess", "great , we loved it"),
            task("t2", "perfect", "too salty", "ok"),
            task("t3", "a", "b", "c", "d"),
            task("t4", "x", "y"),
            task("t5", "never", "shown"));

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    private ConsoleRater rater(String script) {
        return new ConsoleRater("ana", new StringReader(script), new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void scriptedSessionRanksTiesExplainsSkipsAndQuits(@TempDir Path tmp) {
        String script = String.join("\n", "2 1 4 3", "?", "1 2 7", "2=1 3", "s", "q", "never read") + "\n";
        Path log = tmp.resolve("feedback.jsonl");
        Clock clock = Clock.fixed(Instant.parse("2026-11-29T04:00:00.750Z"), ZoneOffset.UTC);
        RankingSession.Summary s;
        try (FeedbackLog.Writer w = FeedbackLog.appender(log)) {
            s = RankingSession.of(rater(script), w).withClock(clock).run(TASKS);
        }
        assertEquals(new RankingSession.Summary(2, 1, 0, true, s.records()), s);

        List<FeedbackRecord> records = FeedbackLog.readStrict(log);
        assertEquals(s.records(), records);
        assertEquals(List.of("f00001", "f00002"), records.stream().map(FeedbackRecord::id).toList());
        assertEquals(Ranking.of(1, 0, 3, 2), records.get(0).ranking());
        assertEquals(new Ranking(List.of(List.of(1, 0), List.of(2))), records.get(1).ranking());
        FeedbackRecord r = records.get(1);
        assertEquals(List.of("t2", "p2", "the pasta was", "small", "ana", Rater.Source.HUMAN, Instant.parse("2026-11-29T04:00:00Z")),
                List.of(r.task(), r.promptId(), r.prompt(), r.model(), r.rater(), r.source(), r.time()));

        String out = printed();
        assertTrue(out.contains("  1  the pasta was … cold and bland\n"), out);
        assertTrue(out.contains("  4  the pasta was … great , we loved it\n"), out);
        assertEquals(6, count(out, "rank best first (e.g. "), "t1 once, t2 three times (help, bad, good), t3, t4");
        assertTrue(out.contains("rank best first (e.g. 2 1=4 3), s = skip, q = quit, ? = help: "), out);
        assertTrue(out.contains("rank best first (e.g. 2 1=3), s = skip"), out);
        assertTrue(out.contains("Type the numbers of all 3 completions, best first"), out);
        assertTrue(out.contains("not a ranking: there is no completion 7: use 1..3"), out);
        assertTrue(out.contains("ranked: 2=1 3"), out);
        assertTrue(out.contains("skipped t3"), out);
        assertTrue(out.contains("quitting"), out);
        assertFalse(out.contains("task t5"), out);
    }

    @Test
    void emptyAndHalfAnswersAreAskedAgainAndEndOfInputQuits() {
        ConsoleRater r = rater("\n1 1 2\n1 2\n");
        Rater.Answer first = r.rank(task("t9", "a", "b", "c"));
        assertTrue(first.quitting(), "the input ended before a valid ranking of 3");
        String out = printed();
        assertTrue(out.contains("not a ranking: empty answer"), out);
        assertTrue(out.contains("not a ranking: completion 1 is ranked twice"), out);
        assertTrue(out.contains("not a ranking: rank all 3 completions; missing: [3]"), out);
        assertTrue(out.contains("(end of input: quitting)"), out);
        assertEquals(Rater.Source.HUMAN, r.source());
    }

    @Test
    void examplesFitKAndLongCompletionsWrap() {
        assertEquals("2 1", ConsoleRater.example(2));
        assertEquals("2 1=4 3", ConsoleRater.example(4));
        assertEquals("2 1=9 3 4 5 6 7 8", ConsoleRater.example(9));
        for (int k = 2; k <= 9; k++) {
            Ranking.parse(ConsoleRater.example(k), k); // every example is a valid answer
        }
        String wrapped = ConsoleRater.wrap("  1  ", "word ".repeat(40).strip());
        for (String line : wrapped.split("\n")) {
            assertTrue(line.length() <= ConsoleRater.WIDTH, line);
            assertTrue(line.startsWith("  1  word") || line.startsWith("     word"), line);
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
