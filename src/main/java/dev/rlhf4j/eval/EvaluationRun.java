package dev.rlhf4j.eval;

import ai.djl.Device;
import com.google.gson.GsonBuilder;
import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.feedback.FeedbackCharts;
import dev.rlhf4j.feedback.Matches;
import dev.rlhf4j.feedback.SimulatedRater;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.reward.RewardModel;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewPreference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;

/**
 * One complete evaluation on files, as {@code rlhf4j evaluate} and the pipeline run it: the initial
 * model, the tuned policy and any other checkpoints sample every held-out prompt; the simulated
 * human judges the policy against the initial model ({@link Evaluation#winRate}) and every player in
 * an Arena ({@link Evaluation#arena}). With a reward model, a best-of-n baseline
 * ({@link Evaluation#bestOfN}) joins the Arena.
 *
 * <p>Files in {@code out}: {@code win_rate.json}, {@code arena.csv} (every match),
 * {@code leaderboard_elo.csv}, {@code leaderboard_bt.csv} and {@code leaderboard.png}.
 */
public final class EvaluationRun {

    private EvaluationRun() {}

    /**
     * How the players are judged.
     *
     * @param samplesPerPrompt samples of every held-out prompt per player
     * @param bestOf n of the best-of-n baseline
     * @param bootstrap bootstrap rounds of the leaderboards' intervals
     * @param seed seeds the sampling, the Arena's rater and the bootstraps
     */
    public record Settings(int samplesPerPrompt, int bestOf, int bootstrap, long seed) {

        /** Validates every component. */
        public Settings {
            check(samplesPerPrompt >= 1, "samplesPerPrompt", samplesPerPrompt);
            check(bestOf >= 1, "bestOf", bestOf);
            check(bootstrap >= 1, "bootstrap", bootstrap);
        }

        private static void check(boolean ok, String field, int value) {
            if (!ok) {
                throw new IllegalArgumentException("EvaluationRun.Settings." + field + ": expected >= 1, found " + value);
            }
        }

        /** 4 samples of every prompt, best-of-4, 100 bootstrap rounds. */
        public static Settings defaults(long seed) {
            return new Settings(4, 4, 100, seed);
        }
    }

    /**
     * What the evaluation found.
     *
     * @param winRate the policy against the initial model, judged by the simulated human
     * @param arena every player's matches and leaderboards
     */
    public record Result(Evaluation.WinRate winRate, Evaluation.Arena arena) {}

    /**
     * Judges {@code policy} against {@code initial} on the held-out prompts and ranks them with the
     * {@code others} (name → checkpoint) in an Arena; writes the files into {@code out}.
     *
     * @param rewardModel a reward model folder: adds the player {@code best-of-N} sampled from
     *     {@code initial}; null: no best-of-n player
     */
    public static Result run(Path initial, Path policy, Map<String, Path> others, Path rewardModel, List<Prompt> heldOut,
            Settings s, Device device, Path out) {
        int perPrompt = s.samplesPerPrompt();
        List<Prompt> rows = new ArrayList<>();
        for (Prompt p : heldOut) {
            for (int j = 0; j < perPrompt; j++) {
                rows.add(p);
            }
        }
        Map<String, Path> players = new LinkedHashMap<>();
        players.put("initial", initial);
        players.put("policy", policy);
        players.putAll(others);
        Map<String, List<String>> samples = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : players.entrySet()) {
            try (LanguageModel lm = Checkpoint.load(e.getValue(), device)) {
                samples.put(e.getKey(), Evaluation.samples(lm, heldOut, perPrompt, SamplingConfig.defaults(), s.seed()));
            }
        }
        if (rewardModel != null) {
            try (LanguageModel lm = Checkpoint.load(initial, device); RewardModel rm = RewardModel.load(rewardModel, device)) {
                samples.put("best-of-" + s.bestOf(), Evaluation.bestOfN(lm, rm, rows, s.bestOf(), SamplingConfig.defaults(),
                        s.seed()));
            }
        }
        Evaluation.WinRate win = Evaluation.winRate(samples.get("policy"), samples.get("initial"), heldOut, perPrompt,
                ReviewPreference.defaults(), s.seed());
        AtomicFiles.writeString(out.resolve("win_rate.json"), new GsonBuilder().setPrettyPrinting().create().toJson(win) + "\n");
        Evaluation.Arena arena = Evaluation.arena(samples, rows, SimulatedRater.standard(s.seed()), s.bootstrap(), s.seed());
        Matches.write(out.resolve("arena.csv"), arena.matches());
        arena.elo().write(out.resolve("leaderboard_elo.csv"));
        arena.bradleyTerry().write(out.resolve("leaderboard_bt.csv"));
        AtomicFiles.write(out.resolve("leaderboard.png"), o -> BitmapEncoder.saveBitmap(
                FeedbackCharts.leaderboard(arena.bradleyTerry()), o, BitmapEncoder.BitmapFormat.PNG));
        return new Result(win, arena);
    }
}
