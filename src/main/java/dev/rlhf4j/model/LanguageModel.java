package dev.rlhf4j.model;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.rlhf4j.core.Rlhf4j;
import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.text.Tokenizer;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A GPT language model ready to use: the {@link Gpt} block with its weights on one device, the
 * tokenizer it was trained with, and the {@link NDManager} that owns the weights. Work (a training
 * step, a generation) happens in a sub-manager from {@link #newWorkManager()} that the caller
 * closes, so nothing accumulates on the model's manager.
 */
public final class LanguageModel implements AutoCloseable {

    /** Forward parameters that skip the LM head ({@link #hidden}). */
    private static final PairList<String, Object> HIDDEN_ONLY =
            new PairList<>(List.of(Gpt.HIDDEN_ONLY), List.of(true));

    private final GptConfig config;
    private final Tokenizer tokenizer;
    private final Gpt block;
    private final NDManager manager;
    private final ParameterStore store;

    private LanguageModel(GptConfig config, Tokenizer tokenizer, Device device, Random init) {
        Rlhf4j.init();
        if (tokenizer.vocabSize() != config.vocabSize()) {
            throw new IllegalArgumentException("LanguageModel: the tokenizer has " + tokenizer.vocabSize()
                    + " tokens but GptConfig.vocabSize is " + config.vocabSize());
        }
        this.config = config;
        this.tokenizer = tokenizer;
        this.block = new Gpt(config, init);
        this.manager = NDManager.newBaseManager(device);
        this.manager.setName("lm");
        this.store = new ParameterStore(manager, false);
        Shape ids = new Shape(1, 1);
        block.initialize(manager, DataType.FLOAT32, ids, ids, new Shape(1, 1, 1, 1));
    }

    /**
     * A freshly initialised model: GPT-2's initialisation drawn from {@code Seeds.derive(seed, "gpt init")},
     * so the same seed gives the same weights whatever the engine drew before.
     */
    public static LanguageModel create(GptConfig config, Tokenizer tokenizer, Device device, long seed) {
        return new LanguageModel(config, tokenizer, device, Seeds.derive(seed, "gpt init"));
    }

    /** A model with every parameter zero-initialised, for loading weights into. */
    static LanguageModel forLoading(GptConfig config, Tokenizer tokenizer, Device device) {
        return new LanguageModel(config, tokenizer, device, null);
    }

    /**
     * One forward pass. {@code inputs} = {@code [ids, positions, bias]} (see {@link TokenBatch})
     * followed by a KV cache if any; returns {@code [logits [B,T,V], hidden [B,T,E], k0, v0, ...]}.
     * Results attach to the manager of {@code ids}. Gradients are recorded only inside a
     * {@code GradientCollector}.
     */
    public NDList forward(NDList inputs, boolean training) {
        return block.forward(store, inputs, training);
    }

    /**
     * {@link #forward} for decoding, without gradients: {@code inputs} ends with preallocated cache
     * buffers {@code [B,H,C,hd]} (one key and one value buffer per layer), into which the step's keys
     * and values are written in place at the columns {@code [filled − T, filled)}; attention reads the
     * first W columns, W the bias's width (filled ≤ W ≤ C, the columns from {@code filled} on masked; see
     * {@link Gpt#CACHE_IN_PLACE}). Returns {@code [logits, hidden]} followed by the same buffers.
     */
    NDList decode(NDList inputs, int filled) {
        return block.forward(store, inputs, false, new PairList<>(List.of(Gpt.CACHE_IN_PLACE), List.of(filled)));
    }

    /**
     * The final hidden states {@code [B,T,E]} of a forward pass without the LM head (no logits, no
     * cache): {@link #forward}'s second output, for less work.
     */
    public NDArray hidden(NDList inputs, boolean training) {
        return block.forward(store, inputs, training, HIDDEN_ONLY).get(0);
    }

    /**
     * The final hidden states at some slots of the batch only, {@code [N, E]} for {@code slots} (flat
     * indices of the {@code [B, T]} grid, e.g. {@link TokenBatch#slot}), in that order: {@link #hidden}
     * there, with the last block's queries, MLP and final LayerNorm computed at those slots alone
     * ({@link Gpt#HIDDEN_AT}).
     */
    public NDArray hiddenAt(NDList inputs, long[] slots, boolean training) {
        return block.forward(store, inputs, training, new PairList<>(List.of(Gpt.HIDDEN_AT), List.of(slots))).get(0);
    }

    /** The LM head (tied to the token embedding) on hidden states {@code [..., E]}: logits {@code [..., V]}. */
    public NDArray head(NDArray hidden) {
        return Linear.linear(hidden, store.getValue(block.tokenEmbedding(), hidden.getDevice(), false)).head();
    }

    /** A sub-manager of the model's manager, on the model's device, for one unit of work. */
    public NDManager newWorkManager() {
        return manager.newSubManager();
    }

    /** Number of arrays owned by the model's manager and its open sub-managers (leak checks). */
    public int resourceCount() {
        return ((BaseNDManager) manager).getManagedArrays().size();
    }

    /** The model's parameters by GPT-2 name. */
    public Map<String, Parameter> parameters() {
        return block.namedParameters();
    }

    /** Number of trainable parameters (counted from the arrays). */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : block.namedParameters().values()) {
            n += p.getArray().size();
        }
        return n;
    }

    /** Convenience for tests and notebooks: logits {@code [T][V]} of one sequence. */
    public float[][] logits(int[] tokens) {
        try (NDManager work = newWorkManager(); NoGrad g = NoGrad.enter()) {
            NDList in = TokenBatch.rightPadded(List.of(tokens), tokenizer.padId()).toInputs(work);
            NDArray logits = forward(in, false).get(0); // [1, T, V]
            float[] flat = logits.toFloatArray();
            int v = config.vocabSize();
            float[][] out = new float[tokens.length][v];
            for (int t = 0; t < tokens.length; t++) {
                System.arraycopy(flat, t * v, out[t], 0, v);
            }
            return out;
        }
    }

    /** The tokens of {@code text} as a prompt: BOS followed by the encoded text. */
    public int[] encodePrompt(String text) {
        int[] body = tokenizer.encode(text);
        int[] ids = new int[body.length + 1];
        ids[0] = tokenizer.bosId();
        System.arraycopy(body, 0, ids, 1, body.length);
        return ids;
    }

    public GptConfig config() {
        return config;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public Gpt block() {
        return block;
    }

    public Device device() {
        return manager.getDevice();
    }

    NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        manager.close();
    }

    @Override
    public String toString() {
        return String.format("LanguageModel(%,d parameters, %d layers, %d heads, width %d, context %d, vocab %d, %s)",
                config.parameterCount(), config.nLayer(), config.nHead(), config.nEmbd(),
                config.contextLength(), config.vocabSize(), device());
    }
}
