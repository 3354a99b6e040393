package dev.rlhf4j.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedbackLogTest {

    static final Instant T0 = Instant.parse("2026-11-29T04:00:00Z");

    static FeedbackRecord record(String id, Ranking ranking, String... completions) {
        return new FeedbackRecord(id, "t" + id.substring(1), "p012", "the pasta was", "small",
                List.of(completions), ranking, "ana", Rater.Source.HUMAN, T0.plusSeconds(id.hashCode() % 100));
    }

    static List<FeedbackRecord> sample() {
        return List.of(
                record("f00001", Ranking.of(1, 0, 2), "cold , and \"bland\"", "rich and warm", "fine"),
                record("f00002", Ranking.parse("2 1=4 3", 4), "a", "b", "c", "d"),
                new FeedbackRecord("f00003", "t0003", "p007", "our server", "", List.of("was kind", "was rude"),
                        Ranking.parse("1=2", 2), "sim-standard", Rater.Source.SIMULATED, T0));
    }

    @Test
    void writesTheDocumentedLayout() {
        FeedbackRecord r = new FeedbackRecord("f00001", "t0001", "p012", "the pasta was", "small",
                List.of("a", "b", "c", "d"), new Ranking(List.of(List.of(1), List.of(0, 3), List.of(2))),
                "sim-standard", Rater.Source.SIMULATED, T0);
        assertEquals("{\"id\":\"f00001\",\"task\":\"t0001\",\"prompt_id\":\"p012\",\"prompt\":\"the pasta was\","
                + "\"model\":\"small\",\"k\":4,\"completions\":[\"a\",\"b\",\"c\",\"d\"],\"ranking\":[[1],[0,3],[2]],"
                + "\"rater\":\"sim-standard\",\"source\":\"simulated\",\"time\":\"2026-11-29T04:00:00Z\"}",
                FeedbackLog.toJson(r));
    }

    @Test
    void roundTripWithTies(@TempDir Path tmp) {
        Path log = tmp.resolve("sub/dir/feedback.jsonl");
        try (FeedbackLog.Writer w = FeedbackLog.appender(log)) {
            assertEquals("f00001", w.nextId());
            for (FeedbackRecord r : sample()) {
                w.append(r);
            }
            assertEquals("f00004", w.nextId());
            var dup = assertThrows(IllegalArgumentException.class, () -> w.append(sample().get(0)));
            assertTrue(dup.getMessage().contains("\"f00001\" is already in the log"), dup.getMessage());
        }
        assertEquals(sample(), FeedbackLog.readStrict(log));
        try (FeedbackLog.Writer w = FeedbackLog.appender(log)) {
            assertEquals("f00004", w.nextId()); // continues after the ids in the file
        }
    }

    @Test
    void appendsOnANewLineWhenTheLastLineHasNoEnd(@TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("feedback.jsonl");
        Files.writeString(log, FeedbackLog.toJson(sample().get(0))); // no trailing newline
        try (FeedbackLog.Writer w = FeedbackLog.appender(log)) {
            w.append(sample().get(1));
        }
        assertEquals(2, Files.readAllLines(log).size());
        assertEquals(sample().subList(0, 2), FeedbackLog.readStrict(log));
    }

    @Test
    void refusesRecordsThatWouldNotReadBack(@TempDir Path tmp) {
        try (FeedbackLog.Writer w = FeedbackLog.appender(tmp.resolve("f.jsonl"))) {
            FeedbackRecord blankRater = new FeedbackRecord("f00001", "t1", "p1", "we waited", "", List.of("a", "b"),
                    Ranking.of(0, 1), " ", Rater.Source.HUMAN, T0);
            var e = assertThrows(IllegalArgumentException.class, () -> w.append(blankRater));
            assertTrue(e.getMessage().contains("field \"rater\""), e.getMessage());
        }
    }

    @Test
    void keepsGoodLinesAndNamesLineAndFieldOfEveryBadOne(@TempDir Path tmp) throws Exception {
        List<String> lines = new ArrayList<>();
        List<String[]> expected = new ArrayList<>(); // {line, field, words in the message}
        lines.add(FeedbackLog.toJson(sample().get(0)));
        bad(lines, expected, "{\"id\":\"f00090\", \"task\": ", null, "invalid JSON");
        bad(lines, expected, "{id:'f00091'}", null, "invalid JSON");
        bad(lines, expected, "[1,2,3]", null, "expected a JSON object, found [1,2,3]");
        bad(lines, expected, edit("f00092", o -> o.add("ranking", json("[[0],[7],[1,2]]"))), "ranking",
                "unknown completion index 7");
        bad(lines, expected, edit("f00093", o -> o.add("ranking", json("[[0],[0,2],[3]]"))), "ranking",
                "expected a permutation of 0..3 in groups, found [[0],[0,2],[3]] (index 0 appears twice)");
        lines.add("");
        bad(lines, expected, edit("f00094", o -> o.add("ranking", json("[[0],[2],[3]]"))), "ranking",
                "index 1 is missing");
        bad(lines, expected, edit("f00095", o -> o.add("ranking", json("[[0],[],[1,2,3]]"))), "ranking",
                "group 2 is empty");
        bad(lines, expected, edit("f00096", o -> o.remove("rater")), "rater", "the field is missing");
        lines.add(FeedbackLog.toJson(sample().get(1)));
        bad(lines, expected, edit("f00097", o -> o.add("completions", json("[\"a\",\"b\",\"c\"]"))), "completions",
                "wrong K");
        bad(lines, expected, edit("f00098", o -> o.addProperty("k", "four")), "k", "expected an integer 2..9, found \"four\"");
        bad(lines, expected, edit("f00099", o -> o.addProperty("k", 12)), "k", "found 12");
        bad(lines, expected, edit("f00100", o -> o.addProperty("source", "robot")), "source",
                "expected \"human\" or \"simulated\", found \"robot\"");
        bad(lines, expected, edit("f00101", o -> o.addProperty("time", "yesterday")), "time", "ISO-8601");
        bad(lines, expected, edit("f00102", o -> o.add("completions", json("[1,2,3,4]"))), "completions",
                "expected an array of 4 strings");
        bad(lines, expected, edit("f00103", o -> o.addProperty("prompt_id", 7)), "prompt_id", "found 7");
        bad(lines, expected, edit("f00001", o -> { }), "id", "first on line 1");
        lines.add(FeedbackLog.toJson(sample().get(2)));
        Path log = tmp.resolve("feedback.jsonl");
        Files.write(log, lines);

        FeedbackLog.Loaded loaded = FeedbackLog.read(log);
        assertEquals(sample(), loaded.records(), "every good line still loads");
        assertEquals(expected.size(), loaded.errors().size(), loaded.errors().toString());
        for (int i = 0; i < expected.size(); i++) {
            FeedbackLog.LineError e = loaded.errors().get(i);
            String[] x = expected.get(i);
            assertEquals(Integer.parseInt(x[0]), e.line(), e.toString());
            assertEquals(x[1], e.field(), e.toString());
            assertTrue(e.message().contains(x[2]), e.toString());
            String where = log + ":" + x[0] + ": " + (x[1] == null ? "" : "field \"" + x[1] + "\": ");
            assertTrue(e.toString().startsWith(where), e.toString());
        }
        var strict = assertThrows(IllegalArgumentException.class, () -> FeedbackLog.readStrict(log));
        assertTrue(strict.getMessage().startsWith(loaded.errors().get(0).toString()), strict.getMessage());
        assertTrue(strict.getMessage().endsWith("(and " + (expected.size() - 1) + " more bad lines)"), strict.getMessage());
        try (FeedbackLog.Writer w = FeedbackLog.appender(log)) {
            assertEquals("f00104", w.nextId(), "ids of bad lines are not handed out again");
        }
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path tmp) {
        Path log = tmp.resolve("nope.jsonl");
        var e = assertThrows(IllegalArgumentException.class, () -> FeedbackLog.read(log));
        assertTrue(e.getMessage().contains(log.toString()) && e.getMessage().contains("no such feedback log"), e.getMessage());
    }

    @Test
    void exportsTrlPairsWithoutTiesAndCsvWithTies(@TempDir Path tmp) throws Exception {
        Path trl = tmp.resolve("pairs.jsonl");
        Path csv = tmp.resolve("pairs.csv");
        FeedbackLog.writeTrlPairs(sample(), trl);
        FeedbackLog.writePairsCsv(sample(), csv);

        List<String> trlLines = Files.readAllLines(trl);
        assertEquals(3 + 5, trlLines.size(), "3 + 6 - 1 tie + 1 - 1 tie");
        assertEquals("{\"prompt\":\"the pasta was\",\"chosen\":\" rich and warm\","
                + "\"rejected\":\" cold , and \\\"bland\\\"\"}", trlLines.get(0));
        JsonObject last = JsonParser.parseString(trlLines.get(7)).getAsJsonObject();
        assertEquals(" d", last.get("chosen").getAsString());
        assertEquals(" c", last.get("rejected").getAsString());

        List<String> rows = Files.readAllLines(csv);
        assertEquals("record,task,prompt_id,prompt,chosen,rejected,tie", rows.get(0));
        assertEquals(1 + 3 + 6 + 1, rows.size());
        assertEquals("f00001,t00001,p012,the pasta was,rich and warm,\"cold , and \"\"bland\"\"\",false", rows.get(1));
        assertTrue(rows.contains("f00002,t00002,p012,the pasta was,a,d,true"), rows.toString());
        assertEquals("f00003,t0003,p007,our server,was kind,was rude,true", rows.get(10));
        assertFalse(Files.list(tmp).anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
    }

    private static void bad(List<String> lines, List<String[]> expected, String line, String field, String words) {
        lines.add(line);
        expected.add(new String[] {Integer.toString(lines.size()), field, words});
    }

    /** A good line of record f00002 (K = 4) with a new id and one edit. */
    private static String edit(String id, Consumer<JsonObject> change) {
        JsonObject o = JsonParser.parseString(FeedbackLog.toJson(sample().get(1))).getAsJsonObject();
        o.addProperty("id", id);
        change.accept(o);
        return o.toString();
    }

    private static JsonArray json(String array) {
        return JsonParser.parseString(array).getAsJsonArray();
    }
}
