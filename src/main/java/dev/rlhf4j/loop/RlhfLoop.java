package dev.rlhf4j.loop;

import ai.djl.Device;
import dev.rlhf4j.core.AtomicFiles;
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
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
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
     * What one round achieved.
     *
     * @param feedback rankings the reward model of this round was trained on
     */
    public record Round(int round, int feedback, double rewardAccuracy, double raterCeiling, double rewardMeanEnd,
            double trueRewardEnd, double klEnd, double winRate, double winLower, double winUpper, Path policy) {}

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
                    ppo.trueRewardEnd(), ppo.klMeanEnd(), ppo.winRate().rate(), ppo.winRate().lower(), ppo.winRate().upper(),
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

    /** True preference and win rate against the initial model, round by round. */
    public static XYChart chart(List<Round> rounds) {
        XYChart c = new XYChartBuilder().width(640).height(400).title("The RLHF loop, round by round").xAxisTitle("round")
                .yAxisTitle("value").build();
        double[] x = rounds.stream().mapToDouble(Round::round).toArray();
        c.addSeries("true preference (simulated human)", x, rounds.stream().mapToDouble(Round::trueRewardEnd).toArray());
        c.addSeries("win rate vs initial", x, rounds.stream().mapToDouble(Round::winRate).toArray());
        c.addSeries("reward model accuracy", x, rounds.stream().mapToDouble(Round::rewardAccuracy).toArray());
        return c;
    }
}
