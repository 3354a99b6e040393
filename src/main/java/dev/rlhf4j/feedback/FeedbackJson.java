package dev.rlhf4j.feedback;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * One feedback record as one line of JSON, both ways, in the layout of {@link FeedbackRecord}'s
 * javadoc. Reading checks every field and stops at the first problem, which it reports as a
 * {@link FieldError} naming the field, what was expected and what was found.
 */
final class FeedbackJson {

    private FeedbackJson() {}

    /** What is wrong with one line: the field (null when the line is not a JSON object) and why. */
    static final class FieldError extends Exception {
        final String field;

        FieldError(String field, String message) {
            super(message, null, false, false);
            this.field = field;
        }
    }

    /** The record as one line of JSON, fields in the documented order, no line end. */
    static String write(FeedbackRecord r) {
        StringWriter s = new StringWriter();
        try (JsonWriter w = new JsonWriter(s)) {
            w.beginObject();
            w.name("id").value(r.id());
            w.name("task").value(r.task());
            w.name("prompt_id").value(r.promptId());
            w.name("prompt").value(r.prompt());
            w.name("model").value(r.model());
            w.name("k").value(r.k());
            w.name("completions").beginArray();
            for (String c : r.completions()) {
                w.value(c);
            }
            w.endArray();
            w.name("ranking").beginArray();
            for (List<Integer> group : r.ranking().groups()) {
                w.beginArray();
                for (int i : group) {
                    w.value(i);
                }
                w.endArray();
            }
            w.endArray();
            w.name("rater").value(r.rater());
            w.name("source").value(r.source() == null ? null : r.source().label());
            w.name("time").value(r.time() == null ? null : r.time().toString());
            w.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return s.toString();
    }

    /** Parses a line as a JSON object (strict JSON, nothing after it). */
    static JsonObject object(String line) throws FieldError {
        JsonElement e;
        try {
            JsonReader reader = new JsonReader(new StringReader(line));
            reader.setStrictness(Strictness.STRICT);
            e = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new FieldError(null, "expected one JSON object, found more after it: " + line.strip());
            }
        } catch (JsonParseException | IOException | IllegalStateException x) {
            throw new FieldError(null, "expected a JSON object, found invalid JSON (" + problem(x) + ")");
        }
        if (!e.isJsonObject()) {
            throw new FieldError(null, "expected a JSON object, found " + found(e));
        }
        return e.getAsJsonObject();
    }

    /** The record a line describes, or the first problem with it. */
    static FeedbackRecord read(String line) throws FieldError {
        JsonObject o = object(line);
        String id = text(o, "id", false);
        String task = text(o, "task", false);
        String promptId = text(o, "prompt_id", false);
        String prompt = text(o, "prompt", false);
        String model = text(o, "model", true);
        int k = k(o);
        List<String> completions = completions(o, k);
        Ranking ranking = ranking(o, k);
        String rater = text(o, "rater", false);
        Rater.Source source = source(o);
        Instant time = time(o);
        return new FeedbackRecord(id, task, promptId, prompt, model, completions, ranking, rater, source, time);
    }

    /** The string {@code "id"} of a line that is a JSON object, or null. */
    static String idOrNull(String line) {
        try {
            JsonElement id = object(line).get("id");
            return id != null && id.isJsonPrimitive() && id.getAsJsonPrimitive().isString() ? id.getAsString() : null;
        } catch (FieldError e) {
            return null;
        }
    }

    private static String text(JsonObject o, String field, boolean mayBeEmpty) throws FieldError {
        String expected = mayBeEmpty ? "a string" : "a non-empty string";
        JsonElement e = require(o, field, expected);
        if (!isString(e) || (!mayBeEmpty && e.getAsString().isBlank())) {
            throw new FieldError(field, "expected " + expected + ", found " + found(e));
        }
        return e.getAsString();
    }

    private static int k(JsonObject o) throws FieldError {
        String expected = "an integer " + RankingTask.MIN_K + ".." + RankingTask.MAX_K;
        JsonElement e = require(o, "k", expected);
        Integer k = integer(e);
        if (k == null || k < RankingTask.MIN_K || k > RankingTask.MAX_K) {
            throw new FieldError("k", "expected " + expected + ", found " + found(e));
        }
        return k;
    }

