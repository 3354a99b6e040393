package dev.rlhf4j.core;

/**
 * Running mean and standard deviation of a stream of batches (Chan et al.'s parallel update of
 * Welford's algorithm), as TRL's {@code RunningMoments} ({@code trl/trainer/utils.py}, v0.7–v0.11)
 * for score scaling:
 *
 * <pre>
 *   δ  = mean_b − μ
 *   μ  ← μ + δ·n_b/n                              (n = n_a + n_b)
 *   M2 ← M2 + M2_b + δ²·n_a·n_b/n                 (M2 = Σ (x − μ)² over every value so far)
 *   std = sqrt(M2 / (n − 1))                       (unbiased, as TRL's {@code self.std})
 * </pre>
 *
 * <p>Like TRL, {@link #std()} is the unbiased (Bessel-corrected) standard deviation of every value
 * seen; TRL stores the population variance in {@code self.var} and derives {@code std} as
 * {@code sqrt(var·n/(n − 1))}, the same number. Two edge cases differ: before two values TRL divides
 * by zero (its count starts at 1e-24, so one value gives n − 1 = 0), here the std is 1 (TRL's
 * initial {@code std}); and values that are all equal give std 0 in both, so whoever divides by it
 * must add an epsilon (PpoTrainer adds TRL's {@code torch.finfo(float32).eps}).
 */
public final class RunningMoments {

    private double mean;
    private double m2;
    private long count;

    /** Adds a batch of values. */
    public void update(double[] xs) {
        if (xs.length == 0) {
            return;
        }
        double bMean = 0;
        for (double x : xs) {
            bMean += x / xs.length;
        }
        double bM2 = 0;
        for (double x : xs) {
            bM2 += (x - bMean) * (x - bMean);
        }
        long n = count + xs.length;
        double delta = bMean - mean;
        mean += delta * xs.length / n;                                  // μ ← μ + δ·n_b/n
        m2 += bM2 + delta * delta * count * (double) xs.length / n;     // M2 ← M2 + M2_b + δ²·n_a·n_b/n
        count = n;
    }

    /** The running mean (0 before any value). */
    public double mean() {
        return mean;
    }

    /**
     * The running unbiased standard deviation {@code sqrt(M2 / (n − 1))}, as TRL's; 1 before two
     * values (TRL's initial value), 0 when every value so far is equal.
     */
    public double std() {
        return count < 2 ? 1 : Math.sqrt(m2 / (count - 1)); // sqrt(Σ(x − μ)² / (n − 1))
    }

    /** Number of values seen. */
    public long count() {
        return count;
    }
}
