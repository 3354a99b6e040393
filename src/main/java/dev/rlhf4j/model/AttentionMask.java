package dev.rlhf4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Additive attention biases: 0 where a query may attend to a key, {@link Gpt#maskedFill()} where it
 * may not. Built on the Java side (PyTorch's {@code tril} is not exposed by DJL) and sent once per
 * forward pass; at our sizes that costs microseconds.
 */
public final class AttentionMask {

    private AttentionMask() {}

    /** Causal bias {@code [1,1,T,T]}: position i sees positions 0..i. */
    public static NDArray causal(NDManager manager, int t) {
        float[] bias = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                bias[i * t + j] = Gpt.maskedFill();
            }
        }
        return manager.create(bias, new Shape(1, 1, t, t));
    }

    /**
     * Bias {@code [B,1,T,S]} for {@code t} new queries after {@code past} cached slots: the query in
     * slot {@code past+i} may attend to key slot {@code j} iff {@code j ≤ past+i} and
     * {@code keyValid[r*s + j]}. S = {@code s} is at least past + t; the key slots from past + t on are
     * masked (a preallocated cache's columns not filled yet).
     */
    public static NDArray bias(NDManager manager, boolean[] keyValid, int batch, int s, int past, int t) {
        if (past + t > s) {
            throw new IllegalArgumentException("AttentionMask: past (" + past + ") + new (" + t
                    + ") must not exceed the key length " + s);
        }
        float[] bias = new float[batch * t * s];
        for (int r = 0; r < batch; r++) {
            for (int i = 0; i < t; i++) {
                int row = (r * t + i) * s;
                for (int j = 0; j < s; j++) {
                    if (j > past + i || !keyValid[r * s + j]) {
                        bias[row + j] = Gpt.maskedFill();
                    }
                }
            }
        }
        return manager.create(bias, new Shape(batch, 1, t, s));
    }
}
