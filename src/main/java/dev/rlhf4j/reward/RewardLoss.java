package dev.rlhf4j.reward;

import ai.djl.ndarray.NDArray;
import dev.rlhf4j.core.Scalars;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.rlhf4j.feedback.Pairs;
import java.util.List;

/**
 * The reward model's losses, each written twice: on plain {@code double[]} (the reference a learner
 * can call in a notebook) and on {@code NDArray} (what training differentiates); tests check that
 * they agree.
 *
 * <p><b>Pairwise Bradley–Terry</b> (InstructGPT, Ouyang et al. 2022, eq. 1): for a pair where y_c
 * was ranked above y_r, {@code ℓ = −log σ(r(x,y_c) − r(x,y_r) − m)} with an optional margin m (Touvron
 * et al. 2023). A tie is a half win each way, {@code ℓ = −½[log σ(d) + log σ(−d)]} with d = r_i − r_j,
 * minimised at d = 0. All C(K,2) pairs of a ranking sit in one batch element and are averaged there,
 * InstructGPT's {@code −1/C(K,2)·E[log σ(r(x,y_w) − r(x,y_l))]}, so every ranking weighs the same
 * whatever its K; a batch of R rankings, ranking i with P_i pairs, averages the rankings:
 *
 * <pre>loss = (1/R) Σ_i (1/P_i) Σ_{p ∈ i} ℓ_p</pre>
 *
 * (a plain mean over all pairs would weigh a K=6 ranking, 15 pairs, 15 times a K=2 one). TRL's
 * optional centering term adds {@code c·(1/R) Σ_i (1/P_i) Σ_{p ∈ i} (r_c + r_r)²} to keep rewards
 * near 0, weighted the same way.
 *
 * <p><b>Elo regression</b>: the squared error against the normalised Elo scores, averaged the same
 * way over the K_i completions of each ranking and then over the rankings:
 * {@code (1/R) Σ_i (1/K_i) Σ_{j ∈ i} (r_j − target_j)²}.
 */
public final class RewardLoss {

    private RewardLoss() {}

    /**
     * Pairs of a batch in flat indices: pair p compares reward {@code chosen[p]} with
     * {@code rejected[p]}; {@code tie[p]} marks a tie; {@code ranking[p]} is the ranking it comes
     * from (0-based), the unit every loss averages over first.
     */
    public record PairSet(int[] chosen, int[] rejected, boolean[] tie, int[] ranking) {

        /** Checks that the arrays have one entry per pair. */
        public PairSet {
            if (chosen.length != rejected.length || chosen.length != tie.length || chosen.length != ranking.length) {
                throw new IllegalArgumentException("PairSet: expected one entry per pair, found " + chosen.length
                        + " chosen, " + rejected.length + " rejected, " + tie.length + " tie and " + ranking.length
                        + " ranking entries");
            }
        }

        /** Pairs that all come from one ranking. */
        public PairSet(int[] chosen, int[] rejected, boolean[] tie) {
            this(chosen, rejected, tie, new int[chosen.length]);
        }

        /** Number of pairs. */
        public int size() {
            return chosen.length;
        }

        /**
         * The weight of each pair in a loss: {@code w_p = 1/(R·P_i)} for pair p of ranking i with P_i
         * pairs, R the number of rankings that have pairs; every ranking's weights sum to 1/R, all sum to 1.
         */
        public double[] weights() {
            int[] count = countsPerRanking(ranking);
            int rankings = 0;
            for (int c : count) {
                rankings += c > 0 ? 1 : 0;
            }
            double[] w = new double[size()];
            for (int p = 0; p < w.length; p++) {
                w[p] = 1.0 / ((double) rankings * count[ranking[p]]); // w_p = 1/(R·P_i)
            }
            return w;
        }

        /** The pairs of one ranking, indices as they are. */
        public static PairSet of(List<Pairs.Pair> pairs) {
            return of(List.of(pairs), new int[] {0});
        }

