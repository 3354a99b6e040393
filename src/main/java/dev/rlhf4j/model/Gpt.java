package dev.rlhf4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import dev.rlhf4j.core.Scalars;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A GPT-2 decoder-only transformer as one DJL block, written out like nanoGPT's {@code model.py}:
 * token + learned position embeddings, {@code nLayer} pre-LayerNorm blocks of causal multi-head
 * self-attention and a GELU MLP, a final LayerNorm, and an LM head tied to the token embedding.
 *
 * <p>Parameters carry GPT-2's names ({@code wte.weight}, {@code h.0.attn.c_attn.weight}, ...), but
 * linear weights are stored {@code [out, in]} like {@code torch.nn.Linear} (GPT-2's Conv1D stores
 * them transposed). Initialisation follows GPT-2: N(0, 0.02) for weights, N(0, 0.02/√(2·nLayer))
 * for the two residual projections of each block, zeros for biases, ones for LayerNorm gains.
 *
 * <p>Inputs: {@code [ids [B,T] int64, positions [B|1,T] int64, bias [B|1,1,T,S] float32]} then,
 * for incremental decoding, the cached keys and values of every layer ({@code k0, v0, k1, v1, ...},
 * each {@code [B,H,P,hd]}, S = P + T). {@code bias} is 0 where a query may attend to a key and a
 * large negative number where it may not ({@link AttentionMask} builds it). Outputs:
 * {@code [logits [B,T,V], hidden [B,T,E], k0', v0', ...]} where the new caches have length S. With
 * the parameter {@link #HIDDEN_ONLY} the LM head is skipped and the output is {@code [hidden]}: what
 * a reward model reads, or a caller that applies the head to some positions only.
 */
public final class Gpt extends AbstractBlock {

    private static final float MASKED_FILL = -1e9f;
    private static final long[] ZEROS = {0, 0, 0, 0};
    private static final long[] ONES = {1, 1, 1, 1};

    /** Forward parameter: return only the final hidden states {@code [B,T,E]}, without logits or caches. */
    public static final String HIDDEN_ONLY = "hidden_only";

    /**
     * Forward parameter: the cached keys and values are preallocated buffers {@code [B,H,C,hd]}, and the
     * parameter's value (an {@link Integer}) is F, the number of columns filled once this step's T are
     * written. The step's keys and values go into the buffers at {@code [F − T, F)}; attention reads the
     * first W columns, W the bias's width ({@code [B|1, 1, T, W]}, F ≤ W ≤ C), and the bias masks the
     * columns from F on (as a causal bias does by itself; they weigh exactly 0). A W above F keeps
     * libtorch's batched product off its naive loop for short rows (see {@code Sampler}). The outputs are
     * the same buffers. Without the parameter a cache grows by concatenation, which copies all of it at
     * every step.
     */
    public static final String CACHE_IN_PLACE = "cache_in_place";

    /**
     * Forward parameter: a {@code long[]} of flat slots of the {@code [B,T]} grid; the output is
     * {@code [hidden [N,E]]}, the final hidden states at those slots in that order (what
     * {@link #HIDDEN_ONLY} gives there, up to float rounding). The last block computes keys and values
     * at every position, since the slots attend to them, but its queries, attention output, MLP and the
     * final LayerNorm at the slots alone: a reward model that reads one position per sequence skips
     * three quarters of the last block's work. Not with a KV cache.
     */
    public static final String HIDDEN_AT = "hidden_at";

    private final GptConfig config;
    private final Parameter wte;
    private final Parameter wpe;
    private final List<Map<String, Parameter>> layers = new ArrayList<>();
    private final Parameter lnFWeight;
    private final Parameter lnFBias;
    private final Map<String, Parameter> named = new LinkedHashMap<>();

    /**
     * Builds the block for {@code config}; call {@link #initialize} (or load weights) before use.
     *
     * @param rng draws GPT-2's initial weights; {@code null} initialises every weight to zero, for a
     *     block whose weights are about to be loaded
     */
    public Gpt(GptConfig config, Random rng) {
        this.config = config;
        int e = config.nEmbd();
        Initializer normal = rng == null ? Initializer.ZEROS : new SeededNormal(0.02f, rng);
        Initializer residual = rng == null ? Initializer.ZEROS
                : new SeededNormal((float) (0.02 / Math.sqrt(2.0 * config.nLayer())), rng);
        wte = param("wte.weight", Parameter.Type.WEIGHT, new Shape(config.vocabSize(), e), normal);
        wpe = param("wpe.weight", Parameter.Type.WEIGHT, new Shape(config.contextLength(), e), normal);
        for (int i = 0; i < config.nLayer(); i++) {
            String p = "h." + i + ".";
            Map<String, Parameter> l = new LinkedHashMap<>();
            l.put("ln_1.weight", param(p + "ln_1.weight", Parameter.Type.GAMMA, new Shape(e), Initializer.ONES));
            l.put("ln_1.bias", param(p + "ln_1.bias", Parameter.Type.BETA, new Shape(e), Initializer.ZEROS));
            l.put("attn.c_attn.weight", param(p + "attn.c_attn.weight", Parameter.Type.WEIGHT, new Shape(3 * e, e), normal));
            l.put("attn.c_attn.bias", param(p + "attn.c_attn.bias", Parameter.Type.BIAS, new Shape(3 * e), Initializer.ZEROS));
            l.put("attn.c_proj.weight", param(p + "attn.c_proj.weight", Parameter.Type.WEIGHT, new Shape(e, e), residual));
            l.put("attn.c_proj.bias", param(p + "attn.c_proj.bias", Parameter.Type.BIAS, new Shape(e), Initializer.ZEROS));
            l.put("ln_2.weight", param(p + "ln_2.weight", Parameter.Type.GAMMA, new Shape(e), Initializer.ONES));
            l.put("ln_2.bias", param(p + "ln_2.bias", Parameter.Type.BETA, new Shape(e), Initializer.ZEROS));
            l.put("mlp.c_fc.weight", param(p + "mlp.c_fc.weight", Parameter.Type.WEIGHT, new Shape(4 * e, e), normal));
            l.put("mlp.c_fc.bias", param(p + "mlp.c_fc.bias", Parameter.Type.BIAS, new Shape(4 * e), Initializer.ZEROS));
            l.put("mlp.c_proj.weight", param(p + "mlp.c_proj.weight", Parameter.Type.WEIGHT, new Shape(e, 4 * e), residual));
            l.put("mlp.c_proj.bias", param(p + "mlp.c_proj.bias", Parameter.Type.BIAS, new Shape(e), Initializer.ZEROS));
            layers.add(l);
        }
        lnFWeight = param("ln_f.weight", Parameter.Type.GAMMA, new Shape(e), Initializer.ONES);
        lnFBias = param("ln_f.bias", Parameter.Type.BETA, new Shape(e), Initializer.ZEROS);
    }

    private Parameter param(String name, Parameter.Type type, Shape shape, Initializer init) {
        Parameter p = Parameter.builder().setName(name).setType(type).optShape(shape)
                .optInitializer(init).build();
        named.put(name, addParameter(p));
        return p;
    }

    /** The configuration this block was built for. */
    public GptConfig config() {
        return config;
    }

    /** Every parameter by its GPT-2 name, in a stable order. */
    public Map<String, Parameter> namedParameters() {
        return Collections.unmodifiableMap(named);
    }

    /** The token embedding (also the LM head's weight). */
    public Parameter tokenEmbedding() {
        return wte;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.get(0); // [B, T]
        NDArray positions = inputs.get(1); // [B|1, T]
        NDArray bias = inputs.get(2); // [B|1, 1, T, S]
        boolean cached = inputs.size() > 3;
        long b = ids.getShape().get(0);
        long t = ids.getShape().get(1);
        int e = config.nEmbd();
        var device = ids.getDevice();
        float p = training ? config.dropout() : 0f;
        boolean inPlace = cached && params != null && params.contains(CACHE_IN_PLACE);
        long s = bias.getShape().get(3);
        long filled = inPlace ? ((Number) params.get(CACHE_IN_PLACE)).longValue() : s;
        if (inPlace) {
            long c = inputs.get(3).getShape().get(2);
            if (filled < t || filled > s || s > c) {
                throw new IllegalArgumentException("Gpt: with " + CACHE_IN_PLACE + " expected T ≤ F ≤ W ≤ C for the new"
                        + " columns T = " + t + ", the filled columns F = " + filled + ", the bias's width W = " + s
                        + " and the cache's columns C = " + c);
            }
        }
        long[] at = params != null && params.contains(HIDDEN_AT) ? (long[]) params.get(HIDDEN_AT) : null;
        if (at != null && cached) {
            throw new IllegalArgumentException("Gpt: " + HIDDEN_AT + " does not combine with a KV cache");
        }

        NDArray wteArr = ps.getValue(wte, device, training);
        NDArray x = Embedding.embedding(ids, wteArr, SparseFormat.DENSE).head() // [B, T, E]
                .add(Embedding.embedding(positions, ps.getValue(wpe, device, training), SparseFormat.DENSE).head());
        // The residual stream stays [B·T, E] through the blocks: libtorch's C++ linear fuses the bias into the
        // product (addmm) only for a 2-d input; on [B, T, E] it runs matmul's reshapes and then adds the bias in
        // a second pass (bench/README.md, "Linear layers on 2-d inputs").
        x = dropout(x, p).reshape(b * t, e);
        NDArray qScale = Scalars.of(x, 1.0 / Math.sqrt(config.headSize())); // one 0-d array for every layer (see Scalars)
        NDList out = new NDList(2 + 2 * config.nLayer());
        NDList caches = new NDList(2 * config.nLayer());
        for (int i = 0; i < config.nLayer(); i++) {
            Map<String, Parameter> l = layers.get(i);
            if (at != null && i == config.nLayer() - 1) {
                return new NDList(layerNorm(lastBlockAt(x, b, t, bias, at, qScale, l, ps, training, p), ps, lnFWeight, lnFBias, training));
            }
            // --- attention: x + proj(softmax(q·kᵀ/√hd + bias)·v)
            NDArray h = layerNorm(x, ps, l.get("ln_1.weight"), l.get("ln_1.bias"), training);
            NDArray qkv = linear(h, ps, l.get("attn.c_attn.weight"), l.get("attn.c_attn.bias"), training); // [B·T,3E]
            // [B·T,3E] → [B,3H,T,hd] (views), then q, k, v: [B,H,T,hd] each, in three calls instead of seven
            // (one token: [B,3H,1,hd] is the same order already)
            NDList split = (t == 1 ? qkv.reshape(b, 3L * config.nHead(), 1, config.headSize())
                    : qkv.reshape(b, t, 3L * config.nHead(), config.headSize()).transpose(0, 2, 1, 3)).split(3, 1);
            NDArray q0 = split.get(0);
            NDArray q = q0.mul(qScale); // [B,H,T,hd]
            NDArray k = split.get(1);
            NDArray v = split.get(2);
            if (cached && inPlace) {
                NDArray kc = inputs.get(3 + 2 * i); // [B,H,C,hd]
                NDArray vc = inputs.get(4 + 2 * i);
                long[] shape = kc.getShape().getShape();
                long[] from = {0, 0, filled - t, 0};
                long[] to = {shape[0], shape[1], filled, shape[3]};
                JniUtils.indexSet((PtNDArray) kc, (PtNDArray) k, from, to, ONES); // kc[:, :, F−T:F] = k
                JniUtils.indexSet((PtNDArray) vc, (PtNDArray) v, from, to, ONES);
                caches.add(kc);
                caches.add(vc);
                long[] width = {shape[0], shape[1], s, shape[3]};
                PtNDManager m = (PtNDManager) k.getManager();
                k = JniUtils.index((PtNDArray) kc, ZEROS, width, ONES, m); // kc[:, :, :W], a view [B,H,W,hd]
                v = JniUtils.index((PtNDArray) vc, ZEROS, width, ONES, m); // (the bias masks the columns from F on)
            } else {
                if (cached) {
                    k = NDArrays.concat(new NDList(inputs.get(3 + 2 * i), k), 2); // [B,H,S,hd]
                    v = NDArrays.concat(new NDList(inputs.get(4 + 2 * i), v), 2);
                }
                caches.add(k);
                caches.add(v);
            }
            NDArray att = q.matMul(k.transpose(0, 1, 3, 2)).add(bias).softmax(-1); // [B,H,T,S]
            att = dropout(att, p);
            NDArray y = att.matMul(v); // [B,H,T,hd]
            y = (t == 1 ? y : y.transpose(0, 2, 1, 3)).reshape(b * t, e); // [B·T,E] (one token: the same order already)
            y = linear(y, ps, l.get("attn.c_proj.weight"), l.get("attn.c_proj.bias"), training);
            x = mlp(x.add(dropout(y, p)), l, ps, training, p);
        }
        x = layerNorm(x, ps, lnFWeight, lnFBias, training); // [B·T,E]
        if (params != null && params.contains(HIDDEN_ONLY)) {
            return new NDList(x.reshape(b, t, e));
        }
        NDArray logits = Linear.linear(x, wteArr).head(); // tied head: [B·T,V]
        out.add(logits.reshape(b, t, config.vocabSize()));
        out.add(x.reshape(b, t, e));
        out.addAll(caches);
        return out;
    }

    /**
     * The last block at the slots {@code at} only ({@link #HIDDEN_AT}): {@code [N, E]}. Keys and values
     * come from every position; the slots' queries are grouped by row, m per row (m = the most slots any
     * row has; a row with fewer repeats one, whose output is not read), so attention stays one batched
     * {@code [B,H,m,S]} product over each row's own keys and bias rows.
     */
    private NDArray lastBlockAt(NDArray x, long b, long t, NDArray bias, long[] at, NDArray qScale,
            Map<String, Parameter> l, ParameterStore ps, boolean training, float p) { // x: [B·T, E]
        int e = config.nEmbd();
        int[] count = new int[(int) b];
        for (long slot : at) {
            if (slot < 0 || slot >= b * t) {
                throw new IllegalArgumentException("Gpt: slot " + slot + " is outside the [" + b + ", " + t + "] grid");
            }
            count[(int) (slot / t)]++;
        }
        int m = 1;
        for (int c : count) {
            m = Math.max(m, c);
        }
        long[] query = new long[(int) b * m]; // the slot whose query goes to row r's k-th place
        long[] pick = new long[at.length];    // where slot at[n]'s output lands among the B·m
        int[] filled = new int[(int) b];
        for (int n = 0; n < at.length; n++) {
            int r = (int) (at[n] / t);
            int k = filled[r]++;
            query[r * m + k] = at[n];
            pick[n] = (long) r * m + k;
        }
        for (int r = 0; r < b; r++) {
            for (int k = filled[r]; k < m; k++) {
                query[r * m + k] = filled[r] > 0 ? query[r * m] : (long) r * t; // a repeat: computed, not read
            }
        }
        long bb = bias.getShape().get(0); // B, or 1 when every row has the same mask
        long s = bias.getShape().get(3);
        long[] biasRow = bb == b ? query : java.util.Arrays.stream(query).map(q -> q % t).toArray();
        NDManager mgr = x.getManager();
        NDArray h = layerNorm(x, ps, l.get("ln_1.weight"), l.get("ln_1.bias"), training);
        NDArray qkv = linear(h, ps, l.get("attn.c_attn.weight"), l.get("attn.c_attn.bias"), training); // [B·T,3E]
        NDList split = qkv.reshape(b, t, 3L * config.nHead(), config.headSize()).transpose(0, 2, 1, 3).split(3, 1);
        NDArray k = split.get(1); // [B,H,T,hd]
        NDArray v = split.get(2);
        NDArray q0 = qkv.get(mgr.create(query)).get(new NDIndex(":, 0:" + e)) // [B·m, E]: q is the first E
                .reshape(b, m, config.nHead(), config.headSize()).transpose(0, 2, 1, 3);                  // [B,H,m,hd]
        NDArray q = q0.mul(qScale);
        NDArray bq = bias.reshape(bb * t, s).get(mgr.create(biasRow)).reshape(b, 1, m, s); // each query's bias row
        NDArray att = dropout(q.matMul(k.transpose(0, 1, 3, 2)).add(bq).softmax(-1), p);  // [B,H,m,S]
        NDArray y = att.matMul(v).transpose(0, 2, 1, 3).reshape(b * m, e).get(mgr.create(pick)); // [N,E]
        y = linear(y, ps, l.get("attn.c_proj.weight"), l.get("attn.c_proj.bias"), training);
        NDArray xa = x.get(mgr.create(at)).add(dropout(y, p)); // the residual stream at the slots
        return mlp(xa, l, ps, training, p);
    }

    /** A block's MLP with its residual: {@code x + W2·gelu(W1·ln(x))}, on {@code [..., E]}. */
    private NDArray mlp(NDArray x, Map<String, Parameter> l, ParameterStore ps, boolean training, float p) {
        NDArray h = layerNorm(x, ps, l.get("ln_2.weight"), l.get("ln_2.bias"), training);
        h = activation(linear(h, ps, l.get("mlp.c_fc.weight"), l.get("mlp.c_fc.bias"), training)); // [..., 4E]
        h = linear(h, ps, l.get("mlp.c_proj.weight"), l.get("mlp.c_proj.bias"), training);
        return x.add(dropout(h, p));
    }

    private NDArray linear(NDArray x, ParameterStore ps, Parameter w, Parameter bias, boolean training) {
        var d = x.getDevice();
        return Linear.linear(x, ps.getValue(w, d, training), ps.getValue(bias, d, training)).head();
    }

    private NDArray layerNorm(NDArray x, ParameterStore ps, Parameter g, Parameter bias, boolean training) {
        var d = x.getDevice();
        return LayerNorm.layerNorm(x, new Shape(config.nEmbd()), ps.getValue(g, d, training),
                ps.getValue(bias, d, training), config.layerNormEpsilon()).head();
    }

    private NDArray activation(NDArray x) {
        if (config.activation() == GptConfig.Activation.GELU) {
            return Activation.gelu(x);
        }
        // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
        NDArray inner = x.mul(x).mul(x).mul(Scalars.of(x, 0.044715)).add(x).mul(Scalars.of(x, Math.sqrt(2.0 / Math.PI))).tanh();
        return inner.add(1f).mul(x).mul(Scalars.of(x, 0.5));
    }

    /**
     * Inverted dropout, {@code x · 1[u ≥ p] / (1 − p)} with {@code u ~ U[0, 1)} drawn per element: the
     * distribution of PyTorch's dropout, whose {@code bernoulli_} draws the mask one element at a time
     * on CPUs that MKL's generator does not serve (AMD: about 10 ns an element, against 3 for
     * {@code uniform_}; a quarter of a small model's training step, {@code bench/README.md}). The mask is
     * scaled before it meets x, so the gradient path has one product, not two.
     */
    static NDArray dropout(NDArray x, float p) {
        if (p <= 0f) {
            return x;
        }
        NDArray mask = x.getManager().randomUniform(0f, 1f, x.getShape(), x.getDataType(), x.getDevice())
                .gte(Scalars.of(x, p))                   // bool, true with probability 1 − p
                .mul(Scalars.of(x, 1.0 / (1.0 - p)));    // 0 or 1/(1 − p), in x's type
        return x.mul(mask);
    }

    /** The additive value used for masked attention entries. */
    public static float maskedFill() {
        return MASKED_FILL;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape ids = inputShapes[0];
        long b = ids.get(0);
        long t = ids.get(1);
        int n = 2 + 2 * config.nLayer();
        Shape[] shapes = new Shape[n];
        shapes[0] = new Shape(b, t, config.vocabSize());
        shapes[1] = new Shape(b, t, config.nEmbd());
        long s = inputShapes.length > 3 ? inputShapes[3].get(2) + t : t;
        for (int i = 2; i < n; i++) {
            shapes[i] = new Shape(b, config.nHead(), s, config.headSize());
        }
        return shapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // no child blocks: every parameter is direct and has its shape from the config
    }

    @Override
    public String toString() {
        return "Gpt" + config;
    }
}
