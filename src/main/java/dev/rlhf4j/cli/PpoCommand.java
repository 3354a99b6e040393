package dev.rlhf4j.cli;

import dev.rlhf4j.core.Home;
import dev.rlhf4j.ppo.KlPenalty;
import dev.rlhf4j.ppo.PpoConfig;
import dev.rlhf4j.ppo.PpoRun;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewWorld;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rlhf4j ppo}: fine-tune the selected model against a reward model with PPO and a KL penalty. */
@Command(name = "ppo", mixinStandardHelpOptions = true,
        description = {"PPO with a KL penalty to the frozen starting model (TRL's classic PPOTrainer, its names and defaults).",
            "Without --reward it first trains a reward model on the bundled feedback into OUT/reward.",
            "Writes metrics.csv, timings.csv, charts, policy/, samples.csv, step_through.txt and summary.json to --out."})
public final class PpoCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", description = "the starting policy and reference (default: ${DEFAULT-VALUE})")
    String checkpoint = PipelineCommand.DEFAULT_CHECKPOINT;

    @Option(names = "--reward", description = "a reward model folder (from rlhf4j reward); default: train one")
    Path reward;

    @Option(names = "--steps", description = "PPO iterations (default: 100, quick mode 40)")
    Integer steps;

    @Option(names = "--lr", description = "learning rate (default: 1e-4)")
    Float learningRate;

    @Option(names = "--beta", description = "a fixed KL coefficient β (0 = no KL penalty); default: adaptive from 0.2 towards --kl-target")
    Double beta;

    @Option(names = "--kl-target", description = "KL target of the adaptive controller (default: ${DEFAULT-VALUE})")
    double klTarget = 6;

    @Option(names = "--kl-penalty", description = "KL estimator: kl, abs, mse or full (default: ${DEFAULT-VALUE})")
    String klPenalty = "kl";

    @Option(names = "--save-every", description = "write the checkpoint every N iterations (default: ${DEFAULT-VALUE})")
    int saveEvery = 10;

    @Option(names = "--seed", description = "seed of prompts, sampling, minibatches and the value head (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--out", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out = Path.of("runs", "ppo");

    @Option(names = "--data", description = "review corpus folder with prompts.csv (default: ${DEFAULT-VALUE})")
    String data = "datasets/reviews";

    @Option(names = "--device", description = "auto, cpu or gpu (default: ${DEFAULT-VALUE})")
    String device = "auto";

    @Override
    public Integer call() throws Exception {
        PpoConfig.Builder b = PpoConfig.defaults().toBuilder().seed(seed).device(device)
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
        Path rewardDir = RewardCommand.givenOrTrained(reward, out.resolve("reward"), seed, checkpoint, device, data);
        List<Prompt> prompts = ReviewWorld.readPrompts(Home.resolve(data).resolve("prompts.csv"));
        List<Prompt> train = prompts.stream().filter(p -> !p.heldOut()).toList();
        List<Prompt> heldOut = prompts.stream().filter(Prompt::heldOut).toList();
        PpoRun.Result r;
        try (Progress progress = new Progress("ppo", config.steps())) {
            r = PpoRun.run(Home.resolve(checkpoint), rewardDir, train, heldOut, config, saveEvery, out,
                    (it, n, m, rollout) -> progress.update(it, String.format(Locale.ROOT, "reward %.2f kl %.2f β %.3f",
                            m.get("env/reward_mean"), m.get("objective/kl"), m.get("objective/kl_coef"))));
        }
        System.out.printf(Locale.ROOT, "reward %.3f -> %.3f, true preference %.3f -> %.3f, KL %.2f after %d iterations (%.0f s)%n",
                r.rewardMeanStart(), r.rewardMeanEnd(), r.trueRewardStart(), r.trueRewardEnd(), r.klMeanEnd(), r.iterations(),
                r.seconds());
        System.out.println("against the initial model on held-out prompts: " + r.winRate());
        r.warnings().forEach(w -> System.out.println("warning: " + w));
        System.out.println("written to " + out);
        return 0;
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
