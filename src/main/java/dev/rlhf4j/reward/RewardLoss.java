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
 * minimised at d = 0. The loss of a batch is the mean over all its pairs, so all C(K,2) pairs of a
 * ranking count together as one batch element, as in InstructGPT. TRL's optional centering term
 * adds {@code c·mean((r_c + r_r)²)} to keep rewards near 0.
 *
 * <p><b>Elo regression</b>: {@code mean((r − target)²)} against the normalised Elo scores.
 */
public final class RewardLoss {

    private RewardLoss() {}

    /**
     * Pairs of a batch in flat indices: pair p compares reward {@code chosen[p]} with
     * {@code rejected[p]}; {@code tie[p]} marks a tie.
     */
    public record PairSet(int[] chosen, int[] rejected, boolean[] tie) {

        /** Number of pairs. */
        public int size() {
            return chosen.length;
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
            int p = 0;
            for (int i = 0; i < perRanking.size(); i++) {
                for (Pairs.Pair pair : perRanking.get(i)) {
                    c[p] = offsets[i] + pair.chosen();
                    r[p] = offsets[i] + pair.rejected();
                    t[p] = pair.tie();
                    p++;
                }
            }
            return new PairSet(c, r, t);
        }
    }

    /** log σ(x), computed stably: min(x, 0) − log(1 + e^−|x|). */
    public static double logSigmoid(double x) {
        return Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** Mean Bradley–Terry loss over {@code pairs} (reference implementation). */
    public static double bradleyTerry(double[] rewards, PairSet pairs, double margin) {
        double sum = 0;
        for (int p = 0; p < pairs.size(); p++) {
            double d = rewards[pairs.chosen()[p]] - rewards[pairs.rejected()[p]]; // d = r_c − r_r
            sum += pairs.tie()[p]
                    ? -0.5 * (logSigmoid(d) + logSigmoid(-d))                       // −½[log σ(d) + log σ(−d)]
                    : -logSigmoid(d - margin);                                      // −log σ(d − m)
        }
        return sum / pairs.size();
    }

    /** TRL's centering term mean((r_c + r_r)²) over {@code pairs} (reference implementation). */
    public static double centering(double[] rewards, PairSet pairs) {
        double sum = 0;
        for (int p = 0; p < pairs.size(); p++) {
            double s = rewards[pairs.chosen()[p]] + rewards[pairs.rejected()[p]];
            sum += s * s; // (r_c + r_r)²
        }
        return sum / pairs.size();
    }

    /** Mean squared error (reference implementation). */
    public static double mse(double[] predictions, double[] targets) {
        double sum = 0;
        for (int i = 0; i < predictions.length; i++) {
            double e = predictions[i] - targets[i];
            sum += e * e; // (r − target)²
        }
        return sum / predictions.length;
    }

    /** Mean Bradley–Terry loss over {@code pairs} of {@code rewards [N]}; a scalar NDArray. */
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
        return a.mul(half.neg().add(1)).add(b.mul(half)).mean().neg(); // −[(1 − t/2)·a + (t/2)·b]
    }

    /** TRL's centering term mean((r_c + r_r)²); a scalar NDArray. */
    public static NDArray centering(NDArray rewards, PairSet pairs) {
        NDManager m = rewards.getManager();
        int n = (int) rewards.getShape().get(0);
        int p = pairs.size();
        float[] sums = new float[p * n];
        for (int i = 0; i < p; i++) {
            sums[i * n + pairs.chosen()[i]] += 1f;
            sums[i * n + pairs.rejected()[i]] += 1f;
        }
        NDArray s = m.create(sums, new Shape(p, n)).matMul(rewards.reshape(n, 1)); // r_c + r_r, [P, 1]
        return s.square().mean();
    }

    /** Mean squared error; a scalar NDArray. */
    public static NDArray mse(NDArray predictions, NDArray targets) {
        return predictions.sub(targets).square().mean(); // mean((r − target)²)
    }

    /** log σ(x) on an NDArray, computed stably: min(x, 0) − log(1 + e^−|x|). */
    static NDArray logSigmoid(NDArray x) {
        return x.minimum(Scalars.of(x, 0)).sub(x.abs().neg().exp().add(1).log()); // 0-d array: see Scalars
    }
}
