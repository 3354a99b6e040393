package dev.rlhf4j.dpo;

import dev.rlhf4j.core.MetricCharts;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;

/**
 * DPO's charts against the optimizer step, from the metric rows a {@link DpoTrainer} logs (TRL's
 * names). A learner reads them as TRL's users do: the margin and accuracy of the implicit reward
 * β·log π/π_ref should rise, and both log-probs often fall while the margin grows (trl #800: only
 * the margin is optimised).
 */
public final class DpoReport {

    private DpoReport() {}

    /** {@code loss}: log 2 ≈ 0.693 at the start for sigmoid. */
    public static XYChart lossChart(List<Map<String, Double>> rows) {
        XYChart c = chart("DPO loss", "loss");
        add(c, "loss", rows, "loss");
        return c;
    }

    /** {@code rewards/chosen}, {@code rewards/rejected} and {@code rewards/margins}: the implicit rewards β·log π/π_ref. */
    public static XYChart rewardsChart(List<Map<String, Double>> rows) {
        XYChart c = chart("Implicit rewards β·log π/π_ref", "reward");
        add(c, "chosen", rows, "rewards/chosen");
        add(c, "rejected", rows, "rewards/rejected");
        add(c, "margin", rows, "rewards/margins");
        return c;
    }

    /** {@code rewards/accuracies}: share of pairs whose chosen completion has the higher implicit reward. */
    public static XYChart accuracyChart(List<Map<String, Double>> rows) {
        XYChart c = chart("Implicit reward accuracy", "share of pairs ordered right");
        add(c, "accuracy", rows, "rewards/accuracies");
        return c;
    }

    /** {@code logps/chosen} and {@code logps/rejected}: summed completion log-probs under the policy. */
    public static XYChart logpsChart(List<Map<String, Double>> rows) {
        XYChart c = chart("Completion log-probs under the policy", "log π(y|x)");
        add(c, "chosen", rows, "logps/chosen");
        add(c, "rejected", rows, "logps/rejected");
        return c;
    }

    /** Every chart above, keyed by a file-name stem. */
    public static Map<String, XYChart> charts(List<Map<String, Double>> rows) {
        Map<String, XYChart> m = new LinkedHashMap<>();
        m.put("loss", lossChart(rows));
        m.put("rewards", rewardsChart(rows));
        m.put("accuracy", accuracyChart(rows));
        m.put("logps", logpsChart(rows));
        return m;
    }

    /** Writes every chart as {@code dir/<stem>.png} (each atomically); returns the paths in order. */
    public static List<Path> writePngs(List<Map<String, Double>> rows, Path dir) {
        return MetricCharts.writePngs(charts(rows), dir);
    }

    private static void add(XYChart c, String name, List<Map<String, Double>> rows, String metric) {
        MetricCharts.add(c, name, rows, "step", metric, 0);
    }

    private static XYChart chart(String title, String yTitle) {
        return MetricCharts.chart(title, "step", yTitle);
    }
}
