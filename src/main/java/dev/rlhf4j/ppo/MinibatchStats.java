package dev.rlhf4j.ppo;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The loss statistics of one iteration's minibatches, each averaged over every minibatch of every
 * epoch, skipped ones included, as TRL's {@code stack_dicts} then {@code mean(axis=0)}: a statistic
 * is computed per minibatch (a masked mean over its real tokens) and the minibatch values are
 * averaged with equal weight.
 */
public final class MinibatchStats {

    private final Map<String, Double> sums = new LinkedHashMap<>();
    private int count;
    private int skipped;
    private double gradNormSum;
    private int gradNorms;
    private int nonFinite;

    /**
     * Adds one minibatch: its loss statistics and {@link #rolloutStats} of its rollout data.
     *
     * @param skip whether the minibatch was skipped (no update)
     */
    void add(PpoLoss.Stats s, Map<String, Double> rollout, boolean skip) {
        count++;
        if (skip) {
            skipped++;
        }
        for (Map.Entry<String, Double> e : s.toMetrics().entrySet()) {
            sums.merge(e.getKey(), e.getValue(), Double::sum);
        }
        for (Map.Entry<String, Double> e : rollout.entrySet()) {
            sums.merge(e.getKey(), e.getValue(), Double::sum);
        }
    }

    /**
     * The statistics TRL's {@code loss} computes from a minibatch's rollout data (not from the model),
     * over its real tokens: {@code ppo/returns/mean}, {@code ppo/returns/var},
     * {@code ppo/val/mean}, {@code ppo/val/var} (the rollout's values) and
     * {@code ppo/policy/advantages_mean}. Variances are unbiased, as TRL's {@code masked_var}
     * (0 for one token, where TRL raises). Every array holds the minibatch's real tokens, [N].
     */
    static Map<String, Double> rolloutStats(double[] returns, double[] values, double[] advantages) {
        double[] m = new double[returns.length];
        Arrays.fill(m, 1);
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("ppo/returns/mean", Whitening.mean(returns, m));       // Σ R / N
        out.put("ppo/returns/var", Whitening.variance(returns, m));    // Σ (R − mean)² / (N − 1)
        out.put("ppo/val/mean", Whitening.mean(values, m));
        out.put("ppo/val/var", Whitening.variance(values, m));
        out.put("ppo/policy/advantages_mean", Whitening.mean(advantages, m));
        return out;
    }

    void nonFiniteGradient() {
        nonFinite++;
        skipped++;
    }

    int nonFiniteGradients() {
        return nonFinite;
    }

    void gradNorm(float norm) {
        gradNormSum += norm;
        gradNorms++;
    }

    /** The averaged statistics under TRL's names, plus {@code ppo/skipped_batches} and {@code ppo/grad_norm}. */
    /** Each statistic's mean over the iteration's minibatches (TRL's names, e.g. {@code ppo/loss/policy}). */
    public Map<String, Double> means() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : sums.entrySet()) {
            m.put(e.getKey(), e.getValue() / count);
        }
        m.put("ppo/skipped_batches", (double) skipped);
        m.put("ppo/nonfinite_grad_batches", (double) nonFinite);
        m.put("ppo/grad_norm", gradNorms == 0 ? Double.NaN : gradNormSum / gradNorms);
        return m;
    }

    /** Minibatches skipped (ratio above {@code ratioThreshold}, or a non-finite loss). */
    public int skipped() {
        return skipped;
    }
}
