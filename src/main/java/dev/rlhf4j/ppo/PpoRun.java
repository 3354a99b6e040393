package dev.rlhf4j.ppo;

import ai.djl.Device;
import com.google.gson.GsonBuilder;
import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.core.Devices;
import dev.rlhf4j.core.InterruptedRunException;
import dev.rlhf4j.core.MetricsLog;
import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.eval.Evaluation;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One complete PPO run on files: a starting checkpoint, a reward model and prompts in; metrics,
 * charts, checkpoints, samples, a per-token step-through and a summary out. Used by
 * {@code rlhf4j ppo}, the pipeline and the iterative loop.
 *
 * <p>Files in {@code out}: {@code metrics.csv} (one row per iteration, TRL's names; identical for
 * the same seed on a CPU), {@code timings.csv} (seconds per phase), {@code reward.png},
 * {@code kl.png}, {@code loss.png}, {@code clip.png}, {@code entropy.png},
 * {@code variance-explained.png}, {@code policy/} (the checkpoint, rewritten every
 * {@code saveEvery} iterations, so a diverged run keeps its last good one), {@code samples.csv}
 * (held-out prompts before and after), {@code step_through.txt} and {@code summary.json}.
 */
public final class PpoRun {

    /** How often the policy checkpoint is rewritten by default, in iterations. */
    public static final int DEFAULT_SAVE_EVERY = 10;

    private PpoRun() {}

    /** Called after every iteration (progress bars, live charts). */
    public interface Progress {
        void onStep(int iteration, int steps, Map<String, Double> metrics, Rollout rollout);
    }

    /**
     * What the run achieved.
     *
     * @param winRate the tuned policy against the initial one on held-out prompts, judged by the simulated human
     * @param rewardMeanStart env/reward_mean of the first iteration
     * @param rewardMeanEnd env/reward_mean averaged over the last 5 iterations
     * @param klMeanEnd objective/kl averaged over the last 5 iterations
     * @param trueRewardStart env/true_reward_mean of the first iteration
     * @param trueRewardEnd env/true_reward_mean averaged over the last 5 iterations
     * @param policy the folder of the final checkpoint
     */
    public record Result(Evaluation.WinRate winRate, double rewardMeanStart, double rewardMeanEnd, double klMeanEnd,
            double trueRewardStart, double trueRewardEnd, int iterations, double seconds, List<String> warnings,
            Path policy, List<Map<String, Double>> metrics) {}

    /**
     * Runs PPO from {@code initial} against {@code rewardModelDir} on {@code train} prompts and
     * evaluates on {@code heldOut} prompts.
     */
    public static Result run(Path initial, Path rewardModelDir, List<Prompt> train, List<Prompt> heldOut, PpoConfig config,
            int saveEvery, Path out, Progress progress) {
        return run(initial, initial, rewardModelDir, train, heldOut, config, saveEvery, out, progress);
    }

