package dev.rlhf4j.grpo;

import dev.rlhf4j.core.MetricCharts;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

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
            MetricCharts.rightAxis(c, "true preference");
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
            MetricCharts.rightAxis(c, "share");
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
        return MetricCharts.writePngs(charts(rows), dir);
    }

    private static XYSeries add(XYChart c, String name, List<Map<String, Double>> rows, String metric, int axis) {
        return MetricCharts.add(c, name, rows, "iteration", metric, axis);
    }

    private static XYChart chart(String title, String yTitle) {
        return MetricCharts.chart(title, "iteration", yTitle);
    }
}
