package dev.rlhf4j.loop;

import dev.rlhf4j.core.ChartStyle;
import dev.rlhf4j.core.Interrupts;
import dev.rlhf4j.ppo.PpoConfig;
import dev.rlhf4j.ppo.PpoRun;
import dev.rlhf4j.world.Prompt;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.lines.SeriesLines;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The reward-hacking lab: the same PPO run with and without the KL penalty, side by side. The
 * reward model is only an approximation of the raters' taste; without a KL leash the policy is
 * free to find what the reward model over-rewards (repeated superlatives, one template for every
 * prompt), so its learned reward keeps rising while the true preference — the simulated human,
 * which PPO never sees — stalls or falls and the KL to the initial model grows without bound.
 */
public final class HackingLab {

    private HackingLab() {}

    /** One arm of the comparison. */
    public record Arm(String label, PpoRun.Result result) {}

    /** Runs every {@code configs} entry (label → config) from the same start against the same reward model. */
    public static List<Arm> run(Path initial, Path rewardModel, List<Prompt> train, List<Prompt> heldOut,
            Map<String, PpoConfig> configs, Path out) {
        List<Arm> arms = new ArrayList<>();
        for (Map.Entry<String, PpoConfig> e : configs.entrySet()) {
            Interrupts.check("after arm " + arms.size() + " of " + configs.size() + " of the hacking lab");
            Path dir = out.resolve(e.getKey().replaceAll("[^A-Za-z0-9.=-]", "_"));
            arms.add(new Arm(e.getKey(), PpoRun.run(initial, rewardModel, train, heldOut, e.getValue(), 0, dir, null)));
        }
        return arms;
    }

    /**
     * Learned reward, true preference, KL and win rate of each arm: {@code _start} is PPO's first
     * iteration, {@code _end} the mean of its last 5 iterations ({@link PpoRun.Result}).
     */
    public static Table table(List<Arm> arms) {
        Table t = Table.create("reward hacking: with and without the KL penalty", StringColumn.create("run"),
                DoubleColumn.create("reward_start"), DoubleColumn.create("reward_end"), DoubleColumn.create("true_start"),
                DoubleColumn.create("true_end"), DoubleColumn.create("kl_end"), DoubleColumn.create("win_rate_vs_initial"));
        for (Arm a : arms) {
            PpoRun.Result r = a.result();
            t.stringColumn("run").append(a.label());
            t.doubleColumn("reward_start").append(r.rewardMeanStart());
            t.doubleColumn("reward_end").append(r.rewardMeanEnd());
            t.doubleColumn("true_start").append(r.trueRewardStart());
            t.doubleColumn("true_end").append(r.trueRewardEnd());
            t.doubleColumn("kl_end").append(r.klMeanEnd());
            t.doubleColumn("win_rate_vs_initial").append(r.winRate().rate());
        }
        return t;
    }

    /** Learned reward (solid) and true preference (dashed) of every arm, by iteration. */
    public static XYChart chart(List<Arm> arms) {
        XYChart c = new XYChartBuilder().width(900).height(400).title("Learned reward vs true preference")
                .xAxisTitle("iteration").yAxisTitle("mean per sample").build();
        for (Arm a : arms) {
            List<Map<String, Double>> rows = a.result().metrics();
            double[] x = rows.stream().mapToDouble(m -> m.get("iteration")).toArray();
            c.addSeries(a.label() + ": learned reward", x, rows.stream().mapToDouble(m -> m.get("env/reward_mean")).toArray());
            c.addSeries(a.label() + ": true preference", x,
                    rows.stream().mapToDouble(m -> m.get("env/true_reward_mean")).toArray()).setLineStyle(SeriesLines.DASH_DASH);
        }
        ChartStyle.legendBelow(c);
        return c;
    }

    /** KL to the initial model of every arm, by iteration. */
    public static XYChart klChart(List<Arm> arms) {
        XYChart c = new XYChartBuilder().width(640).height(400).title("KL to the initial model").xAxisTitle("iteration")
                .yAxisTitle("KL (nats per sample)").build();
        for (Arm a : arms) {
            List<Map<String, Double>> rows = a.result().metrics();
            c.addSeries(a.label(), rows.stream().mapToDouble(m -> m.get("iteration")).toArray(),
                    rows.stream().mapToDouble(m -> m.get("objective/kl")).toArray());
        }
        ChartStyle.legendBelow(c);
        return c;
    }
}
