package dev.rlhf4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.lang.ref.Cleaner;
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
 *
 * <p>One step, with t the step number, η the learning rate and λ the weight decay (DJL's AdamW
 * formulas; β₁ = 0.9, β₂ = 0.95, ε = 1e-8):
 *
 * <pre>
 *   m ← β₁·m + (1 − β₁)·g            v ← β₂·v + (1 − β₂)·g²
 *   w ← w − η·λ·w  (matrices)        w ← w − η·√(1 − β₂ᵗ)/(1 − β₁ᵗ) · m/(√v + ε)
 * </pre>
 *
 * <p>Flat: the gradients are copied into one vector, and the moments are one vector each, so a step
 * is about twenty native ops over all parameters at once plus four per parameter (copy the
 * gradient in, decay, subtract the update, clear the gradient), instead of about fifteen per
 * parameter with DJL's per-parameter AdamW: 5–8 against 13–16 ms per step for the bundled model
 * alone, 7.0–8.6 against 9.3–10.7 ms inside PPO's minibatch loop ({@code bench/README.md}). Every
 * flat op is in place on buffers made once, so a step allocates nothing large. The buffers live in
 * the optimizer's own manager, on the parameters' device: {@link #close()} frees them, and so does
 * the garbage collector once the optimizer is unreachable.
 */
public final class LmOptimizer implements AutoCloseable {

    private static final Cleaner CLEANER = Cleaner.create();
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.95f;
    private static final float EPSILON = 1e-8f;
    private static final NDIndex ALL = new NDIndex(":");

    private final List<Map.Entry<String, Parameter>> params;
    private final float weightDecay;
    private final float maxGradNorm;
    private long[] offsets;       // parameter i is flat[offsets[i] .. offsets[i + 1])
    private Cleaner.Cleanable cleanable; // frees the buffers below; null until the first step
    private NDArray grad;         // the flat gradient, then the update
    private NDArray m;
    private NDArray v;
    private NDArray scratch;
    private long steps;

    /**
     * @param params the parameters to train (by name)
     * @param weightDecay decoupled weight decay for matrices
     * @param maxGradNorm clip the global gradient norm to this (≤ 0: no clipping)
     */
    public LmOptimizer(Map<String, Parameter> params, float weightDecay, float maxGradNorm) {
        this.params = new ArrayList<>(params.entrySet());
        this.weightDecay = weightDecay;
        this.maxGradNorm = maxGradNorm;
    }

    /**
     * Clips the accumulated gradients and applies one update with learning rate {@code lr}; the
     * update also clears the gradients. Returns the global gradient norm before clipping. A
     * non-finite norm throws {@link ArithmeticException} and changes nothing (the gradients stay,
     * see {@link #discardGradients()}).
     */
    public float step(float lr) {
        if (params.isEmpty()) {
            return 0f;
        }
        if (cleanable == null) {
            allocate();
        }
        try (NoGrad g = NoGrad.enter(); NDManager handles = newHandleManager()) {
            List<NDArray> grads = new ArrayList<>(params.size());
            for (int i = 0; i < params.size(); i++) {
                NDArray gi = gradient(i, handles);
                grads.add(gi);
                grad.set(slice(i), gi.reshape(-1)); // copy into the flat vector
            }
            NDArray sumOfSquares = grad.dot(grad);
            sumOfSquares.attach(handles);
            float norm = (float) Math.sqrt(sumOfSquares.getFloat()); // ‖g‖₂ over every gradient
            if (!Float.isFinite(norm)) {
                throw new ArithmeticException("gradient norm is " + norm + " at step " + (steps + 1)
                        + ": the loss diverged (lower the learning rate)");
            }
            if (maxGradNorm > 0 && norm > maxGradNorm) {
                grad.muli(maxGradNorm / (norm + 1e-6f)); // g ← g·c/‖g‖
            }
            steps++;
            m.muli(BETA1);                                                 // m ← β₁·m + (1 − β₁)·g
            scratch.set(ALL, grad);
            m.addi(scratch.muli(1f - BETA1));
            v.muli(BETA2);                                                 // v ← β₂·v + (1 − β₂)·g²
            scratch.set(ALL, grad);
            v.addi(scratch.muli(grad).muli(1f - BETA2));
            scratch.set(ALL, v);
            scratch.powi(0.5f).addi(EPSILON);                              // √v + ε
            float coef1 = 1f - (float) Math.pow(BETA1, steps);
            float coef2 = 1f - (float) Math.pow(BETA2, steps);
            float stepSize = (float) (lr * Math.sqrt(coef2) / coef1);       // η·√(1 − β₂ᵗ)/(1 − β₁ᵗ)
            NDArray update = grad;                                          // the gradient is no longer needed
            update.set(ALL, m);
            update.divi(scratch).muli(stepSize);
            for (int i = 0; i < params.size(); i++) {
                NDArray w = params.get(i).getValue().getArray();
                if (weightDecay != 0f && w.getShape().dimension() >= 2) {
                    w.muli(1f - lr * weightDecay);                          // w ← w − η·λ·w
                }
                NDArray part = update.get(slice(i)); // a view, let go with the handles
                part.attach(handles);
                w.subi(part.reshape(w.getShape()));
                grads.get(i).subi(grads.get(i));                            // clear the gradient (g − g = +0)
            }
            return norm;
        }
    }

    /**
     * Throws away the accumulated gradients (sets them to 0, NaN and ∞ included) without an update:
     * what a trainer does with a minibatch whose gradient came out non-finite.
     */
    public void discardGradients() {
        try (NDManager handles = newHandleManager()) {
            for (int i = 0; i < params.size(); i++) {
                NDArray g = gradient(i, handles);
                g.muli(0f);                  // finite → 0, NaN and ±∞ → NaN
                g.set(g.isNaN(), 0f);        // NaN → 0
            }
        }
    }

    /** Number of updates applied. */
    public long steps() {
        return steps;
    }

    /** Frees the flat buffers (the moments go with them); a later step starts new ones from zero. */
    @Override
    public void close() {
        if (cleanable != null) {
            cleanable.clean();
            cleanable = null;
        }
    }

    private NDManager newHandleManager() {
        return params.get(0).getValue().getArray().getManager().newSubManager();
    }

    /** Parameter i's gradient, as a handle on {@code handles} (closing it leaves the gradient). */
    private NDArray gradient(int i, NDManager handles) {
        NDArray g = params.get(i).getValue().getArray().getGradient();
        g.attach(handles);
        return g;
    }

    private NDIndex slice(int i) {
        return new NDIndex("{}:{}", offsets[i], offsets[i + 1]);
    }

    /** Makes the flat buffers (zero moments) in their own manager, on the parameters' device. */
    private void allocate() {
        offsets = new long[params.size() + 1];
        for (int i = 0; i < params.size(); i++) {
            offsets[i + 1] = offsets[i] + params.get(i).getValue().getArray().size();
        }
        NDArray first = params.get(0).getValue().getArray();
        NDManager manager = NDManager.newBaseManager(first.getDevice());
        Shape flat = new Shape(offsets[params.size()]);
        grad = manager.zeros(flat, first.getDataType());
        m = manager.zeros(flat, first.getDataType());
        v = manager.zeros(flat, first.getDataType());
        scratch = manager.zeros(flat, first.getDataType());
        cleanable = CLEANER.register(this, manager::close); // the action holds the manager, not this
    }
}
