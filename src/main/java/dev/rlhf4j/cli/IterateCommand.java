package dev.rlhf4j.cli;

import dev.rlhf4j.core.MetricCharts;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.core.RunSize;
import dev.rlhf4j.feedback.FeedbackLog;
import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.loop.RlhfLoop;
import dev.rlhf4j.ppo.PpoConfig;
import dev.rlhf4j.reward.RewardConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rlhf4j iterate}: rounds of reward model → PPO → new feedback on the tuned policy (InstructGPT's loop). */
@Command(name = "iterate", mixinStandardHelpOptions = true,
        description = {"The iterative RLHF loop: each round trains a reward model on all feedback so far, runs PPO from",
            "the last policy (KL penalty to the initial model), then has the simulated rater rank samples of the new",
            "policy. Writes round-N/{reward,ppo}, feedback.jsonl (all feedback), rounds.csv and the charts",
            "rounds-true-preference.png, rounds-win-rate.png and rounds-accuracy.png to --out."})
public final class IterateCommand implements Callable<Integer> {

    @Option(names = "--feedback", description = "the feedback to start from (default: ${DEFAULT-VALUE})")
    String feedback = FeedbackLog.BUNDLED;

    @Option(names = "--start-rankings", description = "use only the first N rankings of --feedback (default: all; quick mode 256)")
    Integer startRankings;

    @Option(names = "--rounds", description = "rounds (default: 3, quick mode 2)")
    Integer rounds;

    @Option(names = "--rankings-per-round", description = "new rankings of the tuned policy per round (default: 128, quick mode 32)")
    Integer rankingsPerRound;

    @Option(names = "--k", description = "completions per new ranking (default: ${DEFAULT-VALUE})")
    int k = 4;

    @Option(names = "--steps", description = "PPO iterations per round (default: 30, quick mode 6)")
    Integer steps;

    @Option(names = "--epochs", description = "reward-model epochs per round (default: 2, quick mode 1)")
    Integer epochs;

    @Mixin
    ModelOptions model;

    @Mixin
    DataOptions data;

    @Mixin
    RunOptions run;

    @Mixin
    OutputOptions output = new OutputOptions("runs/iterate");

    @Override
    public Integer call() {
        FeedbackLog.Loaded loaded = FeedbackLog.read(Home.resolve(feedback));
        loaded.errors().forEach(e -> System.err.println("skipped " + e));
        List<FeedbackRecord> all = loaded.records();
        int n = startRankings != null ? startRankings : RunSize.pick(all.size(), 256);
        if (n < 1 || n > all.size()) {
            throw new IllegalArgumentException("--start-rankings: expected 1.." + all.size() + ", found " + n);
        }
        PpoConfig ppo = PpoConfig.defaults().toBuilder().seed(run.seed).device(run.device)
                .steps(steps != null ? steps : RunSize.pick(30, 6)).build();
        RewardConfig reward = RewardConfig.defaults(RewardConfig.Objective.BT).toBuilder().seed(run.seed)
                .epochs(epochs != null ? epochs : RunSize.pick(2, 1)).build();
        RlhfLoop.Settings settings = new RlhfLoop.Settings(rounds != null ? rounds : RunSize.pick(3, 2),
                rankingsPerRound != null ? rankingsPerRound : RunSize.pick(128, 32), k, ppo, reward);
        System.out.printf(Locale.ROOT, "%d rounds from %d rankings, +%d rankings (K=%d) per round; PPO %d iterations, "
                + "reward model %d epoch(s) per round%n", settings.rounds(), n, settings.rankingsPerRound(), k, ppo.steps(),
                reward.epochs());
        Path out = output.out;
        List<RlhfLoop.Round> done = RlhfLoop.run(model.dir(), all.subList(0, n), data.prompts(), settings, out,
                r -> System.out.printf(Locale.ROOT, "round %d: reward model accuracy %.3f (ceiling %.3f) · true preference "
                        + "%.3f · KL %.2f · win rate vs initial %.3f [%.3f, %.3f]%n", r.round(), r.rewardAccuracy(),
                        r.raterCeiling(), r.trueRewardEnd(), r.klEnd(), r.winRate(), r.winLower(), r.winUpper()));
        MetricCharts.writePngs(RlhfLoop.charts(done), out);
        System.out.println(TextTables.print(RlhfLoop.table(done)));
        System.out.println("written to " + out);
        return 0;
    }
}
