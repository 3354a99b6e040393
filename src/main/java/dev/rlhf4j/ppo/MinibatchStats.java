package dev.rlhf4j.ppo;

import java.util.LinkedHashMap;
import java.util.Map;

/** The loss statistics of one iteration's minibatches, averaged (TRL averages them the same way). */
final class MinibatchStats {

    private final Map<String, Double> sums = new LinkedHashMap<>();
    private int count;
    private int skipped;
    private double gradNormSum;
    private int gradNorms;
    private int nonFinite;

    void add(PpoLoss.Stats s, boolean skip) {
        count++;
        if (skip) {
            skipped++;
        }
        for (Map.Entry<String, Double> e : s.toMetrics().entrySet()) {
            sums.merge(e.getKey(), e.getValue(), Double::sum);
        }
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
    Map<String, Double> means() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : sums.entrySet()) {
            m.put(e.getKey(), e.getValue() / count);
        }
        m.put("ppo/skipped_batches", (double) skipped);
        m.put("ppo/nonfinite_grad_batches", (double) nonFinite);
        m.put("ppo/grad_norm", gradNorms == 0 ? Double.NaN : gradNormSum / gradNorms);
        return m;
    }

    int skipped() {
        return skipped;
    }
}
