package dev.rlhf4j.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Whitening: {@code whiten(x) = (x − mean) / sqrt(var + 1e-8)}, with the mean and variance taken
 * over the real tokens only, as TRL's {@code core.masked_mean}, {@code masked_var} and
 * {@code masked_whiten} do (v0.7). PPO whitens the advantages of each batch (and optionally the
 * rewards, TRL's {@code whiten_rewards}), so the policy step's size does not depend on the reward's
 * scale. With {@code shiftMean = false} the mean is added back: only the spread is normalised.
 *
 * <p>Choices, the same in both versions:
 *
 * <ul>
 *   <li>the variance is unbiased, {@code Σ m(x − mean)² / (n − 1)} with {@code n = Σ m}, as TRL's
 *       {@code masked_var(unbiased=True)} and {@code torch.var}; for {@code n = 1} TRL divides by
 *       zero and gets NaN, here the variance is 0 (the biased value);
 *   <li>a masked mean of no real tokens is 0, not NaN (TRL divides by zero);
 *   <li>padding positions of a whitened array are 0 (TRL leaves {@code (0 − mean)/std} there; all
 *       later uses are masked, so nothing changes but readability).
 * </ul>
 */
public final class Whitening {

    /** Added to the variance before the square root, as in TRL. */
    public static final double EPS = 1e-8;

    private Whitening() {}

    /** Mean of the real entries, {@code Σ m·x / Σ m}; 0 when no entry is real. */
    public static double mean(double[] x, double[] mask) {
        checkSameLength(x, mask);
        double sum = 0;
        double n = 0;
        for (int i = 0; i < x.length; i++) {
            sum += mask[i] * x[i];
            n += mask[i];
        }
        return n == 0 ? 0 : sum / n; // Σ m·x / Σ m
    }

    /** Unbiased variance of the real entries, {@code Σ m(x − mean)² / (n − 1)}; 0 when n ≤ 1. */
    public static double variance(double[] x, double[] mask) {
        double mean = mean(x, mask);
        double sum = 0;
        double n = 0;
        for (int i = 0; i < x.length; i++) {
            sum += mask[i] * (x[i] - mean) * (x[i] - mean);
            n += mask[i];
        }
        return n <= 1 ? 0 : sum / (n - 1); // Σ m(x − mean)² / (n − 1)
    }

    /** {@code (x − mean)/sqrt(var + 1e-8)} over all entries (TRL's {@code whiten}). */
    public static double[] whiten(double[] x, boolean shiftMean) {
        double[] ones = new double[x.length];
        java.util.Arrays.fill(ones, 1);
        return whiten(x, ones, shiftMean);
    }

    /**
     * {@code (x − mean)/sqrt(var + 1e-8)} with mean and variance over the entries where
     * {@code mask = 1} (TRL's {@code masked_whiten}); padding entries come out 0.
     *
     * @param shiftMean true to centre on 0, false to keep the mean and normalise the spread only
     */
    public static double[] whiten(double[] x, double[] mask, boolean shiftMean) {
        double mean = mean(x, mask);
        double scale = 1 / Math.sqrt(variance(x, mask) + EPS);
        double[] w = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double wi = (x[i] - mean) * scale; // (x − mean)/sqrt(var + ε)
            w[i] = mask[i] * (shiftMean ? wi : wi + mean);
        }
        return w;
    }

    /**
     * Whitens ragged rows (one per sequence, real tokens only) together: the mean and variance are
     * over every entry of every row, as TRL's {@code masked_whiten} over a padded batch.
     */
    public static double[][] whitenRows(double[][] rows, boolean shiftMean) {
        int n = 0;
        for (double[] r : rows) {
            n += r.length;
        }
        double[] flat = new double[n];
        int k = 0;
        for (double[] r : rows) {
            System.arraycopy(r, 0, flat, k, r.length);
            k += r.length;
        }
        double[] w = whiten(flat, shiftMean);
        double[][] out = new double[rows.length][];
        k = 0;
        for (int i = 0; i < rows.length; i++) {
            out[i] = java.util.Arrays.copyOfRange(w, k, k + rows[i].length);
            k += rows[i].length;
        }
        return out;
    }

    /** {@code Σ m·x / max(Σ m, 1)}, a scalar; mask is 1 on real tokens, 0 on padding. */
    public static NDArray maskedMean(NDArray x, NDArray mask) {
        return Scoped.array(() -> {
            NDArray m = mask.toType(DataType.FLOAT32, false);
            return x.mul(m).sum().div(m.sum().maximum(1f)); // Σ m·x / Σ m
        });
    }

    /** Unbiased {@code Σ m(x − mean)² / max(n − 1, 1)}, a scalar; 0 when n ≤ 1. */
    public static NDArray maskedVar(NDArray x, NDArray mask) {
        return Scoped.array(() -> {
            NDArray m = mask.toType(DataType.FLOAT32, false);
            NDArray centred = x.sub(maskedMean(x, m));                              // x − mean
            return centred.square().mul(m).sum().div(m.sum().sub(1f).maximum(1f)); // Σ m(x − mean)² / (n − 1)
        });
    }

    /**
     * Masked whitening of an array of any shape (TRL's {@code masked_whiten}); padding comes out 0.
     *
     * @param x values, e.g. advantages [B, T]
     * @param mask 1 on real tokens, 0 on padding, same shape as x
     * @param shiftMean true to centre on 0, false to keep the mean
     * @return the whitened values, same shape, attached to x's manager
     */
    public static NDArray whiten(NDArray x, NDArray mask, boolean shiftMean) {
        return Scoped.array(() -> {
            NDArray m = mask.toType(DataType.FLOAT32, false);
            NDArray mean = maskedMean(x, m);
            NDArray scaled = x.sub(mean).div(maskedVar(x, m).add((float) EPS).sqrt()); // (x − mean)/sqrt(var + ε)
            return (shiftMean ? scaled : scaled.add(mean)).mul(m);                     // padding → 0
        });
    }

    /** Whitening over all entries (TRL's {@code whiten}). */
    public static NDArray whiten(NDArray x, boolean shiftMean) {
        return Scoped.array(() -> whiten(x, x.onesLike(), shiftMean));
    }

    private static void checkSameLength(double[] x, double[] mask) {
        if (x.length != mask.length) {
            throw new IllegalArgumentException("values and mask differ in length: " + x.length + " vs " + mask.length);
        }
    }
}
