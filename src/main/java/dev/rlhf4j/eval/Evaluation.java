package dev.rlhf4j.eval;

import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.feedback.BradleyTerry;
import dev.rlhf4j.feedback.EloRating;
import dev.rlhf4j.feedback.Leaderboard;
import dev.rlhf4j.feedback.Match;
import dev.rlhf4j.feedback.Rater;
import dev.rlhf4j.feedback.SimulatedFeedback;
import dev.rlhf4j.model.Generation;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.Sampler;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.reward.RewardModel;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewPreference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Judging policies with the simulated human: head-to-head win rates on held-out prompts, with a
 * bootstrap interval. The judge is the noiseless preference ({@link ReviewPreference}), the "true"
 * taste the raters' noisy rankings and the reward model only approximate, so a win here is a real
 * improvement and not reward hacking.
 */
public final class Evaluation {

    private Evaluation() {}

    /**
     * A head-to-head result.
     *
     * @param rate wins + ½·ties over comparisons
     * @param lower 2.5% bootstrap quantile
     * @param upper 97.5% bootstrap quantile
     * @param comparisons number of (prompt, sample) pairs judged
     * @param wins comparisons the candidate won
     * @param ties comparisons judged equal
     * @param candidateUtility mean true utility of the candidate's samples
     * @param baselineUtility mean true utility of the baseline's samples
     */
    public record WinRate(double rate, double lower, double upper, int comparisons, int wins, int ties,
            double candidateUtility, double baselineUtility) {

        @Override
        public String toString() {
            return String.format("win rate %.3f [%.3f, %.3f] over %d comparisons (%d wins, %d ties); true preference %.3f vs %.3f",
                    rate, lower, upper, comparisons, wins, ties, candidateUtility, baselineUtility);
        }
    }

    /** Samples {@code perPrompt} completions of every prompt from {@code lm} (seeded). */
    public static List<String> samples(LanguageModel lm, List<Prompt> prompts, int perPrompt, SamplingConfig sampling,
            long seed) {
        List<int[]> rows = new ArrayList<>();
        for (Prompt p : prompts) {
            for (int j = 0; j < perPrompt; j++) {
                rows.add(lm.encodePrompt(p.text()));
            }
        }
        Generation g = Sampler.generate(lm, rows, sampling, Seeds.derive(seed, "evaluation"));
        return g.completionTexts(lm.tokenizer());
    }

    /**
     * How often {@code candidate}'s samples beat {@code baseline}'s on the same prompts: row i of
     * each (prompt i / perPrompt) is compared under {@code judge}.
     */
    public static WinRate winRate(LanguageModel candidate, LanguageModel baseline, List<Prompt> prompts, int perPrompt,
            SamplingConfig sampling, ReviewPreference judge, long seed) {
        List<String> a = samples(candidate, prompts, perPrompt, sampling, Seeds.child(seed, "candidate"));
        List<String> b = samples(baseline, prompts, perPrompt, sampling, Seeds.child(seed, "baseline"));
        return winRate(a, b, prompts, perPrompt, judge, seed);
    }

    /** The win rate of completions {@code a} over {@code b} (same layout: perPrompt rows per prompt). */
    public static WinRate winRate(List<String> a, List<String> b, List<Prompt> prompts, int perPrompt,
            ReviewPreference judge, long seed) {
        int n = a.size();
        double[] outcome = new double[n];
        int wins = 0;
        int ties = 0;
        double ua = 0;
        double ub = 0;
        for (int i = 0; i < n; i++) {
            Prompt p = prompts.get(i / perPrompt);
            double x = judge.utility(p, a.get(i));
            double y = judge.utility(p, b.get(i));
            ua += x / n;
            ub += y / n;
            outcome[i] = x > y ? 1 : x == y ? 0.5 : 0; // win 1, tie ½, loss 0
            wins += x > y ? 1 : 0;
            ties += x == y ? 1 : 0;
        }
        double rate = Arrays.stream(outcome).average().orElse(Double.NaN);
        double[] interval = bootstrap(outcome, 1000, Seeds.derive(seed, "win-rate-bootstrap"));
        return new WinRate(rate, interval[0], interval[1], n, wins, ties, ua, ub);
    }

    /**
     * Best-of-n, the baseline PPO should beat: sample {@code n} completions of every prompt from
     * {@code lm} and keep the one the reward model scores highest (Stiennon et al. 2020; TRL's
     * {@code best_of_n}). It spends n× the sampling to get there without any training.
     */
    public static List<String> bestOfN(LanguageModel lm, RewardModel rm, List<Prompt> prompts, int n,
            SamplingConfig sampling, long seed) {
        List<String> all = samples(lm, prompts, n, sampling, Seeds.derive(seed, "best-of-n").nextLong());
        double[] scores = rm.score(repeat(prompts, n), all);
        List<String> best = new ArrayList<>();
        for (int p = 0; p < prompts.size(); p++) {
            int arg = p * n;
            for (int j = p * n; j < (p + 1) * n; j++) {
                arg = scores[j] > scores[arg] ? j : arg;
            }
            best.add(all.get(arg));
        }
        return best;
    }

    private static List<String> repeat(List<Prompt> prompts, int n) {
        List<String> out = new ArrayList<>();
        for (Prompt p : prompts) {
            for (int j = 0; j < n; j++) {
                out.add(p.text());
            }
        }
        return out;
    }

    /**
     * An Arena-style leaderboard.
     *
     * @param matches every pairwise judgment
     * @param elo online Elo (K=4, Chatbot Arena's) with bootstrap intervals
     * @param bradleyTerry the Bradley–Terry fit with bootstrap intervals
     */
    public record Arena(List<Match> matches, Leaderboard elo, Leaderboard bradleyTerry) {}

    /**
     * Players (checkpoints, baselines) judged head to head by {@code rater} on the same prompts:
     * {@code samples.get(name).get(i)} answers {@code prompts.get(i)}.
     */
    public static Arena arena(Map<String, List<String>> samples, List<Prompt> prompts, Rater rater, int bootstrap, long seed) {
        List<Match> matches = SimulatedFeedback.arenaOfSamples(samples, prompts, rater);
        EloRating elo = EloRating.defaults().withK(4);
        Leaderboard e = Leaderboard.of("Elo (K=4)", elo.rate(matches).ratings(),
                elo.bootstrap(matches, bootstrap, Seeds.derive(seed, "arena-elo")), matches);
        BradleyTerry bt = BradleyTerry.defaults().withPrior(1e-3);
        Leaderboard b = Leaderboard.of("Bradley–Terry", bt.fit(matches).ratings(),
                bt.bootstrap(matches, bootstrap, Seeds.derive(seed, "arena-bt")), matches);
        return new Arena(matches, e, b);
    }

    /** Percentile bootstrap 95% interval of a mean. */
    static double[] bootstrap(double[] xs, int rounds, Random rng) {
        double[] means = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            double s = 0;
            for (int i = 0; i < xs.length; i++) {
                s += xs[rng.nextInt(xs.length)];
            }
            means[r] = s / xs.length;
        }
        Arrays.sort(means);
        return new double[] {means[(int) (0.025 * (rounds - 1))], means[(int) Math.ceil(0.975 * (rounds - 1))]};
    }
}
