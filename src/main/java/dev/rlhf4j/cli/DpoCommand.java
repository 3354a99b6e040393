package dev.rlhf4j.cli;

import dev.rlhf4j.core.Home;
import dev.rlhf4j.dpo.DpoConfig;
import dev.rlhf4j.dpo.DpoLossType;
import dev.rlhf4j.dpo.DpoRun;
import dev.rlhf4j.feedback.FeedbackLog;
import dev.rlhf4j.world.Prompt;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rlhf4j dpo}: fine-tune the selected model directly on the feedback's preference pairs with DPO. */
@Command(name = "dpo", mixinStandardHelpOptions = true,
        description = {"DPO from --checkpoint on the strict pairs of the feedback log, against its frozen copy (TRL's DPOTrainer,",
            "its names and defaults): no reward model, no sampling during training.",
            "Writes metrics.csv, charts, policy/ and summary.json (win rate against the initial model, KL to it) to --out."})
public final class DpoCommand implements Callable<Integer> {

    @Option(names = "--feedback", description = "feedback log, JSONL (default: ${DEFAULT-VALUE})")
    String feedback = FeedbackLog.BUNDLED;

    @Option(names = "--beta", description = "β, the implicit KL strength (default: ${DEFAULT-VALUE})")
    double beta = DpoConfig.defaults().beta();

    @Option(names = "--loss-type", description = "sigmoid, ipo or hinge (default: ${DEFAULT-VALUE})")
    String lossType = "sigmoid";

    @Option(names = "--label-smoothing", description = "cDPO's ε for sigmoid (default: ${DEFAULT-VALUE})")
    double labelSmoothing = DpoConfig.defaults().labelSmoothing();

    @Option(names = "--epochs", description = "passes over the pairs (default: 2, quick mode 1)")
    Integer epochs;

    @Option(names = "--max-pairs", description = "use at most N training pairs, a seeded sample; 0 = all (default: all, quick mode 1024)")
    Integer maxPairs;

    @Option(names = "--lr", description = "learning rate (default: ${DEFAULT-VALUE})")
    float learningRate = DpoConfig.defaults().learningRate();

    @Mixin
    ModelOptions model;

    @Mixin
    DataOptions data;

    @Mixin
    RunOptions run;

    @Mixin
    OutputOptions output = new OutputOptions("runs/dpo");

    @Override
    public Integer call() {
        DpoConfig.Builder b = DpoConfig.defaults().toBuilder().seed(run.seed).device(run.device).beta(beta)
                .lossType(DpoLossType.parse(lossType)).labelSmoothing(labelSmoothing).learningRate(learningRate);
        if (epochs != null) {
            b.numTrainEpochs(epochs);
        }
        if (maxPairs != null) {
            b.maxPairs(maxPairs);
        }
        DpoConfig config = b.build();
        FeedbackLog.Loaded loaded = FeedbackLog.read(Home.resolve(feedback));
        System.out.printf("%d rankings from %s%s%n", loaded.records().size(), feedback,
                loaded.errors().isEmpty() ? "" : " (" + loaded.errors().size() + " bad lines skipped)");
        List<Prompt> heldOut = data.prompts().stream().filter(Prompt::heldOut).toList();
        Path out = output.out;
        Progress[] bar = new Progress[1]; // made at the first step, when the number of steps is known
        DpoRun.Result r;
        try {
            r = DpoRun.run(model.dir(), loaded.records(), heldOut, config, out, (step, steps, m) -> {
                if (bar[0] == null) {
                    bar[0] = new Progress("dpo", steps);
                }
                bar[0].update(step, status(m));
            });
        } finally {
            if (bar[0] != null) {
                bar[0].close();
            }
        }
        print(r);
        System.out.println("written to " + out);
        return 0;
    }

    /** The progress bar's status after a step. */
    static String status(Map<String, Double> m) {
        return String.format(Locale.ROOT, "loss %.3f acc %.2f margin %.3f", m.get("loss"), m.get("rewards/accuracies"),
                m.get("rewards/margins"));
    }

    /** Prints what a DPO run achieved. */
    static void print(DpoRun.Result r) {
        Map<String, Double> first = r.metrics().get(0);
        Map<String, Double> last = r.metrics().get(r.metrics().size() - 1);
        System.out.printf(Locale.ROOT, "%d pairs, %d steps: loss %.3f -> %.3f, margin %.3f, KL to the initial model %.2f (%.0f s)%n",
                r.pairs(), r.steps(), first.get("loss"), last.get("loss"), last.get("rewards/margins"), r.klToInitial(),
                r.seconds());
        System.out.println("against the initial model on held-out prompts: " + r.winRate());
    }
}
