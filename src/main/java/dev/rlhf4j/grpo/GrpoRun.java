package dev.rlhf4j.grpo;

import ai.djl.Device;
import com.google.gson.GsonBuilder;
import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.core.Devices;
import dev.rlhf4j.core.MetricsLog;
import dev.rlhf4j.eval.Evaluation;
import dev.rlhf4j.eval.PolicyKl;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.reward.RewardModel;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewPreference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One complete GRPO run on files: a starting checkpoint, a reward model and prompts in; the tuned
 * policy, metrics, charts and a summary out, judged like a PPO run (the simulated human's win rate
 * against the initial model on held-out prompts). Used by {@code rlhf4j grpo}.
 *
 * <p>Files in {@code out}: {@code metrics.csv} (one row per iteration, TRL's names; identical for
 * the same seed on a CPU), {@code reward.png}, {@code kl.png}, {@code loss.png}, {@code clip.png},
 * {@code lengths.png}, {@code policy/} (the checkpoint) and {@code summary.json}.
 */
public final class GrpoRun {

    /** Samples per held-out prompt for the win rate and the KL, as PPO's run. */
    static final int EVAL_SAMPLES_PER_PROMPT = 4;

    private GrpoRun() {}

    /** Called after every iteration (progress bars, live charts). */
    public interface Progress {
        void onStep(int iteration, int steps, Map<String, Double> metrics);
    }

    /**
     * What the run achieved.
     *
     * @param winRate the tuned policy against the initial one on held-out prompts, judged by the simulated human
     * @param klToInitial KL(π ‖ π_initial) in nats per completion, sampled on the held-out prompts ({@link PolicyKl})
     * @param iterations iterations done
     * @param seconds wall time of the whole run, evaluation included
     * @param policy the folder of the tuned checkpoint
     * @param metrics every iteration's metrics
     */
    public record Result(Evaluation.WinRate winRate, double klToInitial, int iterations, double seconds, Path policy,
            List<Map<String, Double>> metrics) {}

    /** Runs GRPO from {@code initial} (also the frozen reference) against {@code rewardModelDir}. */
    public static Result run(Path initial, Path rewardModelDir, List<Prompt> train, List<Prompt> heldOut, GrpoConfig config,
            Path out, Progress progress) {
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
                RewardModel rm = RewardModel.load(rewardModelDir, device);
                MetricsLog metrics = MetricsLog.toCsv(out.resolve("metrics.csv"))) {
            GrpoTrainer trainer = new GrpoTrainer(policy, reference, rm, train, config).withTrueReward(judge::utility);
            trainer.addListener((it, m, batch) -> {
                metrics.log(m);
                if (progress != null) {
                    progress.onStep(it, config.steps(), m);
                }
            });
            for (int i = 0; i < config.steps(); i++) {
                trainer.step();
            }
            Checkpoint.save(policy, policyDir, Map.of("kind", "grpo-policy", "iteration", trainer.iteration(), "seed",
                    config.seed()));
            List<Map<String, Double>> rows = metrics.rows();
            GrpoReport.writePngs(rows, out);
            Evaluation.WinRate win = Evaluation.winRate(policy, reference, heldOut, EVAL_SAMPLES_PER_PROMPT,
                    SamplingConfig.defaults(), judge, config.seed());
            double kl = PolicyKl.estimate(policy, reference, heldOut, EVAL_SAMPLES_PER_PROMPT, SamplingConfig.defaults(),
                    config.seed());
            Result r = new Result(win, kl, trainer.iteration(), (System.nanoTime() - started) / 1e9, policyDir, rows);
            writeSummary(r, config, device, out);
            return r;
        }
    }

    /** Mean of a metric over the last 5 rows. */
    static double tail(List<Map<String, Double>> rows, String key) {
        int from = Math.max(0, rows.size() - 5);
        double s = 0;
        for (int i = from; i < rows.size(); i++) {
            s += rows.get(i).get(key);
        }
        return s / (rows.size() - from);
    }

    private static void writeSummary(Result r, GrpoConfig config, Device device, Path out) {
        List<Map<String, Double>> rows = r.metrics();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("method", "grpo");
        s.put("win_rate_vs_initial", r.winRate().rate());
        s.put("win_rate_lower", r.winRate().lower());
        s.put("win_rate_upper", r.winRate().upper());
        s.put("win_rate_comparisons", r.winRate().comparisons());
        s.put("true_utility_policy", r.winRate().candidateUtility());
        s.put("true_utility_initial", r.winRate().baselineUtility());
        s.put("kl_to_initial", r.klToInitial());
        s.put("kl_end", tail(rows, "kl"));
        s.put("reward_start", rows.get(0).get("reward"));
        s.put("reward_end", tail(rows, "reward"));
        s.put("true_reward_start", rows.get(0).get("env/true_reward_mean"));
        s.put("true_reward_end", tail(rows, "env/true_reward_mean"));
        s.put("iterations", r.iterations());
        s.put("seconds", r.seconds());
        s.put("device", Devices.describe(device));
        s.put("num_generations", config.numGenerations());
        s.put("beta", config.beta());
        s.put("epsilon", config.epsilon());
        s.put("loss_type", config.lossType().trlName());
        s.put("learning_rate", config.learningRate());
        s.put("seed", config.seed());
        AtomicFiles.writeString(out.resolve("summary.json"),
                new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(s) + "\n");
    }
}
