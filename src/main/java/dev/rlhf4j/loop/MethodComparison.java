package dev.rlhf4j.loop;

import ai.djl.Device;
import dev.rlhf4j.core.Devices;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.core.Interrupts;
import dev.rlhf4j.core.PeakMemory;
import dev.rlhf4j.dpo.DpoConfig;
import dev.rlhf4j.dpo.DpoRun;
import dev.rlhf4j.eval.Evaluation;
import dev.rlhf4j.eval.PolicyKl;
import dev.rlhf4j.feedback.FeedbackLog;
import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.grpo.GrpoConfig;
import dev.rlhf4j.grpo.GrpoRun;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.ppo.PpoConfig;
import dev.rlhf4j.ppo.PpoRun;
import dev.rlhf4j.pretrain.ModelCatalog;
import dev.rlhf4j.pretrain.SampleProbes;
import dev.rlhf4j.reward.RewardConfig;
import dev.rlhf4j.reward.RewardData;
import dev.rlhf4j.reward.RewardRun;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewPreference;
import dev.rlhf4j.world.ReviewWorld;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * PPO, DPO and GRPO side by side: from the same initial model and the same feedback log, one reward
 * model ({@link RewardRun}) shared by PPO ({@link PpoRun}) and GRPO ({@link GrpoRun}), and DPO
 * ({@link DpoRun}) on the log's pairs directly; then every tuned policy judged the same way on the
 * held-out prompts (what {@code rlhf4j compare} runs). DPO learns from the same rankings as the reward
 * model: both leave out the reward model's validation prompts ({@link RewardData#validPrompts}), so
 * the reward model's accuracy and DPO's implicit reward can be compared on pairs neither has seen.
 *
 * <p>Judging: each model (the initial one too) samples {@code samplesPerPrompt} completions of every
 * held-out prompt with the <em>same</em> sampling seed, so every pair of methods is compared on the same
 * prompts and the same random draws. From those samples:
 * <ul>
 *   <li>win rate of a method over the initial model and over each other method under the simulated
 *       human, wins + ½·ties over comparisons with a bootstrap 95% interval ({@link Evaluation#winRate(List,
 *       List, List, int, ReviewPreference, long)}); ties counted as half make w(a,b) + w(b,a) = 1;</li>
 *   <li>true preference: the mean {@link ReviewPreference} utility of the method's samples;</li>
 *   <li>diversity: distinct-1 and distinct-2 (distinct n-grams ÷ all n-grams over every completion, Li et
 *       al. 2016), as {@link SampleProbes} computes them;</li>
 *   <li>KL(π ‖ π_initial) in nats per completion ({@link PolicyKl}, on fresh samples of the same prompts).</li>
 * </ul>
 * Cost: wall time of each method's run call (training plus the run's own evaluation and files), and its
 * peak memory ({@link PeakMemory}: the Java heap pools' peaks and the process RSS high-water mark, both
 * reset before the method). The reward model's training is timed separately, since PPO and GRPO share it.
 *
 * <p>Files in {@code out}: {@code reward/}, {@code ppo/}, {@code dpo/}, {@code grpo/} (each run's own
 * outputs), {@code samples.csv}, {@code comparison.csv}, {@code summary.json}, {@code true-preference.png}
 * and {@code frontier.png} ({@link ComparisonReport}).
 */
public final class MethodComparison {

    /** The methods, in the order they run and are reported. */
    public static final List<String> METHODS = List.of("ppo", "dpo", "grpo");

    private MethodComparison() {}

