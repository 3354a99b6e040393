package dev.rlhf4j.cli;

import ai.djl.Device;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.feedback.FeedbackLog;
import dev.rlhf4j.reward.RewardConfig;
import dev.rlhf4j.reward.RewardRun;
import dev.rlhf4j.reward.RewardTrainer;
import dev.rlhf4j.world.Prompt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rlhf4j reward}: train a reward model on the feedback log. */
@Command(name = "reward", mixinStandardHelpOptions = true,
        description = {"Train a reward model (the pretrained GPT + a scalar head) on ranked feedback, with the pairwise",
            "Bradley-Terry loss (--objective bt) or by regression on normalised Elo scores (--objective elo).",
            "Writes the model, metrics.csv, loss/accuracy/histogram charts and summary.json to --out."})
public final class RewardCommand implements Callable<Integer> {

    @Option(names = "--objective", description = "bt or elo (default: ${DEFAULT-VALUE})")
    String objective = "bt";

    @Option(names = "--feedback", description = "feedback log, JSONL (default: ${DEFAULT-VALUE})")
    String feedback = FeedbackLog.BUNDLED;

    @Option(names = "--epochs", description = "epochs (default: 4, quick mode 2)")
    Integer epochs;

    @Option(names = "--lr", description = "peak learning rate (default: ${DEFAULT-VALUE})")
    float learningRate = RewardConfig.defaults(RewardConfig.Objective.BT).learningRate();

    @Mixin
    ModelOptions model;

    @Mixin
    DataOptions data;

    @Mixin
    RunOptions run;

    @Mixin
    OutputOptions output = new OutputOptions("runs/reward");

    @Override
    public Integer call() {
        RewardConfig.Builder b = RewardConfig.defaults(RewardConfig.Objective.parse(objective))
                .toBuilder().learningRate(learningRate).seed(run.seed);
        if (epochs != null) {
            b.epochs(epochs);
        }
        train(Home.resolve(feedback), model.dir(), data.prompts(), b.build(), run.resolveDevice(), output.out);
        return 0;
    }

    /**
     * Trains a reward model on the feedback log {@code log} from {@code backbone} into {@code out}
     * with a progress bar, and prints how it did.
     */
    static RewardTrainer.Result train(Path log, Path backbone, List<Prompt> prompts, RewardConfig config, Device device,
            Path out) {
        FeedbackLog.Loaded loaded = FeedbackLog.read(log);
        System.out.printf("%d rankings from %s%s; objective %s, %d epochs%n", loaded.records().size(), log,
                loaded.errors().isEmpty() ? "" : " (" + loaded.errors().size() + " bad lines skipped)", config.objective(),
                config.epochs());
        RewardTrainer.Result result;
        try (Progress progress = new Progress("reward " + config.objective().name().toLowerCase(Locale.ROOT), config.epochs())) {
            result = RewardRun.train(loaded, backbone, prompts, config, device, out,
                    (e, n) -> progress.update(e.epoch(), status(e)));
        }
        print(result);
        System.out.println("reward model written to " + out);
        return result;
    }

    /** The progress bar's status after an epoch. */
    static String status(RewardTrainer.Epoch e) {
        return String.format(Locale.ROOT, "val acc %.3f", e.valid().accuracy());
    }

    /** Prints the warnings and the validation numbers of a training. */
    static void print(RewardTrainer.Result result) {
        RewardTrainer.Evaluation v = result.valid();
        result.warnings().forEach(w -> System.out.println("warning: " + w));
        System.out.printf("validation accuracy %.3f (rater ceiling %.3f, correlation with the true preference %.3f)%n",
                v.accuracy(), v.ceiling(), v.truthCorrelation());
    }

    /**
     * The reward model folder {@code given} by {@code --reward} (which must exist), or, when none was
     * given, one trained now on the bundled feedback with the default recipe into {@code trainInto}:
     * what {@code ppo} and {@code hacking-lab} do first.
     */
    static Path givenOrTrained(Path given, Path trainInto, ModelOptions model, DataOptions data, RunOptions run) {
        if (given != null) {
            if (!Files.isDirectory(given)) {
                throw new IllegalArgumentException("--reward: " + given + " is not a folder (train one with rlhf4j reward --out DIR)");
            }
            return given;
        }
        System.out.println("training a reward model on the bundled feedback first (--reward DIR uses an existing one)");
        train(Home.resolve(FeedbackLog.BUNDLED), model.dir(), data.prompts(),
                RewardConfig.defaults(RewardConfig.Objective.BT).toBuilder().seed(run.seed).build(), run.resolveDevice(),
                trainInto);
        return trainInto;
    }
}