        /** The pairs of several rankings whose rewards start at {@code offsets[i]} in one flat array. */
        public static PairSet of(List<List<Pairs.Pair>> perRanking, int[] offsets) {
            int n = 0;
            for (List<Pairs.Pair> ps : perRanking) {
                n += ps.size();
            }
            int[] c = new int[n];
            int[] r = new int[n];
            boolean[] t = new boolean[n];
            int[] g = new int[n];
            int p = 0;
            for (int i = 0; i < perRanking.size(); i++) {
                for (Pairs.Pair pair : perRanking.get(i)) {
                    c[p] = offsets[i] + pair.chosen();
                    r[p] = offsets[i] + pair.rejected();
                    t[p] = pair.tie();
                    g[p] = i;
                    p++;
                }
            }
            return new PairSet(c, r, t, g);
        }
    }

    /** log σ(x), computed stably: min(x, 0) − log(1 + e^−|x|). */
    public static double logSigmoid(double x) {
        return Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x)));
    }

    /**
     * Bradley–Terry loss of {@code pairs}, {@code (1/R) Σ_i (1/P_i) Σ_{p ∈ i} ℓ_p}: the mean over
     * rankings of the mean over each ranking's pairs (reference implementation).
     */
    public static double bradleyTerry(double[] rewards, PairSet pairs, double margin) {
        double[] loss = new double[pairs.size()];
        for (int p = 0; p < pairs.size(); p++) {
            double d = rewards[pairs.chosen()[p]] - rewards[pairs.rejected()[p]]; // d = r_c − r_r
            loss[p] = pairs.tie()[p]
                    ? -0.5 * (logSigmoid(d) + logSigmoid(-d))                       // −½[log σ(d) + log σ(−d)]
                    : -logSigmoid(d - margin);                                      // −log σ(d − m)
        }
        return meanOfRankingMeans(loss, pairs.ranking());
    }

    /** TRL's centering term (r_c + r_r)², averaged as {@link #bradleyTerry} (reference implementation). */
    public static double centering(double[] rewards, PairSet pairs) {
        double[] sq = new double[pairs.size()];
        for (int p = 0; p < pairs.size(); p++) {
            double s = rewards[pairs.chosen()[p]] + rewards[pairs.rejected()[p]];
            sq[p] = s * s; // (r_c + r_r)²
        }
        return meanOfRankingMeans(sq, pairs.ranking());
    }

    /** Mean squared error of one ranking's completions (reference implementation). */
    public static double mse(double[] predictions, double[] targets) {
        return mse(predictions, targets, new int[] {0});
    }

    /**
     * Squared error {@code (1/R) Σ_i (1/K_i) Σ_{j ∈ i} (r_j − target_j)²} of R rankings whose
     * completions start at {@code offsets[i]} (reference implementation).
     */
    public static double mse(double[] predictions, double[] targets, int[] offsets) {
        double[] sq = new double[predictions.length];
        for (int i = 0; i < predictions.length; i++) {
            double e = predictions[i] - targets[i];
            sq[i] = e * e; // (r − target)²
        }
        return meanOfRankingMeans(sq, rankingOf(offsets, predictions.length));
    }

    /** (1/R) Σ_i mean of {@code values} of ranking i, over the R rankings that have values. */
    static double meanOfRankingMeans(double[] values, int[] ranking) {
        int[] count = countsPerRanking(ranking);
        double[] sum = new double[count.length];
        for (int p = 0; p < values.length; p++) {
            sum[ranking[p]] += values[p];
        }
        double total = 0;
        int rankings = 0;
        for (int i = 0; i < count.length; i++) {
            if (count[i] > 0) {
                total += sum[i] / count[i]; // mean over ranking i's entries
                rankings++;
            }
        }
        return total / rankings; // mean over rankings
    }

    /** The ranking of each of {@code n} flat entries, rankings starting at {@code offsets} (ascending). */
    static int[] rankingOf(int[] offsets, int n) {
        int[] g = new int[n];
        for (int i = 0; i < offsets.length; i++) {
            int end = i + 1 < offsets.length ? offsets[i + 1] : n;
            for (int j = offsets[i]; j < end; j++) {
                g[j] = i;
            }
        }
        return g;
    }

    private static int[] countsPerRanking(int[] ranking) {
        int max = -1;
        for (int g : ranking) {
            max = Math.max(max, g);
        }
        int[] count = new int[max + 1];
        for (int g : ranking) {
            count[g]++;
        }
        return count;
    }

    /** Bradley–Terry loss of {@code pairs} of {@code rewards [N]}, averaged per ranking; a scalar NDArray. */
    public static NDArray bradleyTerry(NDArray rewards, PairSet pairs, double margin) {
        NDManager m = rewards.getManager();
        int n = (int) rewards.getShape().get(0);
        int p = pairs.size();
        float[] signs = new float[p * n];
        float[] tie = new float[p];
        for (int i = 0; i < p; i++) {
            signs[i * n + pairs.chosen()[i]] += 1f;
            signs[i * n + pairs.rejected()[i]] -= 1f;
            tie[i] = pairs.tie()[i] ? 1f : 0f;
        }
        NDArray t = m.create(tie);
        NDArray d = m.create(signs, new Shape(p, n)).matMul(rewards.reshape(n, 1)).reshape(p); // d = r_c − r_r, [P]
        NDArray a = logSigmoid(d.sub(t.neg().add(1).mul(margin)));                           // log σ(d − m·[strict])
        NDArray b = logSigmoid(d.neg());                                                      // log σ(−d)
        NDArray half = t.mul(0.5);
        NDArray loss = a.mul(half.neg().add(1)).add(b.mul(half)).neg(); // ℓ_p = −[(1 − t/2)·a + (t/2)·b], [P]
        return loss.mul(weightsOf(m, pairs.weights())).sum();           // (1/R) Σ_i (1/P_i) Σ_{p ∈ i} ℓ_p
    }

    /** TRL's centering term (r_c + r_r)², averaged per ranking; a scalar NDArray. */
    public static NDArray centering(NDArray rewards, PairSet pairs) {
        NDManager m = rewards.getManager();
        int n = (int) rewards.getShape().get(0);
        int p = pairs.size();
        float[] sums = new float[p * n];
        for (int i = 0; i < p; i++) {
            sums[i * n + pairs.chosen()[i]] += 1f;
            sums[i * n + pairs.rejected()[i]] += 1f;
        }
        NDArray s = m.create(sums, new Shape(p, n)).matMul(rewards.reshape(n, 1)).reshape(p); // r_c + r_r, [P]
        return s.square().mul(weightsOf(m, pairs.weights())).sum(); // (1/R) Σ_i (1/P_i) Σ_{p ∈ i} (r_c + r_r)²
    }

    /** Mean squared error of one ranking's completions; a scalar NDArray. */
    public static NDArray mse(NDArray predictions, NDArray targets) {
        return predictions.sub(targets).square().mean(); // mean((r − target)²)
    }

    /**
     * Squared error of R rankings whose completions start at {@code offsets[i]}, averaged per
     * ranking; a scalar NDArray.
     */
    public static NDArray mse(NDArray predictions, NDArray targets, int[] offsets) {
        int n = (int) predictions.getShape().get(0);
        int[] ranking = rankingOf(offsets, n);
        double[] w = new double[n];
        for (int j = 0; j < n; j++) {
            int end = ranking[j] + 1 < offsets.length ? offsets[ranking[j] + 1] : n;
            w[j] = 1.0 / ((double) offsets.length * (end - offsets[ranking[j]])); // w_j = 1/(R·K_i)
        }
        NDArray sq = predictions.sub(targets).square(); // (r − target)², [N]
        return sq.mul(weightsOf(predictions.getManager(), w)).sum(); // (1/R) Σ_i (1/K_i) Σ_{j ∈ i} (r_j − t_j)²
    }

    private static NDArray weightsOf(NDManager m, double[] w) {
        float[] f = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            f[i] = (float) w[i];
        }
        return m.create(f);
    }

    /** log σ(x) on an NDArray, computed stably: min(x, 0) − log(1 + e^−|x|). */
    public static NDArray logSigmoid(NDArray x) {
        return x.minimum(Scalars.of(x, 0)).sub(x.abs().neg().exp().add(1).log()); // 0-d array: see Scalars
    }
}
