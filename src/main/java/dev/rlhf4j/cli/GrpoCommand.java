package dev.rlhf4j.cli;

import dev.rlhf4j.grpo.GrpoConfig;
import dev.rlhf4j.grpo.GrpoLossType;
import dev.rlhf4j.grpo.GrpoRun;
import dev.rlhf4j.world.Prompt;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rlhf4j grpo}: fine-tune the selected model against a reward model with GRPO (no value model). */
@Command(name = "grpo", mixinStandardHelpOptions = true,
        description = {"GRPO from --checkpoint: groups of completions per prompt, advantages relative to the group, the clipped",
            "loss with a k3 KL to the frozen copy (TRL's GRPOTrainer, its names). Without --reward it first trains a reward",
            "model on the bundled feedback into OUT/reward. Writes metrics.csv, charts, policy/ and summary.json to --out."})
public final class GrpoCommand implements Callable<Integer> {

    @Option(names = "--reward", description = "a reward model folder (from rlhf4j reward); default: train one")
    Path reward;

    @Option(names = "--steps", description = "GRPO iterations (default: 60, quick mode 25)")
    Integer steps;

    @Option(names = "--num-generations", description = "G, completions per prompt (default: ${DEFAULT-VALUE})")
    int numGenerations = GrpoConfig.defaults().numGenerations();

    @Option(names = "--beta", description = "β of the KL term in the loss (default: ${DEFAULT-VALUE})")
    double beta = GrpoConfig.defaults().beta();

    @Option(names = "--loss-type", description = "grpo, bnpo, dapo or dr_grpo (default: ${DEFAULT-VALUE})")
    String lossType = "grpo";

    @Option(names = "--lr", description = "learning rate (default: ${DEFAULT-VALUE})")
    float learningRate = GrpoConfig.defaults().learningRate();

    @Mixin
    ModelOptions model;

    @Mixin
    DataOptions data;

    @Mixin
    RunOptions run;

    @Mixin
    OutputOptions output = new OutputOptions("runs/grpo");

    @Override
    public Integer call() {
        GrpoConfig d = GrpoConfig.defaults();
        GrpoConfig.Builder b = d.toBuilder().seed(run.seed).device(run.device).beta(beta)
                .lossType(GrpoLossType.parse(lossType)).learningRate(learningRate).numGenerations(numGenerations)
                .batchSize(d.batchSize() / d.numGenerations() * numGenerations)       // 8 prompts per iteration
                .miniBatchSize(d.miniBatchSize() / d.numGenerations() * numGenerations); // 2 prompts' groups per step
        if (steps != null) {
            b.steps(steps);
        }
        GrpoConfig config = b.build();
        Path out = output.out;
        Path rewardDir = RewardCommand.givenOrTrained(reward, out.resolve("reward"), model, data, run);
        List<Prompt> prompts = data.prompts();
        List<Prompt> train = prompts.stream().filter(p -> !p.heldOut()).toList();
        List<Prompt> heldOut = prompts.stream().filter(Prompt::heldOut).toList();
        GrpoRun.Result r;
        try (Progress progress = new Progress("grpo", config.steps())) {
            r = GrpoRun.run(model.dir(), rewardDir, train, heldOut, config, out,
                    (it, n, m) -> progress.update(it, status(m)));
        }
        print(r);
        System.out.println("written to " + out);
        return 0;
    }

    /** The progress bar's status after an iteration. */
    static String status(Map<String, Double> m) {
        return String.format(Locale.ROOT, "reward %.2f kl %.3f", m.get("reward"), m.get("kl"));
    }

    /** Prints what a GRPO run achieved. */
    static void print(GrpoRun.Result r) {
        Map<String, Double> first = r.metrics().get(0);
        Map<String, Double> last = r.metrics().get(r.metrics().size() - 1);
        System.out.printf(Locale.ROOT, "reward %.3f -> %.3f, true preference %.3f -> %.3f, KL to the initial model %.2f after "
                + "%d iterations (%.0f s)%n", first.get("reward"), last.get("reward"), first.get("env/true_reward_mean"),
                last.get("env/true_reward_mean"), r.klToInitial(), r.iterations(), r.seconds());
        System.out.println("against the initial model on held-out prompts: " + r.winRate());
    }
}
