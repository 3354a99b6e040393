package dev.rlhf4j.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.loop.Pipeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * The pipeline's {@code index.html}, a page to put on a projector: the result first (the tuned policy's
 * win rate against the initial model with its interval and what it was measured on, the true
 * preference before → after, the KL), then every stage in order with its charts and two or three
 * numbers in words, then completions of held-out prompts before and after. Everything comes from
 * the files the stages wrote ({@code pipeline.json}, each stage's summary, PNGs and CSVs); the
 * images are the PNGs next to the page, linked by relative paths, and every text is HTML-escaped.
 *
 * <p>The win rate appears once. PPO's own summary ({@code ppo/summary.json}) holds a second estimate
 * of the same comparison: the same held-out prompts, samples per prompt and judge, but independent
 * random draws for each model, where the evaluation samples both models with the same seed. The two
 * differ only by which samples were drawn; the page reports the evaluation's and says so.
 */
final class PipelineReport {

    private PipelineReport() {}

    /** Before/after rows shown (the first held-out prompts of {@code ppo/samples.csv}). */
    static final int SAMPLE_ROWS = 6;

    private static final String STYLE = String.join("\n",
            "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:22px;line-height:1.45;",
            "  max-width:1200px;margin:0 auto;padding:0 24px 48px;color:#111;}",
            "h1{font-size:1.9em;margin:0.6em 0 0.2em;} h2{font-size:1.45em;margin-top:1.8em;border-bottom:3px solid #ddd;}",
            "h3{font-size:1.1em;} .meta{color:#555;font-size:0.8em;}",
            ".headline{background:#eef4fb;border-left:10px solid #2a6ebb;padding:0.4em 1em;margin:1em 0;}",
            ".big{font-size:1.5em;font-weight:700;margin:0.3em 0;}",
            ".charts{display:flex;flex-wrap:wrap;justify-content:space-between;}",
            "figure{width:49%;margin:0 0 1em;} figure img{width:100%;height:auto;border:1px solid #ddd;}",
            "figcaption{font-size:0.75em;color:#333;}",
            "table{width:100%;table-layout:fixed;border-collapse:collapse;font-size:0.85em;}",
            "td,th{border:1px solid #ccc;padding:6px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere;}",
            "th{background:#f4f4f4;} .u{color:#555;font-size:0.85em;white-space:nowrap;}",
            "code{overflow-wrap:anywhere;} .note{font-size:0.8em;color:#333;}",
            "@media (max-width:900px){figure{width:100%;}}");

    /** Writes {@code out/index.html} from the files the pipeline wrote into {@code out}; returns the page. */
    static Path write(Path out) {
        Path index = out.resolve("index.html");
        AtomicFiles.writeString(index, html(out));
        return index;
    }

    /** The page. */
    static String html(Path out) {
        JsonObject run = json(out.resolve(Pipeline.SUMMARY));
        JsonObject feedback = json(out.resolve("feedback/summary.json"));
        JsonObject reward = json(out.resolve("reward/summary.json"));
        JsonObject ppo = json(out.resolve("ppo/summary.json"));
        JsonObject win = json(out.resolve("evaluate/win_rate.json"));
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>rlhf4j pipeline</title>\n<style>\n").append(STYLE).append("\n</style></head><body>\n");
        h.append("<h1>RLHF on restaurant reviews: what the pipeline did</h1>\n");
        h.append("<p class=\"meta\">").append(esc(String.format(Locale.ROOT, "%s mode · %s · seed %s",
                str(run, "mode", "?"), duration(num(run, "seconds")), str(run, "seed", "?")))).append("</p>\n");

        headline(h, run, ppo, win);
        stage1(h, out, run);
        stage2(h, out, run, feedback);
        stage3(h, out, reward);
        stage4(h, out, ppo);
        evaluation(h, out, run, win);
        samples(h, out);
        h.append("<p class=\"note\">Every number on this page is in the stage folders next to it: ")
                .append("<code>select/</code>, <code>feedback/</code>, <code>reward/</code>, <code>ppo/</code>, ")
                .append("<code>evaluate/</code> and <code>pipeline.json</code>.</p>\n");
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void headline(StringBuilder h, JsonObject run, JsonObject ppo, JsonObject win) {
        h.append("<section id=\"result\" class=\"headline\">\n<h2>The result</h2>\n");
        if (win == null) {
            h.append("<p>The evaluation did not run: <code>evaluate/win_rate.json</code> is missing.</p>\n</section>\n");
            return;
        }
        h.append("<p class=\"big\">").append(esc(String.format(Locale.ROOT,
                "The tuned policy beats the initial model in %s of head-to-head comparisons (95%% interval %s – %s).",
                pct(num(win, "rate")), pct(num(win, "lower")), pct(num(win, "upper"))))).append("</p>\n");
        h.append("<p>").append(esc(measuredOn(run, win))).append("</p>\n<ul>\n");
        li(h, String.format(Locale.ROOT, "True preference (the simulated human's taste, mean per completion, same samples): "
                + "%s for the initial model → %s for the tuned policy.", f(num(win, "baselineUtility")),
                f(num(win, "candidateUtility"))));
        li(h, String.format(Locale.ROOT, "KL divergence from the initial model: %s nats per completion (mean of the last 5 PPO "
                + "iterations) — how far the tuning moved the model.", f(num(ppo, "kl_mean_end"))));
        h.append("</ul>\n</section>\n");
    }

    /** What the win rate was measured on, in words. */
    static String measuredOn(JsonObject run, JsonObject win) {
        long comparisons = Math.round(num(win, "comparisons"));
        double perPrompt = num(run, "samples_per_prompt");
        String layout = Double.isNaN(perPrompt) ? ""
                : String.format(Locale.ROOT, ": %d held-out prompts (never used in training) × %d samples from each model",
                        Math.round(comparisons / perPrompt), Math.round(perPrompt));
        return String.format(Locale.ROOT, "Measured on %d comparisons%s, each pair judged by the true preference "
                + "(%d wins, %d ties; a tie counts half). The interval is a bootstrap over the comparisons; "
                + "50%% would mean no change.", comparisons, layout, Math.round(num(win, "wins")), Math.round(num(win, "ties")));
    }

    private static void stage1(StringBuilder h, Path out, JsonObject run) {
        h.append("<section id=\"stage-1\">\n<h2>1 · A pretrained model</h2>\n<ul>\n");
        li(h, "Model used: " + str(run, "model", "?") + ".");
        li(h, "How it was chosen: " + str(run, "model_choice", "not recorded") + ".");
        h.append("</ul>\n");
        charts(h, out, List.of(
                new Chart("select/perplexity.png", "Held-out perplexity of each bundled model against its size (lower is "
                        + "better), each point labelled; the bigram baseline is named in the title."),
                new Chart("select/speed.png", "Sampling speed of each bundled model; the line is the budget the rule asks for.")));
        h.append("</section>\n");
    }

    private static void stage2(StringBuilder h, Path out, JsonObject run, JsonObject fb) {
        h.append("<section id=\"stage-2\">\n<h2>2 · Human feedback</h2>\n<ul>\n");
        if (fb == null) {
            li(h, "No feedback summary (feedback/summary.json) was written.");
        } else {
            li(h, String.format(Locale.ROOT, "%,d rankings of %,d prompts, %d completions each, best first (%s; %,d rankings "
                    + "have a tie). Log: %s.", Math.round(num(fb, "rankings")), Math.round(num(fb, "tasks")),
                    Math.round(num(fb, "k")), str(run, "feedback", "the feedback log"),
                    Math.round(num(fb, "rankings_with_tie")), str(run, "feedback_log", "?")));
            JsonArray between = fb.has("between_raters") ? fb.getAsJsonArray("between_raters") : new JsonArray();
            if (!between.isEmpty() && !Double.isNaN(num(fb, "pooled_agreement"))) {
                int tasks = 0;
                for (JsonElement e : between) {
                    tasks = Math.max(tasks, e.getAsJsonObject().get("tasks").getAsInt());
                }
                li(h, String.format(Locale.ROOT, "Raters agree with each other on %s of pairs (%d raters, up to %d prompts "
                        + "ranked by several of them; InstructGPT's labelers agreed on 72.6%%).",
                        pct(num(fb, "pooled_agreement")), fb.getAsJsonObject("by_rater").size(), tasks));
            }
            JsonArray pref = fb.has("with_preference") ? fb.getAsJsonArray("with_preference") : new JsonArray();
            if (!pref.isEmpty()) {
                JsonObject main = pref.get(0).getAsJsonObject();
                for (JsonElement e : pref) {
                    main = e.getAsJsonObject().get("tasks").getAsInt() > main.get("tasks").getAsInt() ? e.getAsJsonObject() : main;
                }
                li(h, String.format(Locale.ROOT, "The main rater, %s, agrees with the true preference on %s of pairs "
                        + "(%d prompts): no reward model learning from these labels should expect to do better.",
                        main.get("rater").getAsString(), pct(main.get("agreement").getAsDouble()), main.get("tasks").getAsInt()));
            }
        }
        h.append("</ul>\n");
        charts(h, out, List.of(
                new Chart("feedback/models.png", "Elo leaderboard (K = 4, 95% bootstrap intervals) of the bundled models "
                        + "judged head to head: overlapping intervals mean equally good — preference has to come from feedback."),
                new Chart("feedback/elo_scores.png", "Each dot is one completion: its Elo score within its ranking (what the "
                        + "rankings say) against the simulated human's utility (the truth). The spread is the raters' noise.")));
        h.append("</section>\n");
    }

    private static void stage3(StringBuilder h, Path out, JsonObject reward) {
        h.append("<section id=\"stage-3\">\n<h2>3 · Reward model</h2>\n<ul>\n");
        li(h, String.format(Locale.ROOT, "On %d pairs of rankings it never trained on, it scores the preferred completion "
                + "higher %s of the time (chance: 50%%; the raters' ceiling: %s).", Math.round(num(reward, "val_pairs")),
                pct(num(reward, "val_accuracy")), pct(num(reward, "rater_ceiling"))));
        li(h, String.format(Locale.ROOT, "Correlation of its scores with the simulated human's utility: %s.",
                f(num(reward, "truth_correlation"))));
        li(h, String.format(Locale.ROOT, "Trained on %,d rankings for %d epochs (%s objective).",
                Math.round(num(reward, "train_rankings")), Math.round(num(reward, "epochs")), str(reward, "objective", "?")));
        h.append("</ul>\n");
        charts(h, out, List.of(
                new Chart("reward/accuracy.png", "Validation accuracy per epoch, with the raters' ceiling and chance."),
                new Chart("reward/loss.png", "Training and validation loss per epoch."),
                new Chart("reward/rewards.png", "Reward-model scores of the chosen and the rejected completions of validation pairs: the less they overlap, the better.")));
        h.append("</section>\n");
    }

    private static void stage4(StringBuilder h, Path out, JsonObject ppo) {
        h.append("<section id=\"stage-4\">\n<h2>4 · PPO against the reward model</h2>\n<ul>\n");
        li(h, String.format(Locale.ROOT, "Reward-model score of the policy's completions: %s → %s (first iteration → mean of the "
                + "last 5, of %d).", f(num(ppo, "reward_mean_start")), f(num(ppo, "reward_mean_end")),
                Math.round(num(ppo, "iterations"))));
        li(h, String.format(Locale.ROOT, "True preference on the training prompts over the same iterations: %s → %s — the "
                + "reward model's gain is real when this rises too.", f(num(ppo, "true_reward_start")), f(num(ppo, "true_reward_end"))));
        li(h, String.format(Locale.ROOT, "KL to the initial model at the end: %s nats per completion; the KL penalty keeps it from drifting into "
                + "text only the reward model likes.", f(num(ppo, "kl_mean_end"))));
        h.append("</ul>\n");
        charts(h, out, List.of(
                new Chart("ppo/reward.png", "Reward-model score and true preference per iteration."),
                new Chart("ppo/kl.png", "KL to the initial model and the KL coefficient per iteration.")));
        h.append("<h3>Training diagnostics</h3>\n");
        charts(h, out, List.of(new Chart("ppo/loss.png", "Policy and value losses."),
                new Chart("ppo/clip.png", "Share of clipped ratios."), new Chart("ppo/entropy.png", "Entropy of the policy."),
                new Chart("ppo/variance-explained.png", "Variance of the returns the value head explains.")));
        h.append("</section>\n");
    }

    private static void evaluation(StringBuilder h, Path out, JsonObject run, JsonObject win) {
        h.append("<section id=\"evaluation\">\n<h2>Evaluation on held-out prompts</h2>\n<ul>\n");
        li(h, "The result at the top comes from this stage: the initial model and the tuned policy each sample every "
                + "held-out prompt with the same random seed, and the simulated human judges each pair.");
        List<String[]> board = csv(out.resolve("evaluate/leaderboard_bt.csv"));
        if (board.size() > 1) {
            List<String> players = new ArrayList<>();
            for (String[] row : board.subList(1, board.size())) {
                players.add(String.format(Locale.ROOT, "%s %.0f", row[0], Double.parseDouble(row[1])));
            }
            li(h, "Arena leaderboard (Bradley–Terry ratings, best first, judged by a noisy simulated rater): "
                    + String.join(", ", players) + ". Best-of-" + str(run, "best_of", "n") + " samples "
                    + str(run, "best_of", "n") + " completions of the initial model and keeps the one the reward model "
                    + "scores highest: it pays that many samples per answer, the tuned policy one.");
        }
        li(h, "PPO's own summary (ppo/summary.json) holds an earlier check of the same comparison: the same prompts, the same "
                + "number of samples and the same judge, but independent random draws for each model. It differs from the "
                + "result above only by which samples were drawn, so only the evaluation's estimate is reported.");
        h.append("</ul>\n");
        charts(h, out, List.of(new Chart("evaluate/leaderboard.png",
                "Arena leaderboard with 95% bootstrap intervals: the initial model, the tuned policy and the best-of-n baseline.")));
        h.append("</section>\n");
    }

    private static void samples(StringBuilder h, Path out) {
        Path file = out.resolve("ppo/samples.csv");
        if (!Files.exists(file)) {
            return;
        }
        Table t = Table.read().usingOptions(CsvReadOptions.builder(file.toFile()).columnTypesToDetect(List.of(ColumnType.STRING)));
        boolean utilities = t.columnNames().contains("true_utility_before");
        h.append("<section id=\"samples\">\n<h2>Before and after: held-out prompts</h2>\n")
                .append("<p>One completion of each model for the first held-out prompts, drawn with the same random numbers")
                .append(utilities ? "; the number is the simulated human's utility." : ".").append("</p>\n")
                .append("<table>\n<colgroup><col style=\"width:20%\"><col style=\"width:40%\"><col style=\"width:40%\"></colgroup>\n")
                .append("<tr><th>prompt</th><th>initial model</th><th>tuned policy</th></tr>\n");
        for (int i = 0; i < Math.min(SAMPLE_ROWS, t.rowCount()); i++) {
            h.append("<tr><td>").append(esc(t.getString(i, "prompt"))).append("</td><td>")
                    .append(esc(t.getString(i, "completion_before"))).append(utility(t, i, "true_utility_before"))
                    .append("</td><td>").append(esc(t.getString(i, "completion_after"))).append(utility(t, i, "true_utility_after"))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n</section>\n");
    }

    private static String utility(Table t, int row, String column) {
        if (!t.columnNames().contains(column)) {
            return "";
        }
        return " <span class=\"u\">(" + esc(f(Double.parseDouble(t.getString(row, column)))) + ")</span>";
    }

    /** A chart file (relative to the page) and its caption. */
    record Chart(String file, String caption) {}

    /** The charts whose files exist, two to a row with captions; nothing when none does. */
    private static void charts(StringBuilder h, Path out, List<Chart> charts) {
        List<Chart> there = charts.stream().filter(c -> Files.isRegularFile(out.resolve(c.file()))).toList();
        if (there.isEmpty()) {
            return;
        }
        h.append("<div class=\"charts\">\n");
        for (Chart c : there) {
            h.append("<figure><img src=\"").append(esc(c.file())).append("\" alt=\"").append(esc(c.caption()))
                    .append("\"><figcaption>").append(esc(c.caption())).append("</figcaption></figure>\n");
        }
        h.append("</div>\n");
    }

    private static void li(StringBuilder h, String text) {
        h.append("<li>").append(esc(text)).append("</li>\n");
    }

    /** 0.9463 → "94.6%"; NaN → "n/a". */
    static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String duration(double seconds) {
        return Double.isNaN(seconds) ? "duration not recorded" : clock(seconds) + " in all";
    }

    /** A duration as a person reads it: "95 s" under two minutes, else "2 min 21 s". */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s < 120 ? s + " s" : String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }

    private static double num(JsonObject o, String key) {
        return o != null && o.has(key) && o.get(key).isJsonPrimitive() ? o.get(key).getAsDouble() : Double.NaN;
    }

    private static String str(JsonObject o, String key, String absent) {
        return o != null && o.has(key) && o.get(key).isJsonPrimitive() ? o.get(key).getAsString() : absent;
    }

    /** The lines of a plain CSV (no quoted commas: leaderboards), split; empty when the file is missing. */
    private static List<String[]> csv(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(l -> l.split(",", -1)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static JsonObject json(Path file) {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Text as HTML: {@code & < > " '} escaped. */
    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}
