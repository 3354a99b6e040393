package dev.rlhf4j.cli;

import com.google.gson.GsonBuilder;
import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.core.Devices;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.core.MetricsLog;
import dev.rlhf4j.feedback.EloRating;
import dev.rlhf4j.feedback.EloScores;
import dev.rlhf4j.feedback.FeedbackLog;
import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.feedback.ReviewPreference;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.reward.RewardConfig;
import dev.rlhf4j.reward.RewardData;
import dev.rlhf4j.reward.RewardModel;
import dev.rlhf4j.reward.RewardReport;
import dev.rlhf4j.reward.RewardTrainer;
import dev.rlhf4j.text.Prompt;
import dev.rlhf4j.text.ReviewWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.knowm.xchart.BitmapEncoder;
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
        RewardConfig config = RewardConfig.defaults(RewardConfig.Objective.parse(objective))
                .withLearningRate(learningRate).withSeed(seed);
        if (epochs != null) {
            config = config.withEpochs(epochs);
        }
        Path logFile = Home.resolve(feedback);
        FeedbackLog.Loaded loaded = FeedbackLog.read(logFile);
        for (FeedbackLog.LineError e : loaded.errors()) {
            System.err.println("skipped " + e);
        }
        List<FeedbackRecord> records = loaded.records();
        List<Prompt> prompts = ReviewWorld.readPrompts(Home.resolve(data).resolve("prompts.csv"));
        Function<FeedbackRecord, double[]> truth = truth(prompts);
        EloScores scores = EloScores.of(records, EloRating.defaults());
        Files.createDirectories(out);
        RewardTrainer.Result result;
        try (RewardModel rm = RewardModel.fromPretrained(Checkpoint.load(Home.resolve(checkpoint), Devices.resolve(device)), seed);
                MetricsLog log = MetricsLog.toCsv(out.resolve("metrics.csv"));
                Progress progress = new Progress("reward " + objective, config.epochs())) {
            RewardData.Split split = RewardData.split(records, rm, scores.targets(), config.validFraction(), seed);
            System.out.printf("%d rankings: %d train, %d validation (%d held-out prompts); objective %s%n", records.size(),
                    split.train().size(), split.valid().size(), split.validPrompts().size(), config.objective());
            result = RewardTrainer.train(rm, split, config, truth, log, (e, n) -> progress.update(e.epoch(),
                    String.format("val acc %.3f", e.valid().accuracy())));
            try (LanguageModel reference = Checkpoint.load(Home.resolve(checkpoint), Devices.resolve(device))) {
                RewardTrainer.normalize(rm, reference, prompts.stream().filter(p -> !p.heldOut()).toList(),
                        config.normalizationSamples(), SamplingConfig.defaults(), seed);
            }
            rm.save(out, Map.of("objective", config.objective().name().toLowerCase(), "feedback", feedback,
                    "backbone", checkpoint, "seed", seed));
        }
        BitmapEncoder.saveBitmap(RewardReport.lossChart(result.epochs(), null), out.resolve("loss.png").toString(),
                BitmapEncoder.BitmapFormat.PNG);
        BitmapEncoder.saveBitmap(RewardReport.accuracyChart(result.epochs(), null), out.resolve("accuracy.png").toString(),
                BitmapEncoder.BitmapFormat.PNG);
        BitmapEncoder.saveBitmap(RewardReport.histogram(result.valid(), 20), out.resolve("rewards.png").toString(),
                BitmapEncoder.BitmapFormat.PNG);
        RewardTrainer.Evaluation v = result.valid();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("objective", config.objective().name().toLowerCase());
        summary.put("val_accuracy", v.accuracy());
        summary.put("rater_ceiling", v.ceiling());
        summary.put("truth_correlation", v.truthCorrelation());
        summary.put("val_margin", v.meanMargin());
        summary.put("val_pairs", v.chosen().length);
        summary.put("epochs", config.epochs());
        summary.put("seconds", result.epochs().get(result.epochs().size() - 1).seconds());
        summary.put("warnings", result.warnings());
        AtomicFiles.writeString(out.resolve("summary.json"),
                new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(summary) + "\n");
        System.out.printf("validation accuracy %.3f (rater ceiling %.3f, correlation with the true preference %.3f)%n",
                v.accuracy(), v.ceiling(), v.truthCorrelation());
        System.out.println("reward model written to " + out);
        return 0;
    }

    /** The standard simulated human's utilities of a record's completions. */
    static Function<FeedbackRecord, double[]> truth(List<Prompt> prompts) {
        Map<String, Prompt> byId = new HashMap<>();
        prompts.forEach(p -> byId.put(p.id(), p));
        ReviewPreference preference = ReviewPreference.defaults();
        return r -> {
            Prompt p = byId.get(r.promptId());
            return p == null ? null : preference.utilities(r, p.aspect());
        };
    }
}
