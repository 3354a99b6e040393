package dev.rlhf4j.feedback;

import com.google.gson.stream.JsonWriter;
import dev.rlhf4j.core.AtomicFiles;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** The exports of {@link FeedbackLog}: comparisons as TRL preference JSONL and as CSV. */
final class PairExports {

    private PairExports() {}

    /** TRL's explicit-prompt preference format; ties are left out. */
    static void trl(List<FeedbackRecord> records, Path file) {
        StringBuilder out = new StringBuilder();
        for (FeedbackRecord r : records) {
            for (Pairs.Comparison c : Pairs.comparisons(r)) {
                if (!c.tie()) {
                    out.append(trlLine(c)).append('\n');
                }
            }
        }
        AtomicFiles.writeString(file, out.toString());
    }

    private static String trlLine(Pairs.Comparison c) {
        StringWriter s = new StringWriter();
        try (JsonWriter w = new JsonWriter(s)) {
            w.beginObject();
            w.name("prompt").value(c.prompt());
            w.name("chosen").value(" " + c.chosen()); // prompt + chosen = the whole text, as TRL concatenates
            w.name("rejected").value(" " + c.rejected());
            w.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return s.toString();
    }

    /** Every comparison, ties included, one CSV row each. */
    static void csv(List<FeedbackRecord> records, Path file) {
        StringBuilder out = new StringBuilder("record,task,prompt_id,prompt,chosen,rejected,tie\n");
        for (FeedbackRecord r : records) {
            for (Pairs.Comparison c : Pairs.comparisons(r)) {
                out.append(String.join(",", quote(r.id()), quote(r.task()), quote(c.promptId()), quote(c.prompt()),
                        quote(c.chosen()), quote(c.rejected()), Boolean.toString(c.tie()))).append('\n');
            }
        }
        AtomicFiles.writeString(file, out.toString());
    }

    /** RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled. */
    static String quote(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }
}
