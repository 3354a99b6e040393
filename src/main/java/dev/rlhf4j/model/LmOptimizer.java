package dev.rlhf4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
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
 * <p>Flat: the moments are one vector each and the gradients are gathered into one vector with a
 * single {@code cat}, so the norm is one dot product and the moments and the update are one call
 * of libtorch's own Adam kernel over all parameters at once (DJL's {@code adamUpdate}, the one its
 * per-parameter AdamW calls). What stays per parameter is what must: decay and update the weight,
 * clear the gradient. The handles those need (each gradient as a flat view, each parameter's slice
 * of the update) are made on the first step and kept: PyTorch accumulates every later gradient
 * into the same tensor, so a handle made once stays valid; they are made again if a parameter's
 * array is replaced. A step is about ten native calls over all parameters plus two or three per
 * parameter, against about ten per parameter before ({@code bench/README.md} has the figures). The
 * buffers live in the optimizer's own managers, on the parameters' device: {@link #close()} frees
 * them, and so does the garbage collector once the optimizer is unreachable.
 */
public final class LmOptimizer implements AutoCloseable {

    private static final Cleaner CLEANER = Cleaner.create();
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.95f;
    private static final float EPSILON = 1e-8f;

    private final List<Map.Entry<String, Parameter>> params;
    private final float weightDecay;
    private final float maxGradNorm;
    private Cleaner.Cleanable cleanable; // frees the managers below; null until the first step
    private NDManager moments;           // m and v: kept for the optimizer's life
    private NDManager handles;           // the cached handles: remade when a parameter's array changes
    private NDArray m;
    private NDArray v;
    private NDArray update;              // −(the Adam step), flat; parameter i owns updateOf[i]
    private NDArray[] weights;           // the arrays the handles were made for
    private PtNDArray[] flatGrads;       // parameter i's gradient as a flat view
    private NDArray[] updateOf;          // parameter i's slice of update, in its shape
    private boolean[] decays;            // parameter i is a matrix
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
        prepare();
        try (NoGrad g = NoGrad.enter(); NDManager scope = handles.newSubManager()) {
            PtNDArray grad = JniUtils.cat(flatGrads, 0); // every gradient, in one vector
            grad.attach(scope);
            NDArray sumOfSquares = grad.dot(grad);
            sumOfSquares.attach(scope);
            float norm = (float) Math.sqrt(sumOfSquares.getFloat()); // ‖g‖₂ over every gradient
            if (!Float.isFinite(norm)) {
                throw new ArithmeticException("gradient norm is " + norm + " at step " + (steps + 1)
                        + ": the loss diverged (lower the learning rate)");
            }
            float clip = maxGradNorm > 0 && norm > maxGradNorm ? maxGradNorm / (norm + 1e-6f) : 1f; // g ← g·c/‖g‖
            steps++;
            float coef1 = 1f - (float) Math.pow(BETA1, steps);
            float coef2 = 1f - (float) Math.pow(BETA2, steps);
            float stepSize = (float) (lr * Math.sqrt(coef2) / coef1);       // η·√(1 − β₂ᵗ)/(1 − β₁ᵗ)
            update.muli(0f);
            // libtorch's Adam on the flat vectors: g ← c·g, the moments, then update ← update − stepSize·m/(√v + ε)
            JniUtils.adamUpdate((PtNDArray) update, grad, (PtNDArray) m, (PtNDArray) v, lr, stepSize, 0f, clip,
                    -1f, BETA1, BETA2, EPSILON, false);
            for (int i = 0; i < params.size(); i++) {
                PtNDArray w = (PtNDArray) weights[i];
                if (decays[i]) {
                    w.muli(1f - lr * weightDecay);                          // w ← w − η·λ·w
                }
                w.addi(updateOf[i]);
                JniUtils.zeroGrad(w);                                       // clear the gradient
            }
            return norm;
        }
    }

    /**
     * Throws away the accumulated gradients (sets them to 0, NaN and ∞ included) without an update:
     * what a trainer does with a minibatch whose gradient came out non-finite.
     */
    public void discardGradients() {
        for (Map.Entry<String, Parameter> e : params) {
            JniUtils.zeroGrad((PtNDArray) e.getValue().getArray()); // zero_() makes NaN and ±∞ 0 too
        }
    }

    /** Number of updates applied. */
    public long steps() {
        return steps;
    }

    /** Frees the buffers and handles (the moments go with them); a later step starts new moments from zero. */
    @Override
    public void close() {
        if (cleanable != null) {
            cleanable.clean();
            cleanable = null;
            handles = null;
            weights = null;
        }
    }

    /** Makes the moments on the first step, and the handles when a parameter's array is not the one they were made for. */
    private void prepare() {
        if (cleanable == null) {
            long size = 0;
            for (Map.Entry<String, Parameter> e : params) {
                size += e.getValue().getArray().size();
            }
            NDArray first = params.get(0).getValue().getArray();
            moments = NDManager.newBaseManager(first.getDevice());
            m = moments.zeros(new Shape(size), first.getDataType());
            v = moments.zeros(new Shape(size), first.getDataType());
            update = moments.zeros(new Shape(size), first.getDataType());
            NDManager owned = moments;
            cleanable = CLEANER.register(this, owned::close); // the action holds the manager, not this
        }
        boolean current = weights != null;
        for (int i = 0; current && i < params.size(); i++) {
            current = params.get(i).getValue().getArray() == weights[i];
        }
        if (!current) {
            makeHandles();
        }
    }

    private void makeHandles() {
        if (handles != null) {
            handles.close();
        }
        handles = moments.newSubManager();
        int n = params.size();
        weights = new NDArray[n];
        flatGrads = new PtNDArray[n];
        updateOf = new NDArray[n];
        decays = new boolean[n];
        defineGradients();
        long offset = 0;
        for (int i = 0; i < n; i++) {
            PtNDArray w = (PtNDArray) params.get(i).getValue().getArray();
            weights[i] = w;
            decays[i] = weightDecay != 0f && w.getShape().dimension() >= 2;
            PtNDArray grad = JniUtils.getGradient(w); // the tensor later gradients accumulate into
            grad.attach(handles);
            flatGrads[i] = (PtNDArray) grad.reshape(-1);  // a view: the gradient is contiguous
            flatGrads[i].attach(handles);
            long size = w.size();
            updateOf[i] = update.get(new NDIndex("{}:{}", offset, offset + size)).reshape(w.getShape());
            updateOf[i].attach(handles);
            offset += size;
        }
    }

    /**
     * Gives every parameter a gradient tensor of its own (zeros) if it has none yet, so that each
     * handle made once sees every later gradient: a backward pass of 0·Σw with grad mode on.
     */
    private void defineGradients() {
        List<PtNDArray> missing = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : params) {
            PtNDArray w = (PtNDArray) e.getValue().getArray();
            if (!e.getValue().requiresGradient()) {
                throw new IllegalStateException("parameter " + e.getKey() + " is frozen (it has no gradient to train on)");
            }
            PtNDArray grad = JniUtils.getGradient(w);
            if (grad == null) {
                missing.add(w);
            } else {
                grad.close();
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (NDManager scratch = handles.newSubManager()) {
            NDArray total = null;
            for (PtNDArray w : missing) {
                NDArray s = w.sum();
                s.attach(scratch);
                total = total == null ? s : total.add(s);
            }
            JniUtils.backward((PtNDArray) total, (PtNDArray) scratch.zeros(total.getShape(), total.getDataType()), false, false);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }
}
