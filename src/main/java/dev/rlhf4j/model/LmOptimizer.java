package dev.rlhf4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * AdamW (Loshchilov &amp; Hutter 2019) with global-norm gradient clipping and a learning rate set per
 * step, applied straight to a model's parameters (no DJL {@code Trainer}: it would copy every
 * gradient twice per step).
 *
 * <p>Weight decay goes to matrices only (embeddings and linear weights), not to biases and
 * LayerNorm gains, as in nanoGPT. Clipping scales all gradients by min(1, c / ‖g‖₂) where ‖g‖₂ is
 * the norm over every gradient together (DJL's own {@code clipGrad} clamps elements one by one,
 * which changes their direction).
 */
public final class LmOptimizer {

    private final List<Map.Entry<String, Parameter>> params;
    private final Optimizer decay;
    private final Optimizer noDecay;
    private final float maxGradNorm;
    private volatile float learningRate;
    private long steps;

    /**
     * @param params the parameters to train (by name)
     * @param weightDecay decoupled weight decay for matrices
     * @param maxGradNorm clip the global gradient norm to this (≤ 0: no clipping)
     */
    public LmOptimizer(Map<String, Parameter> params, float weightDecay, float maxGradNorm) {
        this.params = new ArrayList<>(params.entrySet());
        this.maxGradNorm = maxGradNorm;
        this.decay = Optimizer.adamW().optLearningRateTracker((id, n) -> learningRate)
                .optBeta1(0.9f).optBeta2(0.95f).optEpsilon(1e-8f).optWeightDecays(weightDecay).build();
        this.noDecay = Optimizer.adamW().optLearningRateTracker((id, n) -> learningRate)
                .optBeta1(0.9f).optBeta2(0.95f).optEpsilon(1e-8f).optWeightDecays(0f).build();
    }

    /**
     * Clips the accumulated gradients and applies one update with learning rate {@code lr}; the
     * update also clears the gradients. Returns the global gradient norm before clipping.
     */
    public float step(float lr) {
        this.learningRate = lr;
        List<NDArray> grads = new ArrayList<>(params.size());
        NDManager scratch = null;
        try {
            for (Map.Entry<String, Parameter> e : params) {
                NDArray w = e.getValue().getArray();
                NDArray g = w.getGradient(); // a new handle on the model's manager: moved below
                if (scratch == null) {
                    scratch = w.getManager().newSubManager();
                }
                g.attach(scratch);
                grads.add(g);
            }
            float norm = globalNorm(grads);
            if (!Float.isFinite(norm)) {
                throw new ArithmeticException("gradient norm is " + norm + " at step " + (steps + 1)
                        + ": the loss diverged (lower the learning rate)");
            }
            if (maxGradNorm > 0 && norm > maxGradNorm) {
                float scale = maxGradNorm / (norm + 1e-6f); // g ← g·c/‖g‖
                for (NDArray g : grads) {
                    g.muli(scale);
                }
            }
            for (int i = 0; i < params.size(); i++) {
                Parameter p = params.get(i).getValue();
                Optimizer opt = p.getArray().getShape().dimension() >= 2 ? decay : noDecay;
                opt.update(p.getId(), p.getArray(), grads.get(i));
            }
            steps++;
            return norm;
        } finally {
            if (scratch != null) {
                scratch.close();
            }
        }
    }

    /**
     * Throws away the accumulated gradients (sets them to 0, NaN and ∞ included) without an update:
     * what a trainer does with a minibatch whose gradient came out non-finite.
     */
    public void discardGradients() {
        NDManager scratch = null;
        try {
            for (Map.Entry<String, Parameter> e : params) {
                NDArray w = e.getValue().getArray();
                NDArray g = w.getGradient();
                if (scratch == null) {
                    scratch = w.getManager().newSubManager();
                }
                g.attach(scratch);
                g.muli(0f);                  // finite → 0, NaN and ±∞ → NaN
                g.set(g.isNaN(), 0f);        // NaN → 0
            }
        } finally {
            if (scratch != null) {
                scratch.close();
            }
        }
    }

    /** ‖g‖₂ over all gradients: √(Σ_i Σ g_i²), with one device→host copy. */
    private static float globalNorm(List<NDArray> grads) {
        NDArray total = null;
        for (NDArray g : grads) {
            NDArray s = g.square().sum();
            total = total == null ? s : total.add(s);
        }
        return total == null ? 0f : (float) Math.sqrt(total.getFloat());
    }

    /** Number of updates applied. */
    public long steps() {
        return steps;
    }
}
