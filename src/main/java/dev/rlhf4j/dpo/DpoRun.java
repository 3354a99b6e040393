package dev.rlhf4j.dpo;

import ai.djl.Device;
import com.google.gson.GsonBuilder;
import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.core.Devices;
import dev.rlhf4j.core.MetricsLog;
import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.eval.Evaluation;
import dev.rlhf4j.eval.PolicyKl;
import dev.rlhf4j.feedback.FeedbackRecord;
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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One complete DPO run on files: a starting checkpoint and the feedback log in; the tuned policy,
 * metrics, charts and a summary out, judged like a PPO run (the simulated human's win rate against
 * the initial model on held-out prompts). Used by {@code rlhf4j dpo}.
 *
 * <p>Files in {@code out}: {@code metrics.csv} (one row per optimizer step, TRL's names; identical
 * for the same seed on a CPU), {@code loss.png}, {@code rewards.png}, {@code accuracy.png},
 * {@code logps.png}, {@code policy/} (the checkpoint) and {@code summary.json}.
 */
public final class DpoRun {

    /** Samples per held-out prompt for the win rate and the KL, as PPO's run. */
    static final int EVAL_SAMPLES_PER_PROMPT = 4;

    private DpoRun() {}

    /** Called after every optimizer step (progress bars, live charts). */
    public interface Progress {
        void onStep(int step, int steps, Map<String, Double> metrics);
    }

    /**
     * What the run achieved.
     *
     * @param winRate the tuned policy against the initial one on held-out prompts, judged by the simulated human
     * @param klToInitial KL(π ‖ π_initial) in nats per completion, sampled on the held-out prompts ({@link PolicyKl})
     * @param pairs training pairs used
     * @param steps optimizer steps done
     * @param seconds wall time of the whole run, evaluation included
     * @param policy the folder of the tuned checkpoint
     * @param metrics every step's metrics
     */
    public record Result(Evaluation.WinRate winRate, double klToInitial, int pairs, int steps, double seconds, Path policy,
            List<Map<String, Double>> metrics) {}

    /**
     * Runs DPO from {@code initial} (also the frozen reference) on the strict pairs of
     * {@code feedback} whose prompt is not held out, and evaluates on {@code heldOut}.
     */
    public static Result run(Path initial, List<FeedbackRecord> feedback, List<Prompt> heldOut, DpoConfig config, Path out,
            Progress progress) {
        Device device = Devices.resolve(config.device());
        ReviewPreference judge = ReviewPreference.defaults();
        Path policyDir = out.resolve("policy");
        long started = System.nanoTime();
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + out, e);
        }
        try (LanguageModel policy = Checkpoint.load(initial, device);
                LanguageModel reference = Checkpoint.load(initial, device);
                MetricsLog metrics = MetricsLog.toCsv(out.resolve("metrics.csv"))) {
            Set<String> held = heldOut.stream().map(Prompt::id).collect(Collectors.toSet());
            List<DpoPairs.Pair> pairs = sample(DpoPairs.of(feedback, policy, held), config);
            DpoTrainer trainer = new DpoTrainer(policy, reference, pairs, config);
            int steps = trainer.stepsPerEpoch() * config.numTrainEpochs();
            trainer.addListener((step, m) -> {
                metrics.log(m);
                if (progress != null) {
                    progress.onStep(step, steps, m);
                }
            });
            trainer.train();
            Checkpoint.save(policy, policyDir, Map.of("kind", "dpo-policy", "steps", trainer.steps(), "seed", config.seed()));
            List<Map<String, Double>> rows = metrics.rows();
            DpoReport.writePngs(rows, out);
            Evaluation.WinRate win = Evaluation.winRate(policy, reference, heldOut, EVAL_SAMPLES_PER_PROMPT,
                    SamplingConfig.defaults(), judge, config.seed());
            double kl = PolicyKl.estimate(policy, reference, heldOut, EVAL_SAMPLES_PER_PROMPT, SamplingConfig.defaults(),
                    config.seed());
            Result r = new Result(win, kl, pairs.size(), trainer.steps(), (System.nanoTime() - started) / 1e9, policyDir,
                    rows);
            writeSummary(r, config, device, out);
            return r;
        }
    }

    /** All pairs, or a seeded sample of {@code maxPairs} of them. */
    static List<DpoPairs.Pair> sample(List<DpoPairs.Pair> pairs, DpoConfig config) {
        if (config.maxPairs() == 0 || config.maxPairs() >= pairs.size()) {
            return pairs;
        }
        List<DpoPairs.Pair> shuffled = new ArrayList<>(pairs);
        Collections.shuffle(shuffled, Seeds.derive(config.seed(), "dpo pairs"));
        return shuffled.subList(0, config.maxPairs());
    }

    /** Mean of a metric over the last 10% of the rows (at least one). */
    static double tail(List<Map<String, Double>> rows, String key) {
        int from = Math.min(rows.size() - 1, rows.size() - Math.max(1, rows.size() / 10));
        double s = 0;
        for (int i = from; i < rows.size(); i++) {
            s += rows.get(i).get(key);
        }
        return s / (rows.size() - from);
    }

    private static void writeSummary(Result r, DpoConfig config, Device device, Path out) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("method", "dpo");
        s.put("win_rate_vs_initial", r.winRate().rate());
        s.put("win_rate_lower", r.winRate().lower());
        s.put("win_rate_upper", r.winRate().upper());
        s.put("win_rate_comparisons", r.winRate().comparisons());
        s.put("true_utility_policy", r.winRate().candidateUtility());
        s.put("true_utility_initial", r.winRate().baselineUtility());
        s.put("kl_to_initial", r.klToInitial());
        List<Map<String, Double>> rows = r.metrics();
        s.put("loss_start", rows.get(0).get("loss"));
        s.put("loss_end", tail(rows, "loss"));
        s.put("rewards_accuracies_end", tail(rows, "rewards/accuracies"));
        s.put("rewards_margins_end", tail(rows, "rewards/margins"));
        s.put("pairs", r.pairs());
        s.put("steps", r.steps());
        s.put("seconds", r.seconds());
        s.put("device", Devices.describe(device));
        s.put("beta", config.beta());
        s.put("loss_type", config.lossType().trlName());
        s.put("label_smoothing", config.labelSmoothing());
        s.put("learning_rate", config.learningRate());
        s.put("num_train_epochs", config.numTrainEpochs());
        s.put("seed", config.seed());
        AtomicFiles.writeString(out.resolve("summary.json"),
                new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(s) + "\n");
    }
}
