package dev.rlhf4j.pretrain;

import ai.djl.Device;
import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.core.Interrupts;
import dev.rlhf4j.core.RunSize;
import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.model.Generation;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.Sampler;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.text.Tokenizer;
import dev.rlhf4j.text.Tokenizers;
import dev.rlhf4j.world.Prompt;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Stage 1: choose a pretrained model. Every candidate is measured the same way on the same
 * held-out data — perplexity on the held-out reviews (next to unigram and bigram baselines),
 * parameter count, sampling speed, and probes of its samples on held-out prompts — and one rule
 * picks the model: <b>the lowest held-out perplexity among the models that sample at least
 * {@code minTokensPerSecond} tokens per second</b> (the compute budget of a live RLHF loop on a CPU).
 */
public final class ModelSelection {

    /** The rule's default budget: at least this many sampled tokens per second. */
    public static final double DEFAULT_MIN_TOKENS_PER_SECOND = 1000;

    /**
     * One measured candidate.
     *
     * @param tokensPerSecond sampling speed on a batch of 64 prompts, best of 3 runs
     */
    public record Row(String name, long parameters, double perplexity, double recordedPerplexity, double tokensPerSecond,
            SampleProbes probes, List<String> samples) {}

    /**
     * What {@link #evaluate} found.
     *
     * @param rows the candidates, smallest first
     * @param unigramPerplexity the unigram baseline on the same tokens
     * @param bigramPerplexity the bigram baseline on the same tokens
     * @param minTokensPerSecond the budget of the rule
     * @param choice the chosen candidate's name (null when none fits the budget)
     * @param reason the rule and the numbers behind the choice, in words
     */
    public record Report(List<Row> rows, double unigramPerplexity, double bigramPerplexity, double minTokensPerSecond,
            String choice, String reason) {

        /** Candidates and baselines as one table. */
        public Table table() {
            Table t = Table.create("model selection",
                    StringColumn.create("model"), LongColumn.create("parameters"), DoubleColumn.create("perplexity"),
                    DoubleColumn.create("recorded_perplexity"), DoubleColumn.create("tokens_per_s"), DoubleColumn.create("distinct_1"),
                    DoubleColumn.create("distinct_2"), DoubleColumn.create("repetition"),
                    DoubleColumn.create("clean_ending"), DoubleColumn.create("on_aspect"));
            for (Row r : rows) {
                t.stringColumn("model").append(r.name());
                t.longColumn("parameters").append(r.parameters());
                t.doubleColumn("perplexity").append(round(r.perplexity()));
                t.doubleColumn("recorded_perplexity").append(round(r.recordedPerplexity()));
                t.doubleColumn("tokens_per_s").append(Math.round(r.tokensPerSecond()));
                t.doubleColumn("distinct_1").append(round(r.probes().distinct1()));
                t.doubleColumn("distinct_2").append(round(r.probes().distinct2()));
                t.doubleColumn("repetition").append(round(r.probes().repetition()));
                t.doubleColumn("clean_ending").append(round(r.probes().cleanEnding()));
                t.doubleColumn("on_aspect").append(round(r.probes().onAspect()));
            }
            for (String[] b : new String[][] {{"bigram baseline", "" + bigramPerplexity}, {"unigram baseline", "" + unigramPerplexity}}) {
                t.stringColumn("model").append(b[0]);
                t.longColumn("parameters").appendMissing();
                t.doubleColumn("perplexity").append(round(Double.parseDouble(b[1])));
                for (String c : List.of("recorded_perplexity", "tokens_per_s", "distinct_1", "distinct_2", "repetition", "clean_ending", "on_aspect")) {
                    t.doubleColumn(c).appendMissing();
                }
            }
            return t;
        }

        /** Held-out perplexity against parameter count (log scale), with the bigram baseline. */
        public XYChart perplexityChart() {
            XYChart c = chart("Held-out perplexity vs size", "perplexity");
            c.addSeries("candidates", params(), rows.stream().mapToDouble(Row::perplexity).toArray());
            double[] x = params();
            c.addSeries("bigram baseline", new double[] {x[0], x[x.length - 1]},
                    new double[] {bigramPerplexity, bigramPerplexity}).setMarker(SeriesMarkers.NONE);
            label(c, rows.stream().mapToDouble(Row::perplexity).toArray(), bigramPerplexity, "%s: %.2f");
            return c;
        }

        /** Sampling speed against parameter count (log scale), with the budget line. */
        public XYChart speedChart() {
            XYChart c = chart("Sampling speed vs size", "tokens / s");
            c.addSeries("candidates", params(), rows.stream().mapToDouble(Row::tokensPerSecond).toArray());
            double[] x = params();
            c.addSeries("budget", new double[] {x[0], x[x.length - 1]},
                    new double[] {minTokensPerSecond, minTokensPerSecond}).setMarker(SeriesMarkers.NONE);
            label(c, rows.stream().mapToDouble(Row::tokensPerSecond).toArray(), minTokensPerSecond, "%s: %.0f");
            return c;
        }

        /**
         * Names each candidate's point ({@code format} of name and value) just above it: 6% of the
         * y range spanned by the points and the {@code line}.
         */
        private void label(XYChart c, double[] y, double line, String format) {
            double lo = Math.min(line, java.util.Arrays.stream(y).min().orElse(line));
            double hi = Math.max(line, java.util.Arrays.stream(y).max().orElse(line));
            double lift = hi > lo ? 0.06 * (hi - lo) : 0.05 * Math.abs(hi);
            double[] x = params();
            for (int i = 0; i < rows.size(); i++) {
                c.addAnnotation(new AnnotationText(String.format(Locale.ROOT, format, rows.get(i).name(), y[i]), x[i],
                        y[i] + lift, false));
            }
        }

        /**
         * Writes the report into {@code out}: {@code selection.csv} (the table), {@code perplexity.png},
         * {@code speed.png} and {@code samples.txt} (the choice, the reason and each candidate's samples).
         */
        public void write(Path out) {
            AtomicFiles.write(out.resolve("selection.csv"), o -> table().write().csv(o));
            AtomicFiles.write(out.resolve("perplexity.png"),
                    o -> BitmapEncoder.saveBitmap(perplexityChart(), o, BitmapEncoder.BitmapFormat.PNG));
            AtomicFiles.write(out.resolve("speed.png"),
                    o -> BitmapEncoder.saveBitmap(speedChart(), o, BitmapEncoder.BitmapFormat.PNG));
            StringBuilder samples = new StringBuilder("choice: " + choice + "\n" + reason + "\n");
            for (Row r : rows) {
                samples.append("\n# ").append(r.name()).append('\n');
                r.samples().forEach(x -> samples.append(x).append('\n'));
            }
            AtomicFiles.writeString(out.resolve("samples.txt"), samples.toString());
        }

        private double[] params() {
            return rows.stream().mapToDouble(r -> r.parameters()).toArray();
        }

        private static XYChart chart(String title, String y) {
            XYChart c = new XYChartBuilder().width(640).height(400).title(title).xAxisTitle("parameters").yAxisTitle(y).build();
            c.getStyler().setXAxisLogarithmic(true);
            c.getStyler().setLegendVisible(true);
            return c;
        }
    }

