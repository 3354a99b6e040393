package dev.rlhf4j.reward;

import ai.djl.Device;
import com.google.gson.GsonBuilder;
import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.core.MetricsLog;
import dev.rlhf4j.feedback.EloRating;
import dev.rlhf4j.feedback.EloScores;
import dev.rlhf4j.feedback.FeedbackLog;
import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.feedback.SimulatedRater;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewPreference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.knowm.xchart.BitmapEncoder;

/**
 * One complete reward-model training on files: rankings and a pretrained backbone in; the model,
 * {@code metrics.csv}, {@code loss.png}, {@code accuracy.png}, {@code rewards.png} and
 * {@code summary.json} (with {@code val_accuracy} and {@code rater_ceiling}) out. Used by
 * {@code rlhf4j reward}, the pipeline and the iterative loop.
 */
public final class RewardRun {

    private RewardRun() {}

    /**
     * Trains a reward model on a feedback log read with {@link FeedbackLog#read}, from the pretrained
     * model in {@code backbone} (also the reference of its normalisation), into {@code out}. The log's
     * bad lines are skipped and named among the result's warnings (and in {@code summary.json}).
     */
    public static RewardTrainer.Result train(FeedbackLog.Loaded feedback, Path backbone, List<Prompt> prompts,
            RewardConfig config, Device device, Path out, RewardTrainer.Listener listener) {
        List<String> skipped = feedback.errors().stream().map(e -> "skipped " + e).toList();
        return train(feedback.records(), skipped, backbone, backbone, prompts, config, device, out, listener);
    }

    /**
     * Trains a reward model on {@code records} from the backbone in {@code backbone}, sets its
     * normalisation over samples of {@code reference} (the policy PPO will start from), and writes
     * everything to {@code out}.
     *
     * @param prompts every prompt the records name (for the true preference and the reference samples)
     */
    public static RewardTrainer.Result train(List<FeedbackRecord> records, Path backbone, Path reference,
            List<Prompt> prompts, RewardConfig config, Device device, Path out, RewardTrainer.Listener listener) {
        return train(records, List.of(), backbone, reference, prompts, config, device, out, listener);
    }

    private static RewardTrainer.Result train(List<FeedbackRecord> records, List<String> skipped, Path backbone,
            Path reference, List<Prompt> prompts, RewardConfig config, Device device, Path out,
            RewardTrainer.Listener listener) {
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + out, e);
        }
        Set<String> validPrompts = RewardData.validPrompts(records, config.validFraction(), config.seed());
        EloScores scores = EloScores.of(records, EloRating.defaults(), r -> !validPrompts.contains(r.promptId())); // σ from training prompts only
        RewardTrainer.Result result;
        try (RewardModel rm = RewardModel.fromPretrained(Checkpoint.load(backbone, device), config.seed());
                MetricsLog log = MetricsLog.toCsv(out.resolve("metrics.csv"))) {
            RewardData.Split split = RewardData.split(records, rm, scores.targets(), config.validFraction(), config.seed());
            result = RewardTrainer.train(rm, split, config, truth(prompts), log, listener);
            if (!skipped.isEmpty()) {
                List<String> warnings = new ArrayList<>(skipped);
                warnings.addAll(result.warnings());
                result = new RewardTrainer.Result(result.epochs(), result.valid(), warnings);
            }
            try (LanguageModel ref = Checkpoint.load(reference, device)) {
                RewardTrainer.normalize(rm, ref, prompts.stream().filter(p -> !p.heldOut()).toList(),
                        config.normalizationSamples(), SamplingConfig.defaults(), config.seed());
            }
            rm.save(out, Map.of("objective", config.objective().name().toLowerCase(Locale.ROOT), "rankings", records.size(),
                    "backbone", backbone.getFileName().toString(), "seed", config.seed()));
            writeReport(result, config, split, out);
        }
        return result;
    }

    private static void writeReport(RewardTrainer.Result result, RewardConfig config, RewardData.Split split, Path out) {
        try {
            BitmapEncoder.saveBitmap(RewardReport.lossChart(result.epochs(), null), out.resolve("loss.png").toString(),
                    BitmapEncoder.BitmapFormat.PNG);
            BitmapEncoder.saveBitmap(RewardReport.accuracyChart(result.epochs(), null), out.resolve("accuracy.png").toString(),
                    BitmapEncoder.BitmapFormat.PNG);
            BitmapEncoder.saveBitmap(RewardReport.histogram(result.valid(), 20), out.resolve("rewards.png").toString(),
                    BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the charts to " + out, e);
        }
        RewardTrainer.Evaluation v = result.valid();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("objective", config.objective().name().toLowerCase(Locale.ROOT));
        s.put("val_accuracy", v.accuracy());
        s.put("rater_ceiling", v.ceiling());
        s.put("truth_correlation", v.truthCorrelation());
        s.put("val_margin", v.meanMargin());
        s.put("val_pairs", v.chosen().length);
        s.put("train_rankings", split.train().size());
        s.put("valid_rankings", split.valid().size());
        s.put("epochs", config.epochs());
        s.put("seconds", result.epochs().get(result.epochs().size() - 1).seconds());
        s.put("warnings", result.warnings());
        AtomicFiles.writeString(out.resolve("summary.json"),
                new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(s) + "\n");
    }

    /** The standard simulated human's utilities of a record's completions (null for an unknown prompt). */
    public static Function<FeedbackRecord, double[]> truth(List<Prompt> prompts) {
        Map<String, Prompt> byId = new HashMap<>();
        prompts.forEach(p -> byId.put(p.id(), p));
        ReviewPreference preference = ReviewPreference.defaults();
        return r -> {
            Prompt p = byId.get(r.promptId());
            return p == null ? null : SimulatedRater.utilities(preference, r, p.aspect());
        };
    }
}
