package dev.rlhf4j.feedback;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bootstrap confidence intervals of ratings, as Chatbot Arena computes them
 * ({@code get_bootstrap_result} in FastChat's {@code elo_analysis.py}): the matches are resampled with
 * replacement {@code rounds} times, each resample is rated, and a player's 95% interval is the 2.5%
 * and 97.5% percentiles of its ratings over the resamples (linear interpolation between order
 * statistics, as pandas' {@code quantile}). A player absent from a resample has no rating in it.
 *
 * @param players each player's interval, in the order of the point ratings (best first)
 * @param rounds the number of bootstrap resamples
 * @param regularized resamples whose Bradley–Terry maximum-likelihood estimate did not exist and that
 *     were refitted with {@link BradleyTerry#BOOTSTRAP_PRIOR} (always 0 for Elo)
 */
public record Intervals(Map<String, Interval> players, int rounds, int regularized) {

    /** Lower percentile of a 95% interval. */
    public static final double LOWER = 0.025;
    /** Upper percentile of a 95% interval. */
    public static final double UPPER = 0.975;

    /**
     * One player's interval.
     *
     * @param point the rating on all the matches (the leaderboard's number)
     * @param median the median of the bootstrap ratings
     * @param lower the 2.5% percentile of the bootstrap ratings
     * @param upper the 97.5% percentile of the bootstrap ratings
     * @param samples the number of resamples the player appeared in
     */
    public record Interval(double point, double median, double lower, double upper, int samples) {

        /** Whether {@code rating} lies within [lower, upper]. */
        public boolean contains(double rating) {
            return rating >= lower && rating <= upper;
        }

        /** upper − lower. */
        public double width() {
            return upper - lower;
        }
    }

    /** Copies the map, keeping its order. */
    public Intervals {
        players = Collections.unmodifiableMap(new LinkedHashMap<>(players));
    }

    /**
     * The intervals of bootstrap {@code samples} around {@code points}.
     *
     * @param points each player's rating on all matches, best first
     * @param samples each player's ratings over the resamples it appeared in
     */
    public static Intervals of(Map<String, Double> points, Map<String, List<Double>> samples, int rounds,
            int regularized) {
        Map<String, Interval> out = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : points.entrySet()) {
            double[] s = samples.getOrDefault(e.getKey(), List.of()).stream().mapToDouble(Double::doubleValue).toArray();
            Arrays.sort(s);
            out.put(e.getKey(), new Interval(e.getValue(), percentile(s, 0.5), percentile(s, LOWER),
                    percentile(s, UPPER), s.length));
        }
        return new Intervals(out, rounds, regularized);
    }

    /**
     * The q-quantile of sorted values with linear interpolation: position h = (n−1)·q, value
     * x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]) (Hyndman and Fan 1996, definition 7; numpy's and pandas'
     * default). NaN for no values.
     */
    public static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double h = (sorted.length - 1) * q; // h = (n−1)·q
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]); // x[⌊h⌋] + (h−⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋])
    }

    /** A player's interval, or throws naming the known players. */
    public Interval of(String player) {
        Interval i = players.get(player);
        if (i == null) {
            throw new IllegalArgumentException("no interval for player '" + player + "'; players: " + players.keySet());
        }
        return i;
    }

    /** The fraction of {@code truth}'s players whose interval contains their true rating. */
    public double coverage(Map<String, Double> truth) {
        int in = 0;
        for (Map.Entry<String, Double> e : truth.entrySet()) {
            in += of(e.getKey()).contains(e.getValue()) ? 1 : 0;
        }
        return truth.isEmpty() ? Double.NaN : (double) in / truth.size();
    }
}
