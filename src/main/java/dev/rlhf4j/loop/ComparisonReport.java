package dev.rlhf4j.loop;

import com.google.gson.GsonBuilder;
import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.core.RunSize;
import dev.rlhf4j.eval.Evaluation;
import dev.rlhf4j.world.Prompt;
import java.awt.Color;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The files, table and charts of a {@link MethodComparison}: {@code comparison.csv} (the {@link #table}),
 * {@code summary.json}, {@code samples.csv} (every model's held-out completions, the judging's input),
 * {@code true-preference.png} and {@code frontier.png}.
 */
public final class ComparisonReport {

    /** One colour per model, the same in both charts. */
    static final Map<String, Color> COLORS = Map.of("initial", new Color(0x555555), "ppo", new Color(0x1f77b4), "dpo",
            new Color(0xff7f0e), "grpo", new Color(0x9467bd));

    /** The metric PPO and GRPO log for the simulated human's utility of each iteration's samples. */
    static final String TRUE_REWARD = "env/true_reward_mean";

    private ComparisonReport() {}

    /**
     * One row per method and one for the initial model: win rate over the initial model with its 95%
     * interval, win rate over each other method ({@code win_vs_<m>}), true preference, KL to the initial
     * model, distinct-1/2, wall time (s) and peak memory (MiB; heap: Σ of the heap pools' peaks, RSS: the
     * process high-water mark; missing where unmeasured).
     */
    public static Table table(MethodComparison.Result r) {
        Table t = Table.create("PPO, DPO and GRPO on the same feedback (held-out prompts, simulated human)",
                StringColumn.create("method"), DoubleColumn.create("win_rate_vs_initial"), DoubleColumn.create("win_rate_lower"),
                DoubleColumn.create("win_rate_upper"));
        for (String m : MethodComparison.METHODS) {
            t.addColumns(DoubleColumn.create("win_vs_" + m));
        }
        t.addColumns(DoubleColumn.create("true_preference"), DoubleColumn.create("kl_to_initial"),
                DoubleColumn.create("distinct_1"), DoubleColumn.create("distinct_2"), DoubleColumn.create("seconds"),
                DoubleColumn.create("peak_heap_mb"), DoubleColumn.create("peak_rss_mb"));
        t.stringColumn("method").append("initial");
        for (String c : List.of("win_rate_vs_initial", "win_rate_lower", "win_rate_upper", "seconds", "peak_heap_mb",
                "peak_rss_mb")) {
            t.doubleColumn(c).appendMissing();
        }
        MethodComparison.METHODS.forEach(m -> t.doubleColumn("win_vs_" + m).appendMissing());
        t.doubleColumn("true_preference").append(r.initialTruePreference());
        t.doubleColumn("kl_to_initial").append(0.0);
        t.doubleColumn("distinct_1").append(r.initialDistinct1());
        t.doubleColumn("distinct_2").append(r.initialDistinct2());
        for (MethodComparison.Method m : r.methods()) {
            t.stringColumn("method").append(m.name());
            t.doubleColumn("win_rate_vs_initial").append(m.vsInitial().rate());
            t.doubleColumn("win_rate_lower").append(m.vsInitial().lower());
            t.doubleColumn("win_rate_upper").append(m.vsInitial().upper());
            for (String other : MethodComparison.METHODS) {
                Evaluation.WinRate w = r.pairwise().get(m.name()).get(other);
                if (w == null) {
                    t.doubleColumn("win_vs_" + other).appendMissing(); // a method against itself
                } else {
                    t.doubleColumn("win_vs_" + other).append(w.rate());
                }
            }
            t.doubleColumn("true_preference").append(m.truePreference());
            t.doubleColumn("kl_to_initial").append(m.klToInitial());
            t.doubleColumn("distinct_1").append(m.distinct1());
            t.doubleColumn("distinct_2").append(m.distinct2());
            t.doubleColumn("seconds").append(m.seconds());
            t.doubleColumn("peak_heap_mb").append(m.peakHeapBytes() / 1048576.0);
            DoubleColumn rss = t.doubleColumn("peak_rss_mb");
            if (m.peakRssBytes() < 0) {
                rss.appendMissing();
            } else {
                rss.append(m.peakRssBytes() / 1048576.0);
            }
        }
        // shown rounded (a notebook, the terminal); comparison.csv keeps every digit
        DecimalFormatSymbols root = DecimalFormatSymbols.getInstance(Locale.ROOT);
        for (DoubleColumn c : t.columns().stream().filter(DoubleColumn.class::isInstance).map(DoubleColumn.class::cast)
                .toList()) {
            boolean whole = c.name().equals("seconds") || c.name().startsWith("peak_");
            c.setPrintFormatter(new DecimalFormat(whole ? "0" : "0.000", root), "");
        }
        return t;
    }

    /**
     * The simulated human's mean utility over training, x = fraction of the run done. PPO and GRPO: their
     * {@code env/true_reward_mean} per iteration (the samples of each iteration's rollout, train prompts).
     * DPO never samples while it trains, so its {@code metrics.csv} holds no such column: its line joins the
     * initial model's held-out value (x = 0) to the DPO policy's (x = 1), dashed; PPO's and GRPO's held-out
     * end values are marked at x = 1 (a diamond in the method's colour), since their curves are on train prompts.
     */
    public static XYChart truePreferenceChart(MethodComparison.Result r) {
        XYChart c = new XYChartBuilder().width(640).height(480).title("True preference over training")
                .xAxisTitle("fraction of training done").yAxisTitle("true preference, mean per sample").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setXAxisDecimalPattern("0.##");
        for (MethodComparison.Method m : r.methods()) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            List<Map<String, Double>> rows = m.metrics();
            for (int i = 0; i < rows.size(); i++) {
                Double v = rows.get(i).get(TRUE_REWARD);
                if (v != null && Double.isFinite(v)) {
                    x.add((i + 1.0) / rows.size());
                    y.add(v);
                }
            }
            Color color = COLORS.get(m.name());
            if (!y.isEmpty()) {
                XYSeries s = c.addSeries(m.name() + " (training samples)", x, y);
                s.setMarker(SeriesMarkers.NONE);
                s.setLineColor(color);
                XYSeries end = c.addSeries(m.name() + " (held-out, end)", new double[] {1}, new double[] {m.truePreference()});
                end.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                end.setMarker(SeriesMarkers.DIAMOND);
                end.setMarkerColor(color);
            } else {
                XYSeries s = c.addSeries(m.name() + " (held-out, start and end only)", new double[] {0, 1},
                        new double[] {r.initialTruePreference(), m.truePreference()});
                s.setLineStyle(SeriesLines.DASH_DASH);
                s.setLineColor(color);
                s.setMarkerColor(color);
            }
        }
        return c;
    }

    /**
     * The frontier each method reaches: KL to the initial model (x) against true preference (y) at the end
     * of its run, the initial model at KL 0 (colours as in {@link #truePreferenceChart}). Up and to the left is better: more preference per nat moved.
     */
    public static XYChart frontierChart(MethodComparison.Result r) {
        XYChart c = new XYChartBuilder().width(640).height(400).title("KL vs true preference (held-out prompts)")
                .xAxisTitle("KL to the initial model (nats per completion)").yAxisTitle("true preference, mean per sample").build();
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setMarkerSize(10);
        c.addSeries("initial", new double[] {0}, new double[] {r.initialTruePreference()}).setMarkerColor(COLORS.get("initial"));
        for (MethodComparison.Method m : r.methods()) {
            c.addSeries(m.name(), new double[] {m.klToInitial()}, new double[] {m.truePreference()})
                    .setMarkerColor(COLORS.get(m.name()));
        }
        return c;
    }

    /**
     * The comparison's live charts, for {@code LiveCharts.of(ComparisonReport.dashboard()).withStatus(ComparisonReport::status)}
     * fed with every {@link MethodComparison.Step}: {@link #liveTruePreferenceChart} and {@link #liveDpoChart}.
     */
    public static List<Function<List<MethodComparison.Step>, XYChart>> dashboard() {
        return List.of(ComparisonReport::liveTruePreferenceChart, ComparisonReport::liveDpoChart);
    }

    /** Where each method is: {@code ppo 100/100 · dpo 254/422 · grpo –}. */
    public static String status(List<MethodComparison.Step> rows) {
        Map<String, MethodComparison.Step> last = new LinkedHashMap<>();
        rows.forEach(r -> last.put(r.method(), r));
        List<String> parts = new ArrayList<>();
        for (String m : MethodComparison.METHODS) {
            MethodComparison.Step s = last.get(m);
            parts.add(s == null ? m + " –" : m + " " + s.step() + "/" + s.steps());
        }
        return String.join(" · ", parts);
    }

    /**
     * While it trains: the simulated human's mean utility of each PPO and GRPO iteration's samples
     * ({@code env/true_reward_mean}, train prompts) against the fraction of the run done. DPO samples
     * nothing while it trains; {@link #liveDpoChart} shows its progress.
     */
    public static XYChart liveTruePreferenceChart(List<MethodComparison.Step> rows) {
        XYChart c = new XYChartBuilder().width(640).height(400).title("True preference of the training samples")
                .xAxisTitle("fraction of training done").yAxisTitle("true preference, mean per sample").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        c.getStyler().setXAxisDecimalPattern("0.##");
        for (String m : List.of("ppo", "grpo")) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (MethodComparison.Step r : rows) {
                Double v = r.metrics().get(TRUE_REWARD);
                if (r.method().equals(m) && v != null && Double.isFinite(v)) {
                    x.add(r.done());
                    y.add(v);
                }
            }
            if (!y.isEmpty()) {
                XYSeries s = c.addSeries(m, x, y);
                s.setMarker(SeriesMarkers.NONE);
                s.setLineColor(COLORS.get(m));
            }
        }
        if (c.getSeriesMap().isEmpty()) {
            c.addSeries("waiting for PPO's first iteration", new double[] {0}, new double[] {0}).setMarker(SeriesMarkers.NONE);
        }
        return c;
    }

    /**
     * While it trains: DPO's implicit reward on its training batches, {@code rewards/accuracies} (share of
     * pairs ordered as the raters did) and {@code rewards/margins} (right axis), against the fraction done.
     */
    public static XYChart liveDpoChart(List<MethodComparison.Step> rows) {
        XYChart c = new XYChartBuilder().width(640).height(400).title("DPO: its implicit reward on the training pairs")
                .xAxisTitle("fraction of training done").yAxisTitle("accuracy").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        c.getStyler().setXAxisDecimalPattern("0.##");
        List<Double> x = new ArrayList<>();
        List<Double> acc = new ArrayList<>();
        List<Double> margin = new ArrayList<>();
        for (MethodComparison.Step r : rows) {
            if (r.method().equals("dpo") && r.metrics().containsKey("rewards/accuracies")) {
                x.add(r.done());
                acc.add(r.metrics().get("rewards/accuracies"));
                margin.add(r.metrics().getOrDefault("rewards/margins", Double.NaN));
            }
        }
        if (x.isEmpty()) {
            c.addSeries("waiting for DPO's first step", new double[] {0}, new double[] {0.5}).setMarker(SeriesMarkers.NONE);
            return c;
        }
        XYSeries a = c.addSeries("accuracy", x, acc);
        a.setMarker(SeriesMarkers.NONE);
        a.setLineColor(COLORS.get("dpo"));
        XYSeries m = c.addSeries("margin r̂(chosen) − r̂(rejected)", x, margin);
        m.setMarker(SeriesMarkers.NONE);
        m.setYAxisGroup(1);
        m.setLineColor(new Color(0xffbb78));
        c.setYAxisGroupTitle(1, "margin");
        c.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        return c;
    }

    /** Writes {@code comparison.csv}, {@code summary.json} and both charts into {@code out}. */
    static void write(MethodComparison.Result r, Path out) {
        Table t = table(r);
        AtomicFiles.write(out.resolve("comparison.csv"), o -> t.write().csv(o));
        AtomicFiles.writeString(out.resolve("summary.json"),
                new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(summary(r)) + "\n");
        for (Map.Entry<String, XYChart> e : Map.of("true-preference", truePreferenceChart(r), "frontier", frontierChart(r))
                .entrySet()) {
            AtomicFiles.write(out.resolve(e.getKey() + ".png"),
                    o -> BitmapEncoder.saveBitmap(e.getValue(), o, BitmapEncoder.BitmapFormat.PNG));
        }
    }

    /** {@code samples.csv}: prompt id and text, then one column per model ({@code initial}, each method). */
    static void writeSamples(List<Prompt> rows, Map<String, List<String>> samples, Path file) {
        Table t = Table.create("held-out samples", StringColumn.create("prompt_id", rows.stream().map(Prompt::id).toList()),
                StringColumn.create("prompt", rows.stream().map(Prompt::text).toList()));
        samples.forEach((model, texts) -> t.addColumns(StringColumn.create(model, texts)));
        AtomicFiles.write(file, o -> t.write().csv(o));
    }

    private static Map<String, Object> summary(MethodComparison.Result r) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("mode", RunSize.label());
        s.put("seed", r.seed());
        s.put("samples_per_prompt", r.samplesPerPrompt());
        s.put("initial_true_preference", r.initialTruePreference());
        s.put("initial_distinct_1", r.initialDistinct1());
        s.put("initial_distinct_2", r.initialDistinct2());
        s.put("reward_model_seconds", r.rewardSeconds());
        s.put("seconds", r.seconds());
        s.put("memory", "peak_heap_bytes: sum of the Java heap pools' peaks during the method's run call (reset before it);"
                + " peak_rss_bytes: the process's VmHWM during it (reset via /proc/self/clear_refs; -1 if unavailable);"
                + " native tensors count only in RSS, GPU memory in neither");
        Map<String, Object> methods = new LinkedHashMap<>();
        for (MethodComparison.Method m : r.methods()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("win_rate_vs_initial", m.vsInitial().rate());
            x.put("win_rate_lower", m.vsInitial().lower());
            x.put("win_rate_upper", m.vsInitial().upper());
            x.put("comparisons", m.vsInitial().comparisons());
            x.put("wins", m.vsInitial().wins());
            x.put("ties", m.vsInitial().ties());
            x.put("true_preference", m.truePreference());
            x.put("kl_to_initial", m.klToInitial());
            x.put("distinct_1", m.distinct1());
            x.put("distinct_2", m.distinct2());
            x.put("seconds", m.seconds());
            x.put("peak_heap_bytes", m.peakHeapBytes());
            x.put("peak_rss_bytes", m.peakRssBytes());
            x.put("run", m.dir().getFileName().toString());
            methods.put(m.name(), x);
        }
        s.put("methods", methods);
        Map<String, Object> pairwise = new LinkedHashMap<>();
        r.pairwise().forEach((a, row) -> {
            Map<String, Object> p = new LinkedHashMap<>();
            row.forEach((b, w) -> {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("rate", w.rate());
                x.put("lower", w.lower());
                x.put("upper", w.upper());
                x.put("wins", w.wins());
                x.put("ties", w.ties());
                p.put(b, x);
            });
            pairwise.put(a, p);
        });
        s.put("pairwise", pairwise);
        return s;
    }
}
