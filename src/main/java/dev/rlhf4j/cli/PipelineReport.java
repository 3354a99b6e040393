package dev.rlhf4j.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.core.RunSize;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/** The pipeline's {@code index.html}: headline numbers of every stage and every chart, from the files the stages wrote. */
final class PipelineReport {

    private PipelineReport() {}

    static Path write(Path out, Path model, Path feedback, double seconds) {
        JsonObject reward = json(out.resolve("reward/summary.json"));
        JsonObject ppo = json(out.resolve("ppo/summary.json"));
        JsonObject win = json(out.resolve("evaluate/win_rate.json"));
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>rlhf4j pipeline</title>\n")
                .append("<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;} img{width:48%;margin:1%;}")
                .append(" table{border-collapse:collapse;} td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;}</style>")
                .append("</head><body>\n<h1>rlhf4j pipeline</h1>\n");
        h.append(String.format(Locale.ROOT, "<p>%s mode, %.0f s in all. Model: <code>%s</code>. Feedback: <code>%s</code>.</p>%n",
                RunSize.label(), seconds, esc(model.getFileName().toString()), esc(feedback.getFileName().toString())));
        h.append("<h2>Headline</h2>\n<table>\n");
        row(h, "reward model: validation pairwise accuracy", f(reward, "val_accuracy") + " (raters' ceiling " + f(reward, "rater_ceiling") + ")");
        row(h, "PPO: reward-model score, first → last iterations", f(ppo, "reward_mean_start") + " → " + f(ppo, "reward_mean_end"));
        row(h, "PPO: true preference (simulated human)", f(ppo, "true_reward_start") + " → " + f(ppo, "true_reward_end"));
        row(h, "PPO: KL to the initial model at the end", f(ppo, "kl_mean_end"));
        row(h, "win rate of the tuned policy against the initial model (held-out prompts)",
                f(win, "rate") + " [" + f(win, "lower") + ", " + f(win, "upper") + "]");
        h.append("</table>\n");
        section(h, out, "1. Selecting a pretrained model", List.of("select/perplexity.png", "select/speed.png"));
        section(h, out, "3. Reward model", List.of("reward/loss.png", "reward/accuracy.png", "reward/rewards.png"));
        section(h, out, "4. PPO", List.of("ppo/reward.png", "ppo/kl.png", "ppo/loss.png", "ppo/clip.png", "ppo/entropy.png",
                "ppo/variance-explained.png"));
        section(h, out, "Evaluation: Arena leaderboard", List.of("evaluate/leaderboard.png"));
        Path samples = out.resolve("ppo/samples.csv");
        if (Files.exists(samples)) {
            h.append("<h2>Samples on held-out prompts, before and after PPO</h2>\n<table><tr><th>prompt</th><th>before</th>")
                    .append("<th>after</th></tr>\n");
            Table t = Table.read().usingOptions(CsvReadOptions.builder(samples.toFile()).build());
            for (int i = 0; i < t.rowCount(); i++) {
                h.append("<tr><td>").append(esc(t.getString(i, "prompt"))).append("</td><td>")
                        .append(esc(t.getString(i, "completion_before"))).append("</td><td>")
                        .append(esc(t.getString(i, "completion_after"))).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("</body></html>\n");
        Path index = out.resolve("index.html");
        AtomicFiles.writeString(index, h.toString());
        return index;
    }

    private static void section(StringBuilder h, Path out, String title, List<String> images) {
        h.append("<h2>").append(esc(title)).append("</h2>\n");
        for (String img : images) {
            if (Files.exists(out.resolve(img))) {
                h.append("<img src=\"").append(img).append("\" alt=\"").append(img).append("\">\n");
            }
        }
    }

    private static void row(StringBuilder h, String k, String v) {
        h.append("<tr><td>").append(esc(k)).append("</td><td>").append(esc(v)).append("</td></tr>\n");
    }

    private static String f(JsonObject o, String key) {
        return o != null && o.has(key) ? String.format(Locale.ROOT, "%.3f", o.get(key).getAsDouble()) : "n/a";
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

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
