package dev.rlhf4j.ppo;

import dev.rlhf4j.core.MetricCharts;
import dev.rlhf4j.core.MetricsLog;
import java.awt.BasicStroke;
import java.awt.Color;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The charts of stage 4, PPO, as XChart {@link XYChart}s against the iteration, built from the
 * metric rows a {@link PpoTrainer} returns (TRL's names, e.g. {@code env/reward_mean}), such as
 * {@link MetricsLog#rows()}. Each builder only reads the rows, so a notebook can rebuild a chart
 * after every iteration and {@code updateDisplay} it.
 *
 * <p>A row without a metric (or with NaN) leaves a gap in that series; a series with no point at
 * all is left out. The x value is the row's {@code iteration}, or its 1-based index without one.
 */
public final class PpoReport {

    /** Reward chart: mean PPO score per iteration, {@code env/reward_mean}. */
    public static final String REWARD = "reward (mean)";
    /** Reward chart: {@code env/reward_mean + env/reward_std}. */
    public static final String REWARD_PLUS_STD = "reward + std";
    /** Reward chart: {@code env/reward_mean − env/reward_std}. */
    public static final String REWARD_MINUS_STD = "reward − std";
    /** Reward chart: {@code env/true_reward_mean}, on the right axis (the policy never sees it). */
    public static final String TRUE_REWARD = "true preference (simulated human)";
    /** KL chart: {@code objective/kl}, the mean Σ_t KL_t of a response. */
    public static final String KL = "KL";
    /** KL chart: {@code objective/kl_coef}, on the right axis. */
    public static final String BETA = "β (KL coefficient)";
    /** KL chart: the adaptive controller's target, when one is given. */
    public static final String KL_TARGET = "KL target";
    /** Loss chart: {@code ppo/loss/policy}. */
    public static final String POLICY_LOSS = "policy loss";
    /** Loss chart: {@code ppo/loss/value}, on the right axis. */
    public static final String VALUE_LOSS = "value loss";
    /** Clip chart: {@code ppo/policy/clipfrac}. */
    public static final String CLIPFRAC = "policy clipfrac";
    /** Clip chart: {@code ppo/val/clipfrac}. */
    public static final String VALUE_CLIPFRAC = "value clipfrac";
    /** Clip chart: {@code ppo/policy/approxkl}, on the right axis. */
    public static final String APPROX_KL = "approxkl";
    /** Entropy chart: {@code objective/entropy}, TRL's sampled estimate mean Σ_t −log π(a_t). */
    public static final String ENTROPY = "entropy (Σ −log π of the sampled tokens)";
    /** Entropy chart: {@code objective/entropy_exact}, mean Σ_t H_t of the next-token distributions. */
    public static final String ENTROPY_EXACT = "exact entropy (Σ H_t)";
    /** Explained-variance chart: {@code ppo/val/var_explained}. */
    public static final String VAR_EXPLAINED = "explained variance";

    private PpoReport() {}

    /**
     * Mean reward with a ±1 standard deviation band ({@code env/reward_mean ± env/reward_std}) and,
     * when logged, the simulated human's true preference {@code env/true_reward_mean} on the right
     * axis: reward going up while the true preference stays flat is reward hacking.
     */
    public static XYChart rewardChart(List<Map<String, Double>> rows) {
        XYChart c = chart("Reward", "reward-model score");
        add(c, REWARD, rows, "env/reward_mean", 0);
        XYSeries up = add(c, REWARD_PLUS_STD, rows, r -> plus(r, "env/reward_mean", "env/reward_std", 1), 0);
        XYSeries down = add(c, REWARD_MINUS_STD, rows, r -> plus(r, "env/reward_mean", "env/reward_std", -1), 0);
        for (XYSeries s : new XYSeries[] {up, down}) {
            if (s != null) {
                s.setMarker(SeriesMarkers.NONE).setLineColor(new Color(0x9fb6d9)).setLineStyle(dashed());
            }
        }
        if (add(c, TRUE_REWARD, rows, "env/true_reward_mean", 1) != null) {
            rightAxis(c, "true preference");
        }
        return c;
    }

    /** {@code objective/kl} (nats per response, Σ_t KL_t) and β = {@code objective/kl_coef} on the right axis. */
    public static XYChart klChart(List<Map<String, Double>> rows) {
        return klChart(rows, Double.NaN);
    }

    /** The KL chart with a horizontal line at the adaptive controller's {@code target} (NaN: none). */
    public static XYChart klChart(List<Map<String, Double>> rows, double target) {
        XYChart c = chart("KL to the reference and β", "KL (nats per response)");
        add(c, KL, rows, "objective/kl", 0);
        double[] x = xs(rows);
        if (!Double.isNaN(target) && x.length > 0) {
            c.addSeries(KL_TARGET, new double[] {x[0], x[x.length - 1]}, new double[] {target, target})
                    .setMarker(SeriesMarkers.NONE).setLineStyle(dashed());
        }
        if (add(c, BETA, rows, "objective/kl_coef", 1) != null) {
            rightAxis(c, "β");
        }
        return c;
    }

    /** {@code ppo/loss/policy} and {@code ppo/loss/value} (vf before vfCoef, on the right axis). */
    public static XYChart lossChart(List<Map<String, Double>> rows) {
        XYChart c = chart("PPO losses", "policy loss");
        add(c, POLICY_LOSS, rows, "ppo/loss/policy", 0);
        if (add(c, VALUE_LOSS, rows, "ppo/loss/value", 1) != null) {
            rightAxis(c, "value loss");
        }
        return c;
    }

    /**
     * How hard the clip works: {@code ppo/policy/clipfrac} (share of tokens where the clipped term
     * wins), {@code ppo/val/clipfrac}, and {@code ppo/policy/approxkl} = ½·mean((logp − logp_old)²)
     * on the right axis.
     */
    public static XYChart clipChart(List<Map<String, Double>> rows) {
        XYChart c = chart("Clipping and approximate KL", "fraction of tokens");
        add(c, CLIPFRAC, rows, "ppo/policy/clipfrac", 0);
        add(c, VALUE_CLIPFRAC, rows, "ppo/val/clipfrac", 0);
        if (add(c, APPROX_KL, rows, "ppo/policy/approxkl", 1) != null) {
            rightAxis(c, "approxkl");
        }
        return c;
    }

    /**
     * A response's entropy in nats, averaged over the batch, two ways: {@code objective/entropy}
     * (TRL's, Σ_t −log π(a_t) of the sampled tokens, an unbiased estimate for temperature-1 sampling)
     * and {@code objective/entropy_exact} (Σ_t H_t, each next-token distribution's exact entropy).
     * Collapsing entropy means mode collapse.
     */
    public static XYChart entropyChart(List<Map<String, Double>> rows) {
        XYChart c = chart("Policy entropy", "entropy (nats per response)");
        add(c, ENTROPY, rows, "objective/entropy", 0);
        add(c, ENTROPY_EXACT, rows, "objective/entropy_exact", 0);
        return c;
    }

    /**
     * {@code ppo/val/var_explained} = 1 − mean((V − R)²)/Var(R), TRL's formula with the value head's
     * predictions during training: 1 is a perfect critic, 0 no better than predicting the mean.
     */
    public static XYChart varianceExplainedChart(List<Map<String, Double>> rows) {
        XYChart c = chart("Value head: explained variance", "1 − mean((V − R)²) / Var(R)");
        add(c, VAR_EXPLAINED, rows, "ppo/val/var_explained", 0);
        return c;
    }

    /** Every chart above, keyed by a file-name stem ({@code reward}, {@code kl}, {@code loss}, ...), in that order. */
    public static Map<String, XYChart> charts(List<Map<String, Double>> rows) {
        Map<String, XYChart> m = new LinkedHashMap<>();
        m.put("reward", rewardChart(rows));
        m.put("kl", klChart(rows));
        m.put("loss", lossChart(rows));
        m.put("clip", clipChart(rows));
        m.put("entropy", entropyChart(rows));
        m.put("variance-explained", varianceExplainedChart(rows));
        return m;
    }

    /**
     * PPO's live dashboard, for {@code LiveCharts.of(PpoReport.dashboard()).withStatus(PpoReport::status)}
     * in a notebook: reward (with the true preference), policy and value loss, KL with β, clipfrac with
     * approx-KL, and entropy.
     */
    public static List<Function<List<Map<String, Double>>, XYChart>> dashboard() {
        return List.of(PpoReport::rewardChart, PpoReport::lossChart, PpoReport::klChart, PpoReport::clipChart,
                PpoReport::entropyChart);
    }

    /** The dashboard's status line after the last iteration of {@code rows}: iteration, reward, KL, β. */
    public static String status(List<Map<String, Double>> rows) {
        Map<String, Double> last = rows.get(rows.size() - 1);
        return String.format(Locale.ROOT, "iteration %d · reward %.3f (std %.3f) · KL %.3f · β %.4f",
                rows.size(), last.getOrDefault("env/reward_mean", Double.NaN),
                last.getOrDefault("env/reward_std", Double.NaN), last.getOrDefault("objective/kl", Double.NaN),
                last.getOrDefault("objective/kl_coef", Double.NaN));
    }

    /** {@link #charts(List)} of a metrics log. */
    public static Map<String, XYChart> charts(MetricsLog log) {
        return charts(log.rows());
    }

    /** Writes every chart as {@code dir/<stem>.png} (each atomically); returns the paths in order. */
    public static List<Path> writePngs(List<Map<String, Double>> rows, Path dir) {
        return MetricCharts.writePngs(charts(rows), dir);
    }

    /** {@link #writePngs(List, Path)} of a metrics log. */
    public static List<Path> writePngs(MetricsLog log, Path dir) {
        return writePngs(log.rows(), dir);
    }

    /** x of every row: its {@code iteration}, or its 1-based index. */
    static double[] xs(List<Map<String, Double>> rows) {
        return MetricCharts.xs(rows, "iteration");
    }

    private static double value(Map<String, Double> row, String metric) {
        Double v = row.get(metric);
        return v == null ? Double.NaN : v;
    }

    private static double plus(Map<String, Double> row, String mean, String std, int sign) {
        return value(row, mean) + sign * value(row, std); // mean ± std
    }

    private static XYSeries add(XYChart c, String name, List<Map<String, Double>> rows, String metric, int axis) {
        return MetricCharts.add(c, name, rows, "iteration", metric, axis);
    }

    private static XYSeries add(XYChart c, String name, List<Map<String, Double>> rows,
            ToDoubleFunction<Map<String, Double>> f, int axis) {
        return MetricCharts.add(c, name, rows, "iteration", f, axis);
    }

    private static void rightAxis(XYChart c, String title) {
        MetricCharts.rightAxis(c, title);
    }

    private static BasicStroke dashed() {
        return new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);
    }

    private static XYChart chart(String title, String yTitle) {
        return MetricCharts.chart(title, "iteration", yTitle);
    }
}
