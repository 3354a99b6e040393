package dev.rlhf4j.core;

/**
 * Running mean and standard deviation of a stream of batches (Chan et al.'s parallel update of
 * Welford's algorithm), as TRL's {@code RunningMoments} for score scaling.
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

    /** The running (population) standard deviation (1 before two values, so dividing by it is safe). */
    public double std() {
        return count < 2 ? 1 : Math.sqrt(m2 / count);
    }

    /** Number of values seen. */
    public long count() {
        return count;
    }
}
