package dev.rlhf4j.model;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The distribution {@link Sampler} should draw a next token from, written independently of it for
 * tests: sort the tokens by logit once, keep the top k, take softmax(logits / T) over them, keep the
 * most likely ones until their mass reaches p (the token that crosses p is kept), renormalise.
 */
public final class SamplingReference {

    private SamplingReference() {}

    /** Probabilities q(v) of every token (0 outside the kept set); {@code logits} is one row. */
    public static double[] distribution(float[] logits, SamplingConfig c) {
        int v = logits.length;
        Integer[] order = new Integer[v];
        for (int i = 0; i < v; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> logits[i]).reversed());
        int keep = c.topK() > 0 ? Math.min(c.topK(), v) : v;
        double max = logits[order[0]] / (double) c.temperature();
        double[] q = new double[v];
        double z = 0;
        for (int j = 0; j < keep; j++) {
            int i = order[j];
            q[i] = Math.exp(logits[i] / (double) c.temperature() - max); // softmax(l / T) numerators, top-k only
            z += q[i];
        }
        double mass = 0;
        int j = 0;
        for (; j < keep && mass < c.topP(); j++) {
            q[order[j]] /= z;
            mass += q[order[j]]; // the token that crosses p is kept
        }
        for (; j < v; j++) {
            q[order[j]] = 0;
        }
        for (int i = 0; i < v; i++) {
            q[i] /= mass;
        }
        return q;
    }

    /** {@code {log softmax(logits)[token], −Σ π·log π}} of one row, in double: the model's own distribution, untempered. */
    public static double[] logProbAndEntropy(float[] logits, int token) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double z = 0;
        for (float v : logits) {
            z += Math.exp(v - max);
        }
        double logZ = max + Math.log(z);
        double entropy = 0;
        for (float v : logits) {
            double lp = v - logZ;
            entropy -= Math.exp(lp) * lp;
        }
        return new double[] {logits[token] - logZ, entropy};
    }

    /** {@code count} token sequences: BOS (1), then {@code minLength − 1 + r.nextInt(spread)} word ids in 4..43. */
    public static java.util.List<int[]> randomSequences(java.util.Random r, int count, int minLength, int spread) {
        java.util.List<int[]> out = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            int[] s = new int[minLength + r.nextInt(spread)];
            s[0] = 1;
            for (int j = 1; j < s.length; j++) {
                s[j] = 4 + r.nextInt(40);
            }
            out.add(s);
        }
        return out;
    }

    /** The token an inverse-CDF draw {@code u ∈ [0, 1)} picks from {@code q}, scanning ids in ascending order. */
    public static int draw(double[] q, double u) {
        double acc = 0;
        int last = -1;
        for (int i = 0; i < q.length; i++) {
            if (q[i] > 0) {
                acc += q[i];
                last = i;
                if (u < acc) {
                    return i;
                }
            }
        }
        return last;
    }
}
