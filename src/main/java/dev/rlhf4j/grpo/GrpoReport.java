package dev.rlhf4j.grpo;

import dev.rlhf4j.core.AtomicFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

/**
 * GRPO's charts against the iteration, from the metric rows a {@link GrpoTrainer} logs (TRL's
 * names). TRL's maintainers' advice for GRPO applies: watch {@code reward}, not {@code loss} (with
 * group-normalised advantages the loss starts near 0 by construction, trl #2703), and watch
 * {@code completions/mean_length} for length runaway.
 */
public final class GrpoReport {

    private GrpoReport() {}

    /** {@code reward} and, when logged, the simulated human's {@code env/true_reward_mean} on the right axis. */
    public static XYChart rewardChart(List<Map<String, Double>> rows) {
        XYChart c = chart("Reward", "reward-model score");
        add(c, "reward (mean)", rows, "reward", 0);
        if (add(c, "true preference (simulated human)", rows, "env/true_reward_mean", 1) != null) {
            c.setYAxisGroupTitle(1, "true preference");
            c.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        }
        return c;
    }

    /** {@code kl}: the token mean of k3 to the reference, the term β weighs in the loss. */
    public static XYChart klChart(List<Map<String, Double>> rows) {
        XYChart c = chart("KL to the reference (k3, per token)", "KL (nats per token)");
        add(c, "kl", rows, "kl", 0);
        return c;
    }

    /** {@code loss}. */
    public static XYChart lossChart(List<Map<String, Double>> rows) {
        XYChart c = chart("GRPO loss", "loss");
        add(c, "loss", rows, "loss", 0);
        return c;
    }

    /** {@code clip_ratio/low_mean}, {@code high_mean}, {@code region_mean}: how often the clip bites. */
    public static XYChart clipChart(List<Map<String, Double>> rows) {
        XYChart c = chart("Clipped tokens", "fraction of tokens");
        add(c, "low (ρ < 1 − ε, A < 0)", rows, "clip_ratio/low_mean", 0);
        add(c, "high (ρ > 1 + ε, A > 0)", rows, "clip_ratio/high_mean", 0);
        add(c, "region", rows, "clip_ratio/region_mean", 0);
        return c;
    }

    /** {@code completions/mean_length} with min and max, and {@code frac_reward_zero_std} on the right axis. */
    public static XYChart lengthChart(List<Map<String, Double>> rows) {
        XYChart c = chart("Completion lengths", "tokens");
        add(c, "mean", rows, "completions/mean_length", 0);
        add(c, "min", rows, "completions/min_length", 0);
        add(c, "max", rows, "completions/max_length", 0);
        if (add(c, "groups with equal rewards", rows, "frac_reward_zero_std", 1) != null) {
            c.setYAxisGroupTitle(1, "share");
            c.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        }
        return c;
    }

    /** Every chart above, keyed by a file-name stem. */
    public static Map<String, XYChart> charts(List<Map<String, Double>> rows) {
        Map<String, XYChart> m = new LinkedHashMap<>();
        m.put("reward", rewardChart(rows));
        m.put("kl", klChart(rows));
        m.put("loss", lossChart(rows));
        m.put("clip", clipChart(rows));
        m.put("lengths", lengthChart(rows));
        return m;
    }

    /** Writes every chart as {@code dir/<stem>.png} (each atomically); returns the paths in order. */
    public static List<Path> writePngs(List<Map<String, Double>> rows, Path dir) {
        List<Path> paths = new ArrayList<>();
        for (Map.Entry<String, XYChart> e : charts(rows).entrySet()) {
            Path file = dir.resolve(e.getKey() + ".png");
            AtomicFiles.write(file, out -> BitmapEncoder.saveBitmap(e.getValue(), out, BitmapEncoder.BitmapFormat.PNG));
            paths.add(file);
        }
        return paths;
    }

    /** Adds the finite points of a metric against {@code iteration} on y axis {@code axis}; null when there are none. */
    private static XYSeries add(XYChart c, String name, List<Map<String, Double>> rows, String metric, int axis) {
        List<Double> px = new ArrayList<>();
        List<Double> py = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Double y = rows.get(i).get(metric);
            if (y != null && Double.isFinite(y)) {
                px.add(rows.get(i).getOrDefault("iteration", i + 1.0));
                py.add(y);
            }
        }
        if (py.isEmpty()) {
            return null;
        }
        XYSeries s = c.addSeries(name, px, py);
        s.setYAxisGroup(axis);
        return s;
    }

    private static XYChart chart(String title, String yTitle) {
        XYChart c = new XYChartBuilder().width(640).height(400).title(title).xAxisTitle("iteration").yAxisTitle(yTitle)
                .build();
        c.getStyler().setLegendVisible(true);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        return c;
    }
}