    /**
     * Runs PPO from {@code start} with the KL penalty (and the win rate) measured against
     * {@code reference} — in the iterative loop, each round starts from the last policy while the
     * reference stays the initial model.
     */
    public static Result run(Path startDir, Path referenceDir, Path rewardModelDir, List<Prompt> train, List<Prompt> heldOut,
            PpoConfig config, int saveEvery, Path out, Progress progress) {
        Path initial = referenceDir;
        Device device = Devices.resolve(config.device());
        ReviewPreference judge = ReviewPreference.defaults();
        Path policyDir = out.resolve("policy");
        long started = System.nanoTime();
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + out, e);
        }
        try (PolicyModel policy = PolicyModel.load(startDir, device, config.seed());
                LanguageModel reference = Checkpoint.load(initial, device);
                RewardModel rm = RewardModel.load(rewardModelDir, device);
                MetricsLog metrics = MetricsLog.toCsv(out.resolve("metrics.csv"));
                MetricsLog timings = MetricsLog.toCsv(out.resolve("timings.csv"))) {
            PpoTrainer trainer = new PpoTrainer(policy, reference, rm, train, config)
                    .withTrueReward(judge::utility);
            Rollout[] last = new Rollout[1];
            trainer.addListener((it, m, rollout) -> {
                Map<String, Double> values = new LinkedHashMap<>();
                Map<String, Double> times = new LinkedHashMap<>();
                times.put("iteration", (double) it);
                m.forEach((k, v) -> (k.startsWith("time/") ? times : values).put(k, v));
                metrics.log(values);
                timings.log(times);
                last[0] = rollout;
                if (saveEvery > 0 && it % saveEvery == 0) {
                    policy.save(policyDir, Map.of("kind", "ppo-policy", "iteration", it, "seed", config.seed()));
                }
                if (progress != null) {
                    progress.onStep(it, config.steps(), m, rollout);
                }
            });
            List<String> warnings = new ArrayList<>();
            try {
                for (int i = 0; i < config.steps(); i++) {
                    trainer.step();
                }
            } catch (Diagnostics.DivergedException e) {
                throw new Diagnostics.DivergedException(e.getMessage() + " The last good checkpoint is " + policyDir
                        + " (written every " + saveEvery + " iterations).");
            } catch (InterruptedRunException e) {
                throw interrupted(e, trainer.iteration(), config.steps(), saveEvery, policyDir);
            }
            warnings.addAll(trainer.warnings());
            policy.save(policyDir, Map.of("kind", "ppo-policy", "iteration", trainer.iteration(), "seed", config.seed()));
            PpoReport.writePngs(metrics, out);
            try (LanguageModel start = Checkpoint.load(initial, device)) {
                Evaluation.WinRate win = Evaluation.winRate(policy.lm(), start, heldOut, 4, SamplingConfig.defaults(), judge,
                        config.seed());
                writeSamples(start, policy.lm(), rm, heldOut, judge, config.seed(), out);
                AtomicFiles.writeString(out.resolve("step_through.txt"),
                        StepThrough.of(last[0], 0, policy, config.cliprange()).toString());
                List<Map<String, Double>> rows = metrics.rows();
                Result r = new Result(win, rows.get(0).get("env/reward_mean"), tail(rows, "env/reward_mean"),
                        tail(rows, "objective/kl"), rows.get(0).get("env/true_reward_mean"),
                        tail(rows, "env/true_reward_mean"), trainer.iteration(), (System.nanoTime() - started) / 1e9,
                        warnings, policyDir, rows);
                writeSummary(r, config, device, out);
                return r;
            }
        }
    }

    /**
     * The interruption {@code e} restated for the run: how many iterations were done and which checkpoint
     * holds the last saved policy, e.g. "interrupted after iteration 12 of 40 (...); the checkpoint of
     * iteration 10 is in runs/ppo/policy".
     */
    static InterruptedRunException interrupted(InterruptedRunException e, int done, int steps, int saveEvery,
            Path policyDir) {
        int saved = saveEvery > 0 ? done / saveEvery * saveEvery : 0;
        String where = saved > 0 ? "the checkpoint of iteration " + saved + " is in " + policyDir
                : "no checkpoint was written (" + (saveEvery > 0 ? "one is written every " + saveEvery + " iterations"
                        : "only the finished run writes one") + ")";
        return new InterruptedRunException("interrupted after iteration " + done + " of " + steps + " ("
                + e.getMessage() + "); " + where, e);
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

    private static void writeSamples(LanguageModel before, LanguageModel after, RewardModel rm, List<Prompt> prompts,
            ReviewPreference judge, long seed, Path out) {
        List<Prompt> few = prompts.subList(0, Math.min(12, prompts.size()));
        long draws = Seeds.child(seed, "before/after samples"); // the same draws for both models
        List<String> a = Evaluation.samples(before, few, 1, SamplingConfig.defaults(), draws);
        List<String> b = Evaluation.samples(after, few, 1, SamplingConfig.defaults(), draws);
        List<String> texts = few.stream().map(Prompt::text).toList();
        double[] ta = new double[few.size()];
        double[] tb = new double[few.size()];
        for (int i = 0; i < few.size(); i++) {
            ta[i] = judge.utility(few.get(i), a.get(i));
            tb[i] = judge.utility(few.get(i), b.get(i));
        }
        var table = Samples.table(texts, a, b, rm.normalizedScore(texts, a), rm.normalizedScore(texts, b), ta, tb);
        AtomicFiles.write(out.resolve("samples.csv"), o -> table.write().csv(o));
    }

    private static void writeSummary(Result r, PpoConfig config, Device device, Path out) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("win_rate_vs_initial", r.winRate().rate());
        s.put("win_rate_lower", r.winRate().lower());
        s.put("win_rate_upper", r.winRate().upper());
        s.put("win_rate_comparisons", r.winRate().comparisons());
        s.put("reward_mean_start", r.rewardMeanStart());
        s.put("reward_mean_end", r.rewardMeanEnd());
        s.put("kl_mean_end", r.klMeanEnd());
        s.put("true_reward_start", r.trueRewardStart());
        s.put("true_reward_end", r.trueRewardEnd());
        s.put("iterations", r.iterations());
        s.put("seconds", r.seconds());
        s.put("device", Devices.describe(device));
        s.put("kl_coef_init", config.initKlCoef());
        s.put("adaptive_kl", config.adapKlCtrl());
        s.put("seed", config.seed());
        s.put("warnings", r.warnings());
        AtomicFiles.writeString(out.resolve("summary.json"),
                new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(s) + "\n");
    }
}