    /** Prompts per timed sampling run (PPO's batch size). */
    static final int SPEED_BATCH = 64;
    /** Timed sampling runs per candidate; the fastest counts. */
    static final int SPEED_REPEATS = 3;

    private ModelSelection() {}

    /** The prompts a selection samples: the held-out ones (the first 16 in quick mode). */
    public static List<Prompt> probePrompts(List<Prompt> prompts) {
        List<Prompt> heldOut = prompts.stream().filter(Prompt::heldOut).toList();
        return heldOut.subList(0, Math.min(RunSize.pick(heldOut.size(), 16), heldOut.size()));
    }

    /**
     * Measures every candidate.
     *
     * @param candidates the models to compare
     * @param dataDir the review corpus ({@code valid.txt}, {@code train.txt}, {@code tokenizer.json})
     * @param prompts held-out prompts to sample (one sample each)
     * @param minTokensPerSecond the rule's budget
     * @param seed sampling seed
     */
    public static Report evaluate(List<ModelCatalog.Candidate> candidates, Path dataDir, List<Prompt> prompts,
            double minTokensPerSecond, long seed, Device device) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("model selection: no candidates");
        }
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("model selection: no prompts to sample");
        }
        Tokenizer reviewTokens = Tokenizers.load(dataDir.resolve("tokenizer.json"));
        Corpus words = Corpus.load(dataDir, reviewTokens);
        NgramBaseline ngram = NgramBaseline.fit(words.train(), reviewTokens.vocabSize()).tune(words.valid());
        List<Row> rows = new ArrayList<>();
        for (ModelCatalog.Candidate c : candidates) {
            Interrupts.check("after candidate " + rows.size() + " of " + candidates.size() + " of the model selection");
            try (LanguageModel lm = c.load(device)) {
                List<int[]> valid = Corpus.encode(dataDir.resolve("valid.txt"), lm.tokenizer());
                double ppl = Perplexity.of(lm, valid);
                List<int[]> ids = new ArrayList<>();
                for (Prompt p : prompts) {
                    ids.add(lm.encodePrompt(p.text()));
                }
                SamplingConfig sampling = SamplingConfig.defaults().withMaxNewTokens(40);
                double speed = tokensPerSecond(lm, ids, sampling, seed);
                Generation g = Sampler.generate(lm, ids, sampling, Seeds.derive(seed, "samples of " + c.name()));
                List<String> texts = g.texts(lm.tokenizer());
                SampleProbes probes = SampleProbes.of(prompts, texts, g.finished(), g.completionTexts(lm.tokenizer()));
                rows.add(new Row(c.name(), c.parameters(), ppl, c.recordedPerplexity(), speed, probes,
                        texts.subList(0, Math.min(3, texts.size()))));
            }
        }
        Row best = null;
        for (Row r : rows) {
            if (r.tokensPerSecond() >= minTokensPerSecond && (best == null || r.perplexity() < best.perplexity())) {
                best = r;
            }
        }
        String rule = String.format(Locale.ROOT,
                "rule: the lowest held-out perplexity among models sampling at least %.0f tokens/s", minTokensPerSecond);
        String reason = best == null
                ? rule + " — no candidate is fast enough; lower the budget or add a smaller model"
                : String.format(Locale.ROOT, "%s — %s: perplexity %.3f (bigram baseline %.3f), %,.0f tokens/s, %,d parameters",
                        rule, best.name(), best.perplexity(), ngram.bigramPerplexity(words.valid()), best.tokensPerSecond(),
                        best.parameters());
        return new Report(rows, ngram.unigramPerplexity(words.valid()), ngram.bigramPerplexity(words.valid()),
                minTokensPerSecond, best == null ? null : best.name(), reason);
    }

    /**
     * Sampling speed in new tokens per second on a batch of {@value #SPEED_BATCH} prompts (PPO's
     * batch; the given prompts repeated as needed), the fastest of {@value #SPEED_REPEATS} timed runs
     * after a warm-up. A fixed batch makes the figure independent of how many prompts are probed (a
     * quick run probes fewer), and the best of several runs is the least disturbed by other work on
     * the machine.
     */
    static double tokensPerSecond(LanguageModel lm, List<int[]> prompts, SamplingConfig sampling, long seed) {
        List<int[]> batch = new ArrayList<>(SPEED_BATCH);
        for (int i = 0; i < SPEED_BATCH; i++) {
            batch.add(prompts.get(i % prompts.size()));
        }
        Sampler.generate(lm, batch.subList(0, 4), sampling.withMaxNewTokens(8), Seeds.derive(seed, "warm-up"));
        double best = 0;
        for (int r = 0; r < SPEED_REPEATS; r++) {
            long t0 = System.nanoTime();
            Generation g = Sampler.generate(lm, batch, sampling, Seeds.derive(seed, "speed run " + r));
            best = Math.max(best, g.newTokens() / ((System.nanoTime() - t0) / 1e9));
        }
        return best;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
