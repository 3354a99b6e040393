package dev.rlhf4j.loop;

import ai.djl.Device;
import com.google.gson.GsonBuilder;
import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.core.Devices;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.core.RunSize;
import dev.rlhf4j.eval.EvaluationRun;
import dev.rlhf4j.feedback.FeedbackLog;
import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.feedback.FeedbackSummary;
import dev.rlhf4j.feedback.SimulatedFeedback;
import dev.rlhf4j.feedback.SimulatedRater;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.GptConfig;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.ppo.PpoConfig;
import dev.rlhf4j.ppo.PpoRun;
import dev.rlhf4j.pretrain.Corpus;
import dev.rlhf4j.pretrain.ModelCatalog;
import dev.rlhf4j.pretrain.ModelSelection;
import dev.rlhf4j.pretrain.PretrainConfig;
import dev.rlhf4j.pretrain.PretrainRun;
import dev.rlhf4j.reward.RewardConfig;
import dev.rlhf4j.reward.RewardRun;
import dev.rlhf4j.reward.RewardTrainer;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewWorld;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The RLHF pipeline, every stage into one folder (what {@code rlhf4j pipeline} runs):
 *
 * <ol>
 *   <li>a pretrained model: the bundled models compared and one chosen by a stated rule
 *       ({@link ModelSelection}, into {@code select/}) when the checkpoint is the bundled default;
 *       else the given checkpoint; else, when that folder holds none, one pretrained now
 *       ({@link PretrainRun}, into {@code pretrained/});</li>
 *   <li>feedback: the bundled rankings when the model is the one they ranked samples of; otherwise
 *       simulated raters rank the model's samples ({@link SimulatedFeedback}, into {@code feedback/});
 *       either way summarised with its charts into {@code feedback/} ({@link FeedbackSummary});</li>
 *   <li>a reward model trained on that feedback ({@link RewardRun}, into {@code reward/});</li>
 *   <li>PPO against it with the KL penalty to the model ({@link PpoRun}, into {@code ppo/});</li>
 *   <li>the tuned policy judged against the model and a best-of-n baseline by the simulated human
 *       ({@link EvaluationRun}, into {@code evaluate/}).</li>
 * </ol>
 *
 * <p>{@code pipeline.json} ({@link #SUMMARY}) records what the stages' own files do not: the run size,
 * the time, the model and feedback used and how the evaluation sampled.
 */
public final class Pipeline {

    private Pipeline() {}

    /** Completions per ranking task when simulated raters give the feedback. */
    static final int K = 4;
    /** Tasks ranked by the whole panel of simulated raters (the rest by the standard rater only). */
    static final int OVERLAP = 64;

    /**
     * What the pipeline runs on.
     *
     * @param checkpoint the pretrained model; {@link ModelCatalog#DEFAULT_MODEL} means "choose among the
     *     bundled models"; a folder without a checkpoint means "pretrain one"
     * @param data the review corpus ({@code prompts.csv}, {@code train.txt}, {@code valid.txt}, {@code tokenizer.json})
     * @param seed seeds the stages without a config of their own: the selection's samples, the simulated
     *     raters and a pretraining
     * @param device {@code auto}, {@code cpu} or {@code gpu}: every stage but PPO, which runs on {@code ppo.device()}
     * @param simulatedRankings ranking tasks for the simulated raters when the bundled feedback does not
     *     rank the model's samples
     * @param reward how the reward model trains
     * @param ppo how PPO runs
     * @param evaluation how the tuned policy is judged
     */
    public record Settings(Path checkpoint, Path data, long seed, String device, int simulatedRankings, RewardConfig reward,
            PpoConfig ppo, EvaluationRun.Settings evaluation) {

        /** Checks that every component is given and the count is positive. */
        public Settings {
            Objects.requireNonNull(checkpoint, "Pipeline.Settings.checkpoint");
            Objects.requireNonNull(data, "Pipeline.Settings.data");
            Objects.requireNonNull(device, "Pipeline.Settings.device");
            Objects.requireNonNull(reward, "Pipeline.Settings.reward");
            Objects.requireNonNull(ppo, "Pipeline.Settings.ppo");
            Objects.requireNonNull(evaluation, "Pipeline.Settings.evaluation");
            if (simulatedRankings < 1) {
                throw new IllegalArgumentException("Pipeline.Settings.simulatedRankings: expected >= 1, found " + simulatedRankings);
            }
        }

        /**
         * Every stage's defaults with one seed and one device: 1024 simulated rankings (256 in quick
         * mode), the pairwise (Bradley–Terry) reward model, PPO with the adaptive KL controller, 4 samples
         * per held-out prompt and best-of-4.
         */
        public static Settings defaults(Path checkpoint, Path data, long seed, String device) {
            return new Settings(checkpoint, data, seed, device, RunSize.pick(1024, 256),
                    RewardConfig.defaults(RewardConfig.Objective.BT).toBuilder().seed(seed).build(),
                    PpoConfig.defaults().toBuilder().seed(seed).device(device).build(), EvaluationRun.Settings.defaults(seed));
        }
    }

    /**
     * What the pipeline produced.
     *
     * @param model the pretrained model every later stage started from
     * @param selection stage 1's comparison of the bundled models; null when a checkpoint was given
     * @param feedback the feedback log the reward model learned from
     * @param reward the reward model's training ({@code reward/})
     * @param ppo the PPO run ({@code ppo/}, the tuned policy in {@code ppo/policy})
     * @param evaluation the tuned policy judged ({@code evaluate/})
     * @param seconds wall time of the whole pipeline
     */
    public record Result(Path model, ModelSelection.Report selection, Path feedback, RewardTrainer.Result reward,
            PpoRun.Result ppo, EvaluationRun.Result evaluation, double seconds) {}

    /** What the pipeline reports while it runs (headings, progress bars); every method does nothing by default. */
    public interface Listener {
        /** A stage begins (or makes its choice), in words. */
        default void stage(String what) {}

        /** A pretraining step is done. */
        default void pretrainStep(int step, int maxSteps, Map<String, Double> metrics) {}

        /** {@code done} of {@code total} ranking tasks are sampled for the simulated raters. */
        default void rankingsSampled(int done, int total) {}

        /** A reward-model epoch is done. */
        default void rewardEpoch(RewardTrainer.Epoch epoch, int epochs) {}

        /** A PPO iteration is done. */
        default void ppoStep(int iteration, int steps, Map<String, Double> metrics) {}
    }

    /** Runs every stage into {@code out}; {@code listener} (null: none) hears how it goes. */
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

        ModelSelection.Report selection = null;
        Path model;
        Path bundled = Home.resolve(ModelCatalog.BUNDLED_DIR);
        if (isDefaultModel(s.checkpoint()) && Files.isDirectory(bundled) && !ModelCatalog.bundled().isEmpty()) {
            l.stage("stage 1: select a pretrained model");
            selection = ModelSelection.evaluate(ModelCatalog.bundled(), s.data(), ModelSelection.probePrompts(prompts),
                    ModelSelection.DEFAULT_MIN_TOKENS_PER_SECOND, s.seed(), device);
            selection.write(out.resolve("select"));
            model = selection.choice() == null ? Home.resolve(ModelCatalog.DEFAULT_MODEL) : bundled.resolve(selection.choice());
            l.stage("using " + model);
        } else if (Files.exists(s.checkpoint().resolve(Checkpoint.MANIFEST))) {
            model = s.checkpoint();
            l.stage("stage 1: pretrained model " + model);
        } else {
            model = out.resolve("pretrained");
            l.stage("stage 1: no pretrained model at " + s.checkpoint() + "; pretraining one into " + model);
            pretrain(s, device, model, l);
        }

        Path feedback = Home.resolve(FeedbackLog.BUNDLED);
        if (Files.exists(feedback) && isDefaultModel(model)) {
            l.stage("stage 2: the bundled feedback (" + feedback + "), rankings of this model's samples");
        } else {
            l.stage("stage 2: simulated raters rank samples of " + model);
            feedback = simulateFeedback(model, train, s, device, out.resolve("feedback"), l);
        }

        FeedbackLog.Loaded log = FeedbackLog.read(feedback);
        FeedbackSummary.write(log.records(), prompts, feedback.resolveSibling(FeedbackSummary.MODELS_CSV),
                s.evaluation().bootstrap(), s.seed(), out.resolve("feedback"));

        l.stage("stage 3: reward model");
        Path rewardDir = out.resolve("reward");
        RewardTrainer.Result reward = RewardRun.train(log, model, prompts, s.reward(), device, rewardDir, l::rewardEpoch);

        l.stage("stage 4: PPO against the reward model");
        PpoRun.Result ppo = PpoRun.run(model, rewardDir, train, heldOut, s.ppo(), PpoRun.DEFAULT_SAVE_EVERY,
                out.resolve("ppo"), (it, n, m, rollout) -> l.ppoStep(it, n, m));

        l.stage("evaluation: the tuned policy against the initial model and a best-of-" + s.evaluation().bestOf()
                + " baseline");
        EvaluationRun.Result evaluation = EvaluationRun.run(model, ppo.policy(), Map.of(), rewardDir, heldOut,
                s.evaluation(), device, out.resolve("evaluate"));
        Result result = new Result(model, selection, feedback, reward, ppo, evaluation, (System.nanoTime() - started) / 1e9);
        writeSummary(s, result, heldOut.size(), out);
        return result;
    }

    /** File of the run's own summary in the pipeline's folder (what the report needs besides the stages' files). */
    public static final String SUMMARY = "pipeline.json";

    /**
     * Writes {@code pipeline.json}: the run size, seconds, seed, the model and feedback used (names
     * relative to the rlhf4j home or the output folder, never machine paths), how the model was chosen,
     * and how the evaluation sampled (held-out prompts, samples per prompt, best-of-n).
     */
    static void writeSummary(Settings s, Result r, int heldOutPrompts, Path out) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", RunSize.label());
        m.put("seconds", r.seconds());
        m.put("seed", s.seed());
        m.put("model", r.model().getFileName().toString());
        m.put("model_choice", r.selection() != null ? r.selection().reason()
                + (r.selection().choice() == null ? "; so the default, " + r.model().getFileName() + ", was used" : "")
                : r.model().startsWith(out) ? "no pretrained model was given: one was pretrained with the default recipe"
                : "the given checkpoint");
        m.put("feedback", r.feedback().startsWith(out) ? "simulated raters ranked samples of " + r.model().getFileName()
                : "the bundled rankings of samples of " + r.model().getFileName());
        m.put("feedback_log", displayPath(r.feedback(), out));
        m.put("held_out_prompts", heldOutPrompts);
        m.put("samples_per_prompt", s.evaluation().samplesPerPrompt());
        m.put("best_of", s.evaluation().bestOf());
        AtomicFiles.writeString(out.resolve(SUMMARY), new GsonBuilder().setPrettyPrinting().create().toJson(m) + "\n");
    }

    /** {@code file} relative to the output folder or to the rlhf4j home; else its file name. */
    static String displayPath(Path file, Path out) {
        Path f = file.toAbsolutePath().normalize();
        for (Path base : List.of(out.toAbsolutePath().normalize(), Home.resolve(".").toAbsolutePath().normalize())) {
            if (f.startsWith(base)) {
                return base.relativize(f).toString().replace('\\', '/');
            }
        }
        return f.getFileName().toString();
    }

    /** Whether {@code dir} is the bundled default model (the one the bundled feedback ranked samples of). */
    static boolean isDefaultModel(Path dir) {
        return dir.toAbsolutePath().normalize().equals(Home.resolve(ModelCatalog.DEFAULT_MODEL).toAbsolutePath().normalize());
    }

    /** Stage 1 without a model: pretrains the small GPT with the default recipe into {@code into}. */
    private static void pretrain(Settings s, Device device, Path into, Listener l) {
        PretrainConfig config = PretrainConfig.defaults().toBuilder().seed(s.seed()).build();
        try (LanguageModel lm = PretrainRun.fresh(s.data(), GptConfig::small, device, s.seed())) {
            PretrainRun.run(lm, Corpus.load(s.data(), lm.tokenizer()), config, 0, Map.of(), into, l::pretrainStep);
        }
    }

    /** Stage 2 without the bundled feedback: the simulated panel ranks the model's samples; returns the log. */
    private static Path simulateFeedback(Path model, List<Prompt> train, Settings s, Device device, Path into, Listener l) {
        int n = s.simulatedRankings();
        List<FeedbackRecord> records;
        try (LanguageModel lm = Checkpoint.load(model, device)) {
            records = SimulatedFeedback.rankSamples(lm, model.getFileName().toString(), train, n, K,
                    SimulatedRater.panel(s.seed()), OVERLAP, Clock.systemUTC(), s.seed(), done -> l.rankingsSampled(done, n));
        }
        return FeedbackLog.writeFolder(records, into);
    }
}
