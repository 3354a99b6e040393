package dev.rlhf4j.feedback;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Online Elo ratings (Elo 1978, <i>The Rating of Chessplayers</i>) with Chatbot Arena's conventions
 * ({@code compute_elo} in FastChat's {@code elo_analysis.py}; Zheng et al. 2023). Every player starts
 * at {@code initial}; the matches are applied one by one in list order; A's expected score against B
 * is
 * <pre>  E_A = 1 / (1 + base^((R_B − R_A)/scale))</pre>
 * and after a match where A scored S_A (1 win, 0 loss, 0.5 tie)
 * <pre>  R_A' = R_A + K·(S_A − E_A)      R_B' = R_B + K·((1 − S_A) − (1 − E_A))</pre>
 * so the sum of the ratings never changes. A rating difference of {@code scale} (400) means the
 * stronger player is expected to score base:1 (10:1), i.e. about 0.909.
 *
 * <p>Online Elo depends on the order of the matches: {@link #orderSensitivity} measures how much,
 * {@link #bootstrap} gives Arena's resampled 95% intervals, and {@link BradleyTerry} is the
 * order-free maximum-likelihood fit that Arena switched to in December 2023.
 *
 * @param k the K-factor, the largest change one match can make. Arena uses K = 4 over hundreds of
 *     thousands of battles; we default to 32 (the chess value) because a prompt's K completions
 *     play only C(K,2) matches, and with K = 4 ratings would barely leave 1000
 * @param initial every player's rating before its first match (1000)
 * @param scale the rating difference for odds of base:1 (400)
 * @param base the odds at a difference of {@code scale} (10)
 */
public record EloRating(double k, double initial, double scale, double base) {

    /** Checks that every component is finite, K and scale positive and base above 1. */
    public EloRating {
        if (!(k > 0) || !Double.isFinite(k)) {
            throw new IllegalArgumentException("Elo k: expected a positive number, found " + k);
        }
        if (!Double.isFinite(initial)) {
            throw new IllegalArgumentException("Elo initial: expected a finite rating, found " + initial);
        }
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("Elo scale: expected a positive number, found " + scale);
        }
        if (!(base > 1) || !Double.isFinite(base)) {
            throw new IllegalArgumentException("Elo base: expected a number above 1, found " + base);
        }
    }

    /** K = 32, initial 1000, scale 400, base 10. */
    public static EloRating defaults() {
        return new EloRating(32, 1000, 400, 10);
    }

    /** This config with another K-factor. */
    public EloRating withK(double k) {
        return new EloRating(k, initial, scale, base);
    }

    /** This config with another initial rating. */
    public EloRating withInitial(double initial) {
        return new EloRating(k, initial, scale, base);
    }

    /** This config with another scale. */
    public EloRating withScale(double scale) {
        return new EloRating(k, initial, scale, base);
    }

    /** This config with another base. */
    public EloRating withBase(double base) {
        return new EloRating(k, initial, scale, base);
    }

    /**
     * A's expected score against B: E_A = 1 / (1 + base^((R_B − R_A)/scale)) (Elo 1978; Arena's
     * {@code ea}). With base 10 and scale 400, 1200 against 1000 expects 1/(1 + 10^−0.5) = 0.7597.
     */
    public static double expected(double ra, double rb, double scale, double base) {
        return 1 / (1 + Math.pow(base, (rb - ra) / scale)); // E_A = 1/(1 + base^((R_B − R_A)/scale))
    }

    /** A's expected score against B under this config's scale and base. */
    public double expected(double ra, double rb) {
        return expected(ra, rb, scale, base);
    }

    /**
     * The ratings after one match: {R_A + K·(S_A − E_A), R_B + K·((1 − S_A) − (1 − E_A))}.
     *
     * @param scoreA A's score: 1, 0 or 0.5
     */
    public double[] update(double ra, double rb, double scoreA) {
        double ea = expected(ra, rb); // E_A = 1/(1 + base^((R_B − R_A)/scale))
        return new double[] {
            ra + k * (scoreA - ea), // R_A' = R_A + K·(S_A − E_A)
            rb + k * ((1 - scoreA) - (1 - ea)) // R_B' = R_B + K·((1 − S_A) − (1 − E_A))
        };
    }

    /**
     * The result of rating a list of matches.
     *
     * @param ratings final ratings, best first
     * @param tallies each player's matches, wins, losses and ties, in the order of {@code ratings}
     * @param trajectories each player's rating after every match of the list (length = number of
     *     matches; {@code initial} before its first match, carried forward when it does not play)
     */
    public record Ratings(Map<String, Double> ratings, Map<String, Matches.Tally> tallies,
            Map<String, double[]> trajectories) {

        /** Copies the maps, keeping their order. */
        public Ratings {
            ratings = Collections.unmodifiableMap(new LinkedHashMap<>(ratings));
            tallies = Collections.unmodifiableMap(new LinkedHashMap<>(tallies));
            trajectories = Collections.unmodifiableMap(new LinkedHashMap<>(trajectories));
        }

        /** A player's final rating, or throws naming the known players. */
        public double rating(String player) {
            Double r = ratings.get(player);
            if (r == null) {
                throw new IllegalArgumentException("no rating for player '" + player + "'; players: " + ratings.keySet());
            }
            return r;
        }

        /** The players, best first. */
        public List<String> players() {
            return List.copyOf(ratings.keySet());
        }

        /** Number of matches rated. */
        public int matches() {
            return trajectories.isEmpty() ? 0 : trajectories.values().iterator().next().length;
        }
    }

    /** Rates {@code matches} online, in list order. */
    public Ratings rate(List<Match> matches) {
        List<String> players = Matches.players(matches);
        double[][] path = new double[players.size()][matches.size()];
        Map<String, Double> ratings = online(matches, players, path);
        Map<String, Matches.Tally> tally = Matches.tally(matches);
        Map<String, Matches.Tally> tallies = new LinkedHashMap<>();
        Map<String, double[]> trajectories = new LinkedHashMap<>();
        for (String p : ratings.keySet()) {
            tallies.put(p, tally.get(p));
            trajectories.put(p, path[players.indexOf(p)]);
        }
        return new Ratings(ratings, tallies, trajectories);
    }

    /** The final ratings, best first; fills {@code path[player][t]} (player order of {@code players}) unless null. */
    private Map<String, Double> online(List<Match> matches, List<String> players, double[][] path) {
        Map<String, Integer> index = new HashMap<>();
        for (String p : players) {
            index.put(p, index.size());
        }
        double[] r = new double[players.size()];
        Arrays.fill(r, initial);
        for (int t = 0; t < matches.size(); t++) {
            Match m = matches.get(t);
            int a = index.get(m.playerA());
            int b = index.get(m.playerB());
            double[] next = update(r[a], r[b], m.scoreA());
            r[a] = next[0];
            r[b] = next[1];
            for (int p = 0; path != null && p < r.length; p++) {
                path[p][t] = r[p];
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (String p : players) {
            out.put(p, r[index.get(p)]);
        }
        return Leaderboard.bestFirst(out);
    }

    /**
     * Arena's bootstrap ({@code get_bootstrap_result}): {@code rounds} times, draw as many matches as
     * there are, uniformly with replacement (which also puts them in a random order), and rate them
     * online; each player's interval is the 2.5%–97.5% percentiles of its ratings. The point rating
     * is {@link #rate} in list order, so for online Elo it can fall outside its own interval when the
     * file order matters — which is the order dependence this method exposes.
     */
    public Intervals bootstrap(List<Match> matches, int rounds, Random rng) {
        if (rounds < 1) {
            throw new IllegalArgumentException("bootstrap rounds: expected at least 1, found " + rounds);
        }
        Map<String, List<Double>> samples = new HashMap<>();
        for (int round = 0; round < rounds; round++) {
            List<Match> resample = new ArrayList<>(matches.size());
            for (int i = 0; i < matches.size(); i++) {
                resample.add(matches.get(rng.nextInt(matches.size()))); // draw with replacement
            }
            online(resample, Matches.players(resample), null).forEach((p, r) -> samples.computeIfAbsent(p, x -> new ArrayList<>()).add(r));
        }
        return Intervals.of(online(matches, Matches.players(matches), null), samples, rounds, 0);
    }

    /**
     * How much the order of the same matches moves each final rating: the standard deviation
     * sqrt(Σ(R − R̄)²/(n − 1)) of a player's final rating over {@code permutations} random orders
     * (Arena rated 1000 permutations before switching to Bradley–Terry). Zero when every order gives
     * the same result, e.g. when all matches are the same match.
     *
     * @return each player's standard deviation, in the order of {@link #rate}'s ratings
     */
    public Map<String, Double> orderSensitivity(List<Match> matches, int permutations, Random rng) {
        if (permutations < 2) {
            throw new IllegalArgumentException("order sensitivity: expected at least 2 permutations, found " + permutations);
        }
        Map<String, double[]> finals = new LinkedHashMap<>();
        List<String> players = Matches.players(matches);
        for (String p : online(matches, players, null).keySet()) {
            finals.put(p, new double[permutations]);
        }
        List<Match> shuffled = new ArrayList<>(matches);
        for (int n = 0; n < permutations; n++) {
            Collections.shuffle(shuffled, rng);
            int i = n;
            online(shuffled, players, null).forEach((p, r) -> finals.get(p)[i] = r);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        finals.forEach((p, rs) -> {
            double mean = Arrays.stream(rs).average().orElse(Double.NaN);
            double ss = Arrays.stream(rs).map(r -> (r - mean) * (r - mean)).sum();
            out.put(p, Math.sqrt(ss / (permutations - 1))); // sqrt(Σ(R − R̄)²/(n − 1))
        });
        return out;
    }
}
