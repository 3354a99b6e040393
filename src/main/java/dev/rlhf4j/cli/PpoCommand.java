package dev.rlhf4j.cli;

import dev.rlhf4j.ppo.KlPenalty;
import dev.rlhf4j.ppo.PpoConfig;
import dev.rlhf4j.ppo.PpoRun;
import dev.rlhf4j.world.Prompt;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rlhf4j ppo}: fine-tune the selected model against a reward model with PPO and a KL penalty. */
@Command(name = "ppo", mixinStandardHelpOptions = true,
        description = {"PPO from --checkpoint with a KL penalty to its frozen copy (TRL's classic PPOTrainer, its names and defaults).",
            "Without --reward it first trains a reward model on the bundled feedback into OUT/reward.",
            "Writes metrics.csv, timings.csv, charts, policy/, samples.csv, step_through.txt and summary.json to --out."})
public final class PpoCommand implements Callable<Integer> {

    @Option(names = "--reward", description = "a reward model folder (from rlhf4j reward); default: train one")
    Path reward;

    @Option(names = "--steps", description = "PPO iterations (default: 100, quick mode 40)")
    Integer steps;

    @Option(names = "--lr", description = "learning rate (default: 1e-4)")
    Float learningRate;

    @Option(names = "--beta", description = "a fixed KL coefficient β (0 = no KL penalty); default: adaptive from 0.2 towards --kl-target")
    Double beta;

    @Option(names = "--kl-target", description = "KL target of the adaptive controller (default: ${DEFAULT-VALUE})")
    double klTarget = PpoConfig.defaults().target();

    @Option(names = "--kl-penalty", description = "KL estimator: kl, abs, mse or full (default: ${DEFAULT-VALUE})")
    String klPenalty = "kl";

    @Option(names = "--save-every", description = "write the checkpoint every N iterations (default: ${DEFAULT-VALUE})")
    int saveEvery = PpoRun.DEFAULT_SAVE_EVERY;

    @Mixin
    ModelOptions model;

    @Mixin
    DataOptions data;

    @Mixin
    RunOptions run;

    @Mixin
    OutputOptions output = new OutputOptions("runs/ppo");

    @Override
    public Integer call() {
        PpoConfig.Builder b = PpoConfig.defaults().toBuilder().seed(run.seed).device(run.device)
                .klPenalty(KlPenalty.valueOf(parsePenalty(klPenalty)));
        if (beta != null) {
            b.fixedKl(beta);
        } else {
            b.adaptiveKl(PpoConfig.defaults().initKlCoef(), klTarget);
        }
        if (steps != null) {
            b.steps(steps);
        }
        if (learningRate != null) {
            b.learningRate(learningRate);
        }
        PpoConfig config = b.build();
        Path out = output.out;
        Path rewardDir = RewardCommand.givenOrTrained(reward, out.resolve("reward"), model, data, run);
        List<Prompt> prompts = data.prompts();
        List<Prompt> train = prompts.stream().filter(p -> !p.heldOut()).toList();
        List<Prompt> heldOut = prompts.stream().filter(Prompt::heldOut).toList();
        PpoRun.Result r;
        try (Progress progress = new Progress("ppo", config.steps())) {
            r = PpoRun.run(model.dir(), rewardDir, train, heldOut, config, saveEvery, out,
                    (it, n, m, rollout) -> progress.update(it, status(m)));
        }
        print(r);
        System.out.println("written to " + out);
        return 0;
    }

    /** The progress bar's status after an iteration. */
    static String status(Map<String, Double> m) {
        return String.format(Locale.ROOT, "reward %.2f kl %.2f β %.3f", m.get("env/reward_mean"), m.get("objective/kl"),
                m.get("objective/kl_coef"));
    }

    /** Prints what a PPO run achieved. */
    static void print(PpoRun.Result r) {
        printTraining(r);
        System.out.println("against the initial model on held-out prompts: " + r.winRate());
    }

    /** Prints the run's reward, true preference and KL, and its warnings, without its win rate. */
    static void printTraining(PpoRun.Result r) {
        System.out.printf(Locale.ROOT, "reward %.3f -> %.3f, true preference %.3f -> %.3f, KL %.2f after %d iterations (%.0f s)%n",
                r.rewardMeanStart(), r.rewardMeanEnd(), r.trueRewardStart(), r.trueRewardEnd(), r.klMeanEnd(), r.iterations(),
                r.seconds());
        r.warnings().forEach(w -> System.out.println("warning: " + w));
    }

    private static String parsePenalty(String s) {
        String u = s.toUpperCase(Locale.ROOT);
        for (KlPenalty k : KlPenalty.values()) {
            if (k.name().equals(u)) {
                return u;
            }
        }
        throw new IllegalArgumentException("--kl-penalty: expected kl, abs, mse or full, found " + s);
    }
}
