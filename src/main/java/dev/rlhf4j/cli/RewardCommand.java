package dev.rlhf4j.cli;

import dev.rlhf4j.core.Devices;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.feedback.FeedbackLog;
import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.reward.RewardConfig;
import dev.rlhf4j.reward.RewardRun;
import dev.rlhf4j.reward.RewardTrainer;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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
    String feedback = "datasets/feedback/feedback.jsonl";

    @Option(names = "--checkpoint", description = "backbone, the pretrained model (default: ${DEFAULT-VALUE})")
    String checkpoint = PipelineCommand.DEFAULT_CHECKPOINT;

    @Option(names = "--epochs", description = "epochs (default: 4, quick mode 2)")
    Integer epochs;

    @Option(names = "--lr", description = "peak learning rate (default: ${DEFAULT-VALUE})")
    float learningRate = 3e-4f;

    @Option(names = "--seed", description = "seed of the head, the split and the batch order (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--out", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out = Path.of("runs", "reward");

    @Option(names = "--data", description = "review corpus folder with prompts.csv (default: ${DEFAULT-VALUE})")
    String data = "datasets/reviews";

    @Option(names = "--device", description = "auto, cpu or gpu (default: ${DEFAULT-VALUE})")
    String device = "auto";

    @Override
    public Integer call() throws Exception {
        RewardConfig.Builder b = RewardConfig.defaults(RewardConfig.Objective.parse(objective))
                .toBuilder().learningRate(learningRate).seed(seed);
        if (epochs != null) {
            b.epochs(epochs);
        }
        RewardConfig config = b.build();
        Path logFile = Home.resolve(feedback);
        FeedbackLog.Loaded loaded = FeedbackLog.read(logFile);
        for (FeedbackLog.LineError e : loaded.errors()) {
            System.err.println("skipped " + e);
        }
        List<FeedbackRecord> records = loaded.records();
        List<Prompt> prompts = ReviewWorld.readPrompts(Home.resolve(data).resolve("prompts.csv"));
        Path backbone = Home.resolve(checkpoint);
        System.out.printf("%d rankings from %s; objective %s, %d epochs%n", records.size(), logFile, config.objective(),
                config.epochs());
        RewardTrainer.Result result;
        try (Progress progress = new Progress("reward " + objective, config.epochs())) {
            result = RewardRun.train(records, backbone, backbone, prompts, config, Devices.resolve(device), out,
                    (e, n) -> progress.update(e.epoch(), String.format("val acc %.3f", e.valid().accuracy())));
        }
        RewardTrainer.Evaluation v = result.valid();
        result.warnings().forEach(w -> System.out.println("warning: " + w));
        System.out.printf("validation accuracy %.3f (rater ceiling %.3f, correlation with the true preference %.3f)%n",
                v.accuracy(), v.ceiling(), v.truthCorrelation());
        System.out.println("reward model written to " + out);
        return 0;
    }

    /**
     * The reward model folder {@code given} by {@code --reward} (which must exist), or, when none was
     * given, one trained now on the bundled feedback into {@code trainInto}: what {@code ppo} and
     * {@code hacking-lab} do first.
     */
    static Path givenOrTrained(Path given, Path trainInto, long seed, String checkpoint, String device, String data)
            throws Exception {
        if (given != null) {
            if (!Files.isDirectory(given)) {
                throw new IllegalArgumentException("--reward: " + given + " is not a folder (train one with rlhf4j reward --out DIR)");
            }
            return given;
        }
        System.out.println("training a reward model on the bundled feedback first (--reward DIR uses an existing one)");
        RewardCommand rc = new RewardCommand();
        rc.out = trainInto;
        rc.seed = seed;
        rc.checkpoint = checkpoint;
        rc.device = device;
        rc.data = data;
        rc.call();
        return trainInto;
    }
}
