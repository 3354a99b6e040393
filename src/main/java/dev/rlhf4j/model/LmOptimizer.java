package dev.rlhf4j.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.lang.ref.Cleaner;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
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
 * <p>On the CPU (the usual case here) a step runs in Java, parameter by parameter, on copies of its
 * weights and gradient taken straight from their memory: the gradients' sum of squares, then clip,
 * moments, decay and update fused in one loop the JIT vectorises (the moments live on the Java
 * heap; a model whose moments would take more than a quarter of the heap keeps libtorch's step), the
 * weights written back and the gradient cleared. libtorch's own step makes a dozen passes
 * over all parameters with temporaries and some 170 native calls; this one about half the time
 * ({@code bench/README.md} has the figures). The weights and gradients are read and written through
 * direct views of their memory, made on the first step and kept: PyTorch accumulates every later
 * gradient into the same tensor, so a view made once stays valid; they are made again if a
 * parameter's array is replaced.
 *
 * <p>On other devices the step stays there, flat: the moments are one vector each and the
 * gradients are gathered into one vector with a single {@code cat}, so the norm is one dot product
 * and the moments and the update are one call of libtorch's own Adam kernel over all parameters at
 * once (DJL's {@code adamUpdate}). What stays per parameter is what must: decay and update the
 * weight, clear the gradient. The buffers live in the optimizer's own managers, on the parameters'
 * device: {@link #close()} frees them, and so does the garbage collector once the optimizer is
 * unreachable.
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
    private final boolean onHost;        // CPU parameters: the fused step in Java over their own memory
    private FloatBuffer[] weightViews;   // on the host: parameter i's weights, its own memory
    private FloatBuffer[] gradViews;     // on the host: parameter i's gradient, its own memory
    private float[][] hostM;             // on the host: parameter i's moments, on the Java heap
    private float[][] hostV;
    private float[] wScratch;            // on the host: a parameter's weights and gradient, copied in
    private float[] gScratch;
    private long steps;

    /**
     * @param params the parameters to train (by name)
     * @param weightDecay decoupled weight decay for matrices
     * @param maxGradNorm clip the global gradient norm to this (≤ 0: no clipping)
     */
    public LmOptimizer(Map<String, Parameter> params, float weightDecay, float maxGradNorm) {
        this(params, weightDecay, maxGradNorm, true);
    }

    /**
     * @param hostWhenCpu take the host step for parameters on the CPU (false: the libtorch step
     *     everywhere, which tests compare the host step with)
     */
    LmOptimizer(Map<String, Parameter> params, float weightDecay, float maxGradNorm, boolean hostWhenCpu) {
        this.params = new ArrayList<>(params.entrySet());
        this.weightDecay = weightDecay;
        this.maxGradNorm = maxGradNorm;
        this.onHost = hostWhenCpu && !this.params.isEmpty()
                && this.params.get(0).getValue().getArray().getDevice().equals(Device.cpu());
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
        if (weightViews != null) {
            return hostStep(lr);
        }
        try (NoGrad g = NoGrad.enter(); NDManager scope = handles.newSubManager()) {
            PtNDArray grad = JniUtils.cat(flatGrads, 0); // every gradient, in one vector
            grad.attach(scope);
            NDArray sumOfSquares = grad.dot(grad);
            sumOfSquares.attach(scope);
            float norm = checkedNorm(sumOfSquares.getFloat());
            float clip = clipFactor(norm);
            float stepSize = nextStepSize(lr);
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
     * The same step on the CPU, in Java, through the direct views of each parameter's weights and
     * gradient: one pass for the norm, then per parameter one fused loop of clip, moments, decay and
     * update on a copy of its weights and gradient, which go back (the gradient as zeros).
     */
    private float hostStep(float lr) {
        double sumOfSquares = 0;
        for (int i = 0; i < params.size(); i++) {
            sumOfSquares += sumOfSquares(gradViews[i], gScratch);
        }
        float norm = checkedNorm((float) sumOfSquares);
        float clip = clipFactor(norm);
        float stepSize = nextStepSize(lr);
        float decayed = 1f - lr * weightDecay;
        for (int i = 0; i < params.size(); i++) {
            FloatBuffer w = weightViews[i];
            int n = w.capacity();
            w.get(0, wScratch, 0, n);
            gradViews[i].get(0, gScratch, 0, n);
            adam(wScratch, gScratch, hostM[i], hostV[i], n, clip, decays[i] ? decayed : 1f, stepSize);
            w.put(0, wScratch, 0, n);
            Arrays.fill(gScratch, 0, n, 0f);
            gradViews[i].put(0, gScratch, 0, n);                            // clear the gradient
        }
        return norm;
    }

    /**
     * AdamW on n entries: g ← c·g; m ← β₁·m + (1 − β₁)·g; v ← β₂·v + (1 − β₂)·g²;
     * w ← keep·w − stepSize·m/(√v + ε). Every array at the same index: a loop the JIT vectorises.
     */
    private static void adam(float[] w, float[] g, float[] m, float[] v, int n, float clip, float keep, float stepSize) {
        for (int k = 0; k < n; k++) {
            float gk = g[k] * clip;
            float mk = BETA1 * m[k] + (1f - BETA1) * gk;
            float vk = BETA2 * v[k] + (1f - BETA2) * gk * gk;
            m[k] = mk;
            v[k] = vk;
            w[k] = keep * w[k] - stepSize * mk / ((float) Math.sqrt(vk) + EPSILON);
        }
    }

    /** Σ g² over a buffer (copied into {@code scratch}), with four partial sums. */
    private static double sumOfSquares(FloatBuffer g, float[] scratch) {
        int n = g.capacity();
        g.get(0, scratch, 0, n);
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int k = 0;
        for (; k + 3 < n; k += 4) {
            s0 += scratch[k] * scratch[k];
            s1 += scratch[k + 1] * scratch[k + 1];
            s2 += scratch[k + 2] * scratch[k + 2];
            s3 += scratch[k + 3] * scratch[k + 3];
        }
        for (; k < n; k++) {
            s0 += scratch[k] * scratch[k];
        }
        return (double) s0 + s1 + s2 + s3;
    }

    private float checkedNorm(float sumOfSquares) {
        float norm = (float) Math.sqrt(sumOfSquares); // ‖g‖₂ over every gradient
        if (!Float.isFinite(norm)) {
            throw new ArithmeticException("gradient norm is " + norm + " at step " + (steps + 1)
                    + ": the loss diverged (lower the learning rate)");
        }
        return norm;
    }

    /** The clipping factor: g ← g·c/‖g‖ when ‖g‖ is above maxGradNorm. */
    private float clipFactor(float norm) {
        return maxGradNorm > 0 && norm > maxGradNorm ? maxGradNorm / (norm + 1e-6f) : 1f;
    }

    /** Counts the step and returns its η·√(1 − β₂ᵗ)/(1 − β₁ᵗ). */
    private float nextStepSize(float lr) {
        steps++;
        float coef1 = 1f - (float) Math.pow(BETA1, steps);
        float coef2 = 1f - (float) Math.pow(BETA2, steps);
        return (float) (lr * Math.sqrt(coef2) / coef1);
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
            long largest = 0;
            for (Map.Entry<String, Parameter> e : params) {
                size += e.getValue().getArray().size();
                largest = Math.max(largest, e.getValue().getArray().size());
            }
            NDArray first = params.get(0).getValue().getArray();
            moments = NDManager.newBaseManager(first.getDevice());
            // the moments and the scratch on the Java heap: only while they take at most a quarter of it
            long heapBytes = 4 * (2 * size + 2 * largest);
            if (onHost && largest <= Integer.MAX_VALUE && first.getDataType() == DataType.FLOAT32
                    && heapBytes <= Runtime.getRuntime().maxMemory() / 4) {
                hostM = new float[params.size()][];
                hostV = new float[params.size()][];
                for (int i = 0; i < params.size(); i++) {
                    int n = (int) params.get(i).getValue().getArray().size();
                    hostM[i] = new float[n];
                    hostV[i] = new float[n];
                }
                wScratch = new float[(int) largest];
                gScratch = new float[(int) largest];
            } else {
                m = moments.zeros(new Shape(size), first.getDataType());
                v = moments.zeros(new Shape(size), first.getDataType());
                update = moments.zeros(new Shape(size), first.getDataType());
            }
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
        weightViews = hostM == null ? null : new FloatBuffer[n];
        gradViews = hostM == null ? null : new FloatBuffer[n];
        long offset = 0;
        for (int i = 0; i < n; i++) {
            PtNDArray w = (PtNDArray) params.get(i).getValue().getArray();
            weights[i] = w;
            decays[i] = weightDecay != 0f && w.getShape().dimension() >= 2;
            PtNDArray grad = JniUtils.getGradient(w); // the tensor later gradients accumulate into
            grad.attach(handles);
            if (hostM != null) {
                if (hostM[i].length != w.size()) {
                    throw new IllegalStateException("LmOptimizer: parameter " + params.get(i).getKey() + " now has "
                            + w.size() + " entries, its moments " + hostM[i].length);
                }
                weightViews[i] = ownMemory(w, params.get(i).getKey());
                gradViews[i] = ownMemory(grad, params.get(i).getKey() + "'s gradient");
                continue;
            }
            flatGrads[i] = (PtNDArray) grad.reshape(-1);  // a view: the gradient is contiguous
            flatGrads[i].attach(handles);
            long size = w.size();
            updateOf[i] = update.get(new NDIndex("{}:{}", offset, offset + size)).reshape(w.getShape());
            updateOf[i].attach(handles);
            offset += size;
        }
    }

    /**
     * A CPU array's own memory as floats: what is written there is the array. Refused for an array
     * that is not one dense block (libtorch would hand out a copy, and the step would be lost).
     */
    private static FloatBuffer ownMemory(PtNDArray a, String what) {
        FloatBuffer view = JniUtils.getByteBuffer(a, true).asFloatBuffer();
        if (view.capacity() > 0) {
            FloatBuffer again = JniUtils.getByteBuffer(a, true).asFloatBuffer(); // a copy would be a second copy
            float x = view.get(0);
            view.put(0, Float.NaN);
            boolean shared = Float.isNaN(again.get(0));
            view.put(0, x);
            if (!shared) {
                throw new IllegalStateException("LmOptimizer: " + what + " is not one dense block of memory "
                        + "(a strided view?); its update would be lost");
            }
        }
        return view;
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