    /**
     * What the comparison runs on.
     *
     * @param checkpoint the initial model of every method (and the reward model's backbone)
     * @param data the review corpus ({@code prompts.csv}): train prompts for PPO/GRPO, held-out ones for judging
     * @param feedback the feedback log: the reward model's data and DPO's pairs
     * @param seed seeds the judging samples and the bootstrap intervals
     * @param device {@code auto}, {@code cpu} or {@code gpu}, for the reward model and the judging
     * @param samplesPerPrompt completions per held-out prompt and model for the judging
     * @param reward how the shared reward model trains
     * @param ppo how PPO runs
     * @param dpo how DPO runs
     * @param grpo how GRPO runs
     */
    public record Settings(Path checkpoint, Path data, Path feedback, long seed, String device, int samplesPerPrompt,
            RewardConfig reward, PpoConfig ppo, DpoConfig dpo, GrpoConfig grpo) {

        /** Checks that every component is given and the count is positive. */
        public Settings {
            Objects.requireNonNull(checkpoint, "MethodComparison.Settings.checkpoint");
            Objects.requireNonNull(data, "MethodComparison.Settings.data");
            Objects.requireNonNull(feedback, "MethodComparison.Settings.feedback");
            Objects.requireNonNull(device, "MethodComparison.Settings.device");
            Objects.requireNonNull(reward, "MethodComparison.Settings.reward");
            Objects.requireNonNull(ppo, "MethodComparison.Settings.ppo");
            Objects.requireNonNull(dpo, "MethodComparison.Settings.dpo");
            Objects.requireNonNull(grpo, "MethodComparison.Settings.grpo");
            if (samplesPerPrompt < 1) {
                throw new IllegalArgumentException("MethodComparison.Settings.samplesPerPrompt: expected >= 1, found "
                        + samplesPerPrompt);
            }
        }

        /**
         * The bundled default model and feedback, each method's defaults (quick mode shrinks them) with one
         * seed and one device, the pairwise reward model, 4 samples per held-out prompt.
         */
        public static Settings defaults(long seed, String device) {
            return new Settings(Home.resolve(ModelCatalog.DEFAULT_MODEL), Home.resolve("datasets/reviews"),
                    Home.resolve(FeedbackLog.BUNDLED), seed, device, 4,
                    RewardConfig.defaults(RewardConfig.Objective.BT).toBuilder().seed(seed).build(),
                    PpoConfig.defaults().toBuilder().seed(seed).device(device).build(),
                    DpoConfig.defaults().toBuilder().seed(seed).device(device).build(),
                    GrpoConfig.defaults().toBuilder().seed(seed).device(device).build());
        }
    }

    /**
     * One method's results.
     *
     * @param name {@code ppo}, {@code dpo} or {@code grpo}
     * @param vsInitial win rate over the initial model on the held-out samples
     * @param truePreference mean true utility of its held-out samples
     * @param klToInitial KL(π ‖ π_initial), nats per completion
     * @param distinct1 distinct unigrams ÷ unigrams of its held-out completions
     * @param distinct2 distinct bigrams ÷ bigrams
     * @param seconds wall time of its run call
     * @param peakHeapBytes Σ of the heap pools' peaks during its run call
     * @param peakRssBytes the process's RSS high-water mark during its run call, -1 where unmeasured
     * @param dir its run's folder
     * @param metrics its run's metric rows ({@code metrics.csv})
     */
    public record Method(String name, Evaluation.WinRate vsInitial, double truePreference, double klToInitial,
            double distinct1, double distinct2, double seconds, long peakHeapBytes, long peakRssBytes, Path dir,
            List<Map<String, Double>> metrics) {}

    /**
     * What the comparison found.
     *
     * @param methods PPO, DPO and GRPO in that order
     * @param pairwise {@code pairwise.get(a).get(b)}: the win rate of method a over method b (a ≠ b)
     * @param initialTruePreference mean true utility of the initial model's held-out samples
     * @param initialDistinct1 distinct-1 of the initial model's held-out completions
     * @param initialDistinct2 distinct-2 of them
     * @param rewardSeconds wall time of the shared reward model's training
     * @param samplesPerPrompt completions per held-out prompt and model
     * @param seconds wall time of the whole comparison
     */
    public record Result(List<Method> methods, Map<String, Map<String, Evaluation.WinRate>> pairwise,
            double initialTruePreference, double initialDistinct1, double initialDistinct2, double rewardSeconds,
            int samplesPerPrompt, long seed, double seconds) {

        /** The method called {@code name}. */
        public Method method(String name) {
            return methods.stream().filter(m -> m.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("method: expected one of " + METHODS + ", found " + name));
        }
    }

