package dev.rlhf4j.loop;

import ai.djl.Device;
import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.core.ChartStyle;
import dev.rlhf4j.core.Devices;
import dev.rlhf4j.core.Interrupts;
import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.feedback.FeedbackLog;
import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.feedback.RankingTask;
import dev.rlhf4j.feedback.RankingTasks;
import dev.rlhf4j.feedback.SimulatedFeedback;
import dev.rlhf4j.feedback.SimulatedRater;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.ppo.PpoConfig;
import dev.rlhf4j.ppo.PpoRun;
import dev.rlhf4j.reward.RewardConfig;
import dev.rlhf4j.reward.RewardRun;
import dev.rlhf4j.reward.RewardTrainer;
import dev.rlhf4j.world.Prompt;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * The iterative RLHF loop (InstructGPT §3.5: "we iterate: collect more comparison data on the
 * current best policy, train a new RM, then a new PPO policy"). Every round:
 *
 * <ol>
 *   <li>train a reward model on all feedback so far (from the pretrained backbone), normalised on
 *       the current policy's samples;</li>
 *   <li>run PPO from the current policy, the KL penalty always to the initial model;</li>
 *   <li>the new policy's samples are ranked by the simulated raters and join the feedback.</li>
 * </ol>
 *
 * After each round the new policy is judged on held-out prompts by the simulated human (the true
 * preference, which neither the reward model nor PPO ever sees).
 */
public final class RlhfLoop {

    private RlhfLoop() {}

    /**
     * The loop's settings.
     *
     * @param rounds rounds of RM → PPO → feedback
     * @param rankingsPerRound new ranking tasks sampled from each round's policy
     * @param k completions per ranking task
     * @param ppo PPO settings of every round
     * @param reward reward-model settings of every round
     */
    public record Settings(int rounds, int rankingsPerRound, int k, PpoConfig ppo, RewardConfig reward) {}

    /**
     * What one round achieved. The {@code ...End} values are PPO's means over its last 5 iterations
     * ({@link PpoRun.Result}).
     *
     * @param feedback rankings the reward model of this round was trained on
     * @param trueRewardStart the true preference of PPO's first iteration: the samples of the policy the
     *     round starts from (round 1: the initial model)
     */
    public record Round(int round, int feedback, double rewardAccuracy, double raterCeiling, double rewardMeanEnd,
            double trueRewardStart, double trueRewardEnd, double klEnd, double winRate, double winLower, double winUpper, Path policy) {}

    /** Called after every round. */
    public interface Listener {
        void onRound(Round round);
    }

    /**
     * Runs the loop from the pretrained model in {@code initial} and the feedback collected on it;
     * writes {@code round-N/reward}, {@code round-N/ppo}, {@code feedback.jsonl} (all feedback, the
     * new rankings appended round by round) and {@code rounds.csv} under {@code out}.
     */
    public static List<Round> run(Path initial, List<FeedbackRecord> feedback, List<Prompt> prompts, Settings s,
            Path out, Listener listener) {
        Device device = Devices.resolve(s.ppo().device());
        List<Prompt> train = prompts.stream().filter(p -> !p.heldOut()).toList();
        List<Prompt> heldOut = prompts.stream().filter(Prompt::heldOut).toList();
        List<FeedbackRecord> all = new ArrayList<>(feedback);
        Path log = out.resolve("feedback.jsonl");
        FeedbackLog.write(all, log);
        Path current = initial;
        List<Round> rounds = new ArrayList<>();
        for (int round = 1; round <= s.rounds(); round++) {
            Interrupts.check("after round " + (round - 1) + " of " + s.rounds() + " (each finished round is in "
                    + out.resolve("round-N") + ")");
            Path dir = out.resolve("round-" + round);
            RewardTrainer.Result rm = RewardRun.train(all, initial, current, prompts, s.reward().toBuilder().seed(Seeds.child(s.reward().seed(), "round " + round)).build(),
                    device, dir.resolve("reward"), null);
            PpoRun.Result ppo = PpoRun.run(current, initial, dir.resolve("reward"), train, heldOut,
                    s.ppo().toBuilder().seed(Seeds.child(s.ppo().seed(), "round " + round)).build(), 0, dir.resolve("ppo"), null);
            current = ppo.policy();
            Round r = new Round(round, all.size(), rm.validAccuracy(), rm.valid().ceiling(), ppo.rewardMeanEnd(),
                    ppo.trueRewardStart(), ppo.trueRewardEnd(), ppo.klMeanEnd(), ppo.winRate().rate(), ppo.winRate().lower(), ppo.winRate().upper(),
                    current);
            rounds.add(r);
            if (listener != null) {
                listener.onRound(r);
            }
            if (round < s.rounds()) {
                all.addAll(collect(current, "round-" + round, train, s, round, log, device));
            }
        }
        AtomicFiles.write(out.resolve("rounds.csv"), o -> table(rounds).write().csv(o));
        return rounds;
    }

    /** Samples ranking tasks from the round's policy, has the standard simulated rater rank them, appends them to the log. */
    static List<FeedbackRecord> collect(Path policy, String name, List<Prompt> train, Settings s, int round, Path log,
            Device device) {
        List<FeedbackRecord> out = new ArrayList<>();
        try (LanguageModel lm = Checkpoint.load(policy, device); FeedbackLog.Writer w = FeedbackLog.appender(log)) {
            long seed = s.ppo().seed() * 1000 + round;
            List<RankingTask> tasks = RankingTasks.sample(lm, name, train, s.rankingsPerRound(), s.k(),
                    SamplingConfig.defaults(), seed, null).stream()
                    .map(t -> new RankingTask(name + "-" + t.id(), t.prompt(), t.completions(), t.model())).toList();
            for (FeedbackRecord r : SimulatedFeedback.collect(tasks, List.of(SimulatedRater.standard(seed)), 0,
                    Clock.systemUTC())) {
                FeedbackRecord renamed = new FeedbackRecord(name + "-" + r.id(), r.task(), r.promptId(), r.prompt(),
                        r.model(), r.completions(), r.ranking(), r.rater(), r.source(), r.time());
                w.append(renamed);
                out.add(renamed);
            }
        }
        return out;
    }

    /** One row per round. */
    public static Table table(List<Round> rounds) {
        Table t = Table.create("RLHF rounds", IntColumn.create("round"), IntColumn.create("feedback"),
                DoubleColumn.create("rm_val_accuracy"), DoubleColumn.create("rater_ceiling"),
                DoubleColumn.create("reward_mean_end"), DoubleColumn.create("true_reward_end"), DoubleColumn.create("kl_end"),
                DoubleColumn.create("win_rate_vs_initial"), DoubleColumn.create("win_lower"), DoubleColumn.create("win_upper"));
        for (Round r : rounds) {
            t.intColumn("round").append(r.round());
            t.intColumn("feedback").append(r.feedback());
            t.doubleColumn("rm_val_accuracy").append(r.rewardAccuracy());
            t.doubleColumn("rater_ceiling").append(r.raterCeiling());
            t.doubleColumn("reward_mean_end").append(r.rewardMeanEnd());
            t.doubleColumn("true_reward_end").append(r.trueRewardEnd());
            t.doubleColumn("kl_end").append(r.klEnd());
            t.doubleColumn("win_rate_vs_initial").append(r.winRate());
            t.doubleColumn("win_lower").append(r.winLower());
            t.doubleColumn("win_upper").append(r.winUpper());
        }
        return t;
    }

    /** Series of {@link #preferenceChart}: the true preference at round 0 (the initial model) and after each round. */
    public static final String TRUE_PREFERENCE = "true preference (simulated human)";
    /** Series of {@link #winRateChart}: round 0 (the initial model against itself, 0.5) and each round's win rate. */
    public static final String WIN_RATE = "win rate vs initial";
    /** Series of {@link #winRateChart}: each round's 95% bootstrap interval as a vertical segment. */
    public static final String WIN_INTERVAL = "95% interval";
    /** Series of {@link #winRateChart}: 0.5, no better than the initial model. */
    public static final String EVEN = "no better than the initial model";
    /** Series of {@link #accuracyChart}: each round's reward-model validation accuracy. */
    public static final String ACCURACY = "reward model accuracy";
    /** Series of {@link #accuracyChart}: the raters' labels against the noiseless preference on the same pairs. */
    public static final String CEILING = "raters' ceiling";

    /**
     * The loop round by round, one chart per quantity so that each has its own axis: the true
     * preference ({@code rounds-true-preference}), the win rate with its interval ({@code rounds-win-rate})
     * and the reward model's accuracy under the raters' ceiling ({@code rounds-accuracy}).
     */
    public static Map<String, XYChart> charts(List<Round> rounds) {
        Map<String, XYChart> m = new LinkedHashMap<>();
        m.put("rounds-true-preference", preferenceChart(rounds));
        m.put("rounds-win-rate", winRateChart(rounds));
        m.put("rounds-accuracy", accuracyChart(rounds));
        return m;
    }

    /**
     * The simulated human's mean utility of the policy's samples: round 0 is the initial model (round 1's
     * first PPO iteration), round r the mean of round r's last 5 PPO iterations. Every point is labelled.
     */
    public static XYChart preferenceChart(List<Round> rounds) {
        XYChart c = chart(rounds, "True preference, round by round", "true preference, mean per sample");
        double[] x = new double[rounds.size() + 1];
        double[] y = new double[rounds.size() + 1];
        y[0] = rounds.get(0).trueRewardStart();
        for (int i = 0; i < rounds.size(); i++) {
            x[i + 1] = rounds.get(i).round();
            y[i + 1] = rounds.get(i).trueRewardEnd();
        }
        ChartStyle.paint(c.addSeries(TRUE_PREFERENCE, x, y), ChartStyle.colour(2));
        for (int i = 0; i < x.length; i++) {
            ChartStyle.label(c, String.format(Locale.ROOT, "%.2f", y[i]), x[i], y[i], 8);
        }
        c.getStyler().setYAxisDecimalPattern("0.0");
        double lo = Arrays.stream(y).min().orElse(0);
        double hi = Arrays.stream(y).max().orElse(1);
        c.getStyler().setYAxisMin(Math.min(0, lo - 0.1));
        c.getStyler().setYAxisMax(hi + 0.25 * Math.max(hi - lo, 0.4));
        c.getStyler().setLegendVisible(false);
        return c;
    }

    /**
     * Win rate against the initial model on held-out prompts, judged by the simulated human, with each
     * round's 95% bootstrap interval as a vertical segment; round 0 is the initial model against itself
     * (0.5 by definition), and a dashed line at 0.5 marks "no better than the initial model".
     */
    public static XYChart winRateChart(List<Round> rounds) {
        XYChart c = chart(rounds, "Win rate against the initial model", "win rate (ties count ½)");
        List<Double> ix = new ArrayList<>();
        List<Double> iy = new ArrayList<>();
        double[] x = new double[rounds.size() + 1];
        double[] y = new double[rounds.size() + 1];
        y[0] = 0.5;
        for (int i = 0; i < rounds.size(); i++) {
            Round r = rounds.get(i);
            x[i + 1] = r.round();
            y[i + 1] = r.winRate();
            ix.addAll(List.of((double) r.round(), (double) r.round(), (double) r.round()));
            iy.addAll(Arrays.asList(r.winLower(), r.winUpper(), null)); // null breaks the line
        }
        XYSeries even = c.addSeries(EVEN, new double[] {0, rounds.size()}, new double[] {0.5, 0.5});
        ChartStyle.paint(even, ChartStyle.colour(7)).setMarker(SeriesMarkers.NONE);
        even.setLineStyle(SeriesLines.DASH_DASH);
        ChartStyle.paint(c.addSeries(WIN_INTERVAL, ix, iy), ChartStyle.colour(0)).setMarker(SeriesMarkers.NONE);
        ChartStyle.paint(c.addSeries(WIN_RATE, x, y), ChartStyle.colour(1)).setXYSeriesRenderStyle(
                XYSeries.XYSeriesRenderStyle.Scatter);
        for (int i = 1; i < x.length; i++) {
            ChartStyle.label(c, String.format(Locale.ROOT, "%.3f", y[i]), x[i] + 0.12 * Math.max(1, rounds.size() / 3.0),
                    y[i], -4);
        }
        double lo = rounds.stream().mapToDouble(Round::winLower).min().orElse(0.5);
        c.getStyler().setYAxisMin(Math.min(0.45, lo - 0.05));
        c.getStyler().setYAxisMax(1.0);
        c.getStyler().setYAxisDecimalPattern("0.00");
        return c;
    }

    /**
     * Each round's reward-model validation accuracy under the raters' ceiling (their noisy labels against
     * the noiseless preference on the same validation pairs): the best a model of those labels can do.
     */
    public static XYChart accuracyChart(List<Round> rounds) {
        XYChart c = chart(rounds, "Reward model accuracy and the raters' ceiling", "share of validation pairs");
        double[] x = rounds.stream().mapToDouble(Round::round).toArray();
        XYSeries ceiling = c.addSeries(CEILING, x, rounds.stream().mapToDouble(Round::raterCeiling).toArray());
        ChartStyle.paint(ceiling, ChartStyle.colour(6)).setLineStyle(SeriesLines.DASH_DASH);
        ChartStyle.paint(c.addSeries(ACCURACY, x, rounds.stream().mapToDouble(Round::rewardAccuracy).toArray()),
                ChartStyle.colour(3));
        double lo = rounds.stream().mapToDouble(r -> Math.min(r.rewardAccuracy(), r.raterCeiling())).min().orElse(0.5);
        double hi = rounds.stream().mapToDouble(r -> Math.max(r.rewardAccuracy(), r.raterCeiling())).max().orElse(1);
        c.getStyler().setYAxisMin(Math.max(0, lo - 0.05));
        c.getStyler().setYAxisMax(Math.min(1, hi + 0.05));
        c.getStyler().setYAxisDecimalPattern("0.00");
        return c;
    }

    /** A 640×320 chart over rounds 0 … N with whole-number ticks and the legend below the plot. */
    private static XYChart chart(List<Round> rounds, String title, String yTitle) {
        if (rounds.isEmpty()) {
            throw new IllegalArgumentException(title + ": no rounds");
        }
        XYChart c = new XYChartBuilder().width(640).height(320).title(title).xAxisTitle("round (0 = the initial model)")
                .yAxisTitle(yTitle).build();
        c.getStyler().setXAxisMin(-0.3);
        c.getStyler().setXAxisMax(rounds.size() + 0.3);
        c.getStyler().setXAxisDecimalPattern("0");
        ChartStyle.legendBelow(c);
        return c;
    }
}