    private static List<String> completions(JsonObject o, int k) throws FieldError {
        String expected = "an array of " + k + " strings";
        JsonElement e = require(o, "completions", expected);
        if (!e.isJsonArray()) {
            throw new FieldError("completions", "expected " + expected + ", found " + found(e));
        }
        JsonArray a = e.getAsJsonArray();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            if (!isString(a.get(i))) {
                throw new FieldError("completions", "expected " + expected + ", found " + found(a.get(i)) + " at index " + i);
            }
            out.add(a.get(i).getAsString());
        }
        if (out.size() != k) {
            throw new FieldError("completions", "expected k = " + k + " completions (wrong K), found " + out.size());
        }
        return out;
    }

    /** The ranking: groups of 0-based indices, together a permutation of 0..k−1. */
    private static Ranking ranking(JsonObject o, int k) throws FieldError {
        String shape = "an array of groups of completion indices like [[1],[0,3],[2]]";
        JsonElement e = require(o, "ranking", shape);
        List<List<Integer>> groups = new ArrayList<>();
        if (e.isJsonArray()) {
            for (JsonElement g : e.getAsJsonArray()) {
                if (!g.isJsonArray()) {
                    groups = null;
                    break;
                }
                List<Integer> group = new ArrayList<>();
                for (JsonElement i : g.getAsJsonArray()) {
                    group.add(integer(i));
                }
                groups.add(group);
            }
        }
        if (!e.isJsonArray() || groups == null || groups.stream().anyMatch(g -> g.contains(null))) {
            throw new FieldError("ranking", "expected " + shape + ", found " + found(e));
        }
        String permutation = "expected a permutation of 0.." + (k - 1) + " in groups, found " + found(e);
        if (groups.isEmpty()) {
            throw new FieldError("ranking", permutation + " (no groups)");
        }
        boolean[] seen = new boolean[k];
        for (int g = 0; g < groups.size(); g++) {
            if (groups.get(g).isEmpty()) {
                throw new FieldError("ranking", "expected non-empty groups, found " + found(e) + " (group " + (g + 1) + " is empty)");
            }
            for (int i : groups.get(g)) {
                if (i < 0 || i >= k) {
                    throw new FieldError("ranking", "expected indices 0.." + (k - 1) + " of the k = " + k
                            + " completions, found " + found(e) + " (unknown completion index " + i + ")");
                }
                if (seen[i]) {
                    throw new FieldError("ranking", permutation + " (index " + i + " appears twice)");
                }
                seen[i] = true;
            }
        }
        for (int i = 0; i < k; i++) {
            if (!seen[i]) {
                throw new FieldError("ranking", permutation + " (index " + i + " is missing)");
            }
        }
        return new Ranking(groups);
    }

    private static Rater.Source source(JsonObject o) throws FieldError {
        JsonElement e = require(o, "source", "\"human\" or \"simulated\"");
        if (isString(e)) {
            for (Rater.Source s : Rater.Source.values()) {
                if (s.label().equals(e.getAsString())) {
                    return s;
                }
            }
        }
        throw new FieldError("source", "expected \"human\" or \"simulated\", found " + found(e));
    }

    private static Instant time(JsonObject o) throws FieldError {
        String expected = "an ISO-8601 UTC time like \"2026-11-29T04:00:00Z\"";
        JsonElement e = require(o, "time", expected);
        if (isString(e)) {
            try {
                return Instant.parse(e.getAsString());
            } catch (DateTimeParseException x) {
                // reported below
            }
        }
        throw new FieldError("time", "expected " + expected + ", found " + found(e));
    }

    static JsonElement require(JsonObject o, String field, String expected) throws FieldError {
        JsonElement e = o.get(field);
        if (e == null) {
            throw new FieldError(field, "expected " + expected + ", found nothing (the field is missing)");
        }
        return e;
    }

    private static boolean isString(JsonElement e) {
        return e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
    }

    /** The integer value of a JSON number without a fraction, or null. */
    static Integer integer(JsonElement e) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            return null;
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        try {
            return p.getAsBigDecimal().intValueExact();
        } catch (ArithmeticException | NumberFormatException x) {
            return null;
        }
    }

    /** A found value for an error message: its JSON, cut after 60 characters. */
    static String found(JsonElement e) {
        String s = e.toString();
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /** Gson's complaint in a reader's words: {@code end of input at column 25}. */
    private static String problem(Exception x) {
        Throwable root = x;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String m = root.getMessage() == null ? "unreadable" : root.getMessage().lines().findFirst().orElse("unreadable");
        m = m.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept ", "")
                .replaceAll(" at line \\d+ column (\\d+) path \\S*", " at column $1");
        return m.isEmpty() ? m : Character.toLowerCase(m.charAt(0)) + m.substring(1);
    }
}