    /**
     * One training step (iteration) of one method, as the {@link Listener} hears it: the row type of the
     * comparison's live charts ({@link ComparisonReport#dashboard()}).
     *
     * @param method {@code ppo}, {@code dpo} or {@code grpo}
     * @param step 1-based
     * @param steps the method's steps in all
     * @param metrics the step's metric row (each method's own names, TRL's)
     */
    public record Step(String method, int step, int steps, Map<String, Double> metrics) {

        /** step ÷ steps. */
        public double done() {
            return (double) step / steps;
        }
    }

    /** What the comparison reports while it runs; every method does nothing by default. */
    public interface Listener {
        /** A stage begins, in words. */
        default void stage(String what) {}

        /** A training step (iteration) of {@code method} is done. */
        default void step(String method, int step, int steps, Map<String, Double> metrics) {}
    }

    /** Runs the three methods and the judging into {@code out}; {@code listener} (null: none) hears how it goes. */
    public static Result run(Settings s, Path out, Listener listener) {
        Listener l = listener != null ? listener : new Listener() {};
        long started = System.nanoTime();
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + out, e);
        }
        Device device = Devices.resolve(s.device());
        List<Prompt> prompts = ReviewWorld.readPrompts(s.data().resolve("prompts.csv"));
        List<Prompt> train = prompts.stream().filter(p -> !p.heldOut()).toList();
        List<Prompt> heldOut = prompts.stream().filter(Prompt::heldOut).toList();
        FeedbackLog.Loaded feedback = FeedbackLog.read(s.feedback());
        List<FeedbackRecord> dpoFeedback = dpoRecords(feedback.records(), s.reward());

        l.stage("reward model on " + s.feedback().getFileName() + " (shared by PPO and GRPO)");
        Path rewardDir = out.resolve("reward");
        long t0 = System.nanoTime();
        RewardRun.train(feedback, s.checkpoint(), prompts, s.reward(), device, rewardDir, null);
        double rewardSeconds = (System.nanoTime() - t0) / 1e9;

        Map<String, Path> dirs = new LinkedHashMap<>();
        Map<String, double[]> cost = new LinkedHashMap<>(); // seconds, heap bytes, rss bytes
        Map<String, List<Map<String, Double>>> metrics = new LinkedHashMap<>();
        for (String name : METHODS) {
            Interrupts.check("before " + name + " in the method comparison");
            l.stage(name);
            Path dir = out.resolve(name);
            PeakMemory.Window window = PeakMemory.start();
            long t = System.nanoTime();
            metrics.put(name, switch (name) {
                case "ppo" -> PpoRun.run(s.checkpoint(), rewardDir, train, heldOut, s.ppo(), 0, dir,
                        (it, n, m, rollout) -> l.step(name, it, n, m)).metrics();
                case "dpo" -> DpoRun.run(s.checkpoint(), dpoFeedback, heldOut, s.dpo(), dir,
                        (step, n, m) -> l.step(name, step, n, m)).metrics();
                default -> GrpoRun.run(s.checkpoint(), rewardDir, train, heldOut, s.grpo(), dir,
                        (it, n, m) -> l.step(name, it, n, m)).metrics();
            });
            cost.put(name, new double[] {(System.nanoTime() - t) / 1e9, window.peakHeapBytes(), window.peakRssBytes()});
            dirs.put(name, dir.resolve("policy"));
        }

        l.stage("judging every policy on " + heldOut.size() + " held-out prompts");
        Result r = judge(s, heldOut, dirs, cost, metrics, device, rewardSeconds, out, started);
        ComparisonReport.write(r, out);
        return r;
    }

    /**
     * The rankings DPO learns from: those the reward model trains on, i.e. all but the ones of its
     * validation prompts ({@link RewardData#validPrompts} with the reward config's fraction and seed).
     */
    static List<FeedbackRecord> dpoRecords(List<FeedbackRecord> records, RewardConfig reward) {
        Set<String> validPrompts = RewardData.validPrompts(records, reward.validFraction(), reward.seed());
        return records.stream().filter(r -> !validPrompts.contains(r.promptId())).toList();
    }

    /** Samples every model on the held-out prompts with one seed, writes {@code samples.csv} and judges. */
    private static Result judge(Settings s, List<Prompt> heldOut, Map<String, Path> policies,
            Map<String, double[]> cost, Map<String, List<Map<String, Double>>> metrics, Device device,
            double rewardSeconds, Path out, long started) {
        int k = s.samplesPerPrompt();
        SamplingConfig sampling = SamplingConfig.defaults();
        ReviewPreference judge = ReviewPreference.defaults();
        Map<String, List<String>> samples = new LinkedHashMap<>();
        Map<String, Double> kl = new LinkedHashMap<>();
        try (LanguageModel initial = Checkpoint.load(s.checkpoint(), device)) {
            samples.put("initial", Evaluation.samples(initial, heldOut, k, sampling, s.seed()));
            for (Map.Entry<String, Path> e : policies.entrySet()) {
                try (LanguageModel policy = Checkpoint.load(e.getValue(), device)) {
                    samples.put(e.getKey(), Evaluation.samples(policy, heldOut, k, sampling, s.seed())); // same draws
                    kl.put(e.getKey(), PolicyKl.estimate(policy, initial, heldOut, k, sampling, s.seed()));
                }
            }
        }
        List<Prompt> rows = repeat(heldOut, k);
        ComparisonReport.writeSamples(rows, samples, out.resolve("samples.csv"));
        Map<String, Map<String, Evaluation.WinRate>> pairwise = new LinkedHashMap<>();
        List<Method> methods = new ArrayList<>();
        for (String a : METHODS) {
            Map<String, Evaluation.WinRate> row = new LinkedHashMap<>();
            for (String b : METHODS) {
                if (!a.equals(b)) {
                    row.put(b, Evaluation.winRate(samples.get(a), samples.get(b), heldOut, k, judge, s.seed()));
                }
            }
            pairwise.put(a, Collections.unmodifiableMap(row));
            SampleProbes probes = probes(rows, samples.get(a));
            double[] c = cost.get(a);
            methods.add(new Method(a, Evaluation.winRate(samples.get(a), samples.get("initial"), heldOut, k, judge, s.seed()),
                    truePreference(rows, samples.get(a), judge), kl.get(a), probes.distinct1(), probes.distinct2(), c[0],
                    (long) c[1], (long) c[2], policies.get(a).getParent(), metrics.get(a)));
        }
        SampleProbes initial = probes(rows, samples.get("initial"));
        return new Result(List.copyOf(methods), Collections.unmodifiableMap(pairwise),
                truePreference(rows, samples.get("initial"), judge), initial.distinct1(), initial.distinct2(), rewardSeconds,
                k, s.seed(), (System.nanoTime() - started) / 1e9);
    }

    /** Mean true utility of {@code completions.get(i)} as an answer to {@code rows.get(i)}. */
    static double truePreference(List<Prompt> rows, List<String> completions, ReviewPreference judge) {
        double sum = 0;
        for (int i = 0; i < rows.size(); i++) {
            sum += judge.utility(rows.get(i), completions.get(i));
        }
        return sum / rows.size();
    }

    /** Distinct-n (and the other probes, unused here but for distinct-1/2) of completions answering {@code rows}. */
    private static SampleProbes probes(List<Prompt> rows, List<String> completions) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            texts.add(rows.get(i).text() + " " + completions.get(i));
        }
        return SampleProbes.of(rows, texts, new boolean[rows.size()], completions);
    }

    /** Each prompt {@code k} times in a row: the layout of {@link Evaluation#samples}. */
    static List<Prompt> repeat(List<Prompt> prompts, int k) {
        List<Prompt> rows = new ArrayList<>();
        for (Prompt p : prompts) {
            for (int j = 0; j < k; j++) {
                rows.add(p);
            }
        }
        return rows;
    }
}
