package dev.rlhf4j.model;

/**
 * Shape of a GPT-2-style decoder-only transformer (Radford et al. 2019; nanoGPT's {@code GPTConfig}).
 *
 * @param vocabSize number of token ids (the tokenizer's {@code vocabSize()})
 * @param contextLength longest sequence the model sees (learned position embeddings), GPT-2's
 *     {@code n_positions}
 * @param nLayer number of transformer blocks
 * @param nHead attention heads per block; must divide {@code nEmbd}
 * @param nEmbd width of the residual stream
 * @param dropout dropout rate on embeddings, attention weights and residual branches while
 *     training (0 for RL fine-tuning)
 * @param activation the MLP's non-linearity
 * @param layerNormEpsilon ε of every LayerNorm (GPT-2: 1e-5)
 */
public record GptConfig(
        int vocabSize,
        int contextLength,
        int nLayer,
        int nHead,
        int nEmbd,
        float dropout,
        Activation activation,
        float layerNormEpsilon) {

    /** The MLP non-linearity. */
    public enum Activation {
        /** Exact GELU, x·Φ(x): one fused op, our models' default. */
        GELU,
        /** GPT-2's tanh approximation, 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) ("gelu_new"). */
        GELU_TANH
    }

    /** Validates every component. */
    public GptConfig {
        require(vocabSize >= 4, "vocabSize", vocabSize, "at least 4 (the special tokens)");
        require(contextLength >= 2, "contextLength", contextLength, "at least 2");
        require(nLayer >= 1, "nLayer", nLayer, "at least 1");
        require(nHead >= 1, "nHead", nHead, "at least 1");
        require(nEmbd >= 1 && nEmbd % nHead == 0, "nEmbd", nEmbd, "a positive multiple of nHead=" + nHead);
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("GptConfig.dropout: expected a rate in [0, 1), found " + dropout);
        }
        if (activation == null) {
            throw new IllegalArgumentException("GptConfig.activation: expected GELU or GELU_TANH, found null");
        }
        if (!(layerNormEpsilon > 0f)) {
            throw new IllegalArgumentException(
                    "GptConfig.layerNormEpsilon: expected > 0, found " + layerNormEpsilon);
        }
    }

    /**
     * The bundled "small" configuration: 4 layers, 4 heads, width 128, context 64 — about 0.9 M
     * parameters with the review-world vocabulary; pretrains on a laptop CPU in minutes.
     */
    public static GptConfig small(int vocabSize) {
        return new GptConfig(vocabSize, 64, 4, 4, 128, 0.1f, Activation.GELU, 1e-5f);
    }

    /** Width of one attention head. */
    public int headSize() {
        return nEmbd / nHead;
    }

    /** Number of trainable parameters (the LM head is tied to the token embedding). */
    public long parameterCount() {
        long e = nEmbd;
        long perLayer = 2 * 2 * e // two LayerNorms
                + 3 * e * e + 3 * e // qkv
                + e * e + e // attention projection
                + 4 * e * e + 4 * e // MLP up
                + 4 * e * e + e; // MLP down
        return (long) vocabSize * e + (long) contextLength * e + nLayer * perLayer + 2 * e;
    }

    private static void require(boolean ok, String field, int found, String expected) {
        if (!ok) {
            throw new IllegalArgumentException(
                    "GptConfig." + field + ": expected " + expected + ", found " + found);
        }
    }

    /** A builder that starts from this config's values: {@code x.toBuilder().field(value).build()}. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes a config one field at a time; {@link #build()} validates the result. */
    public static final class Builder {
        private int vocabSize;
        private int contextLength;
        private int nLayer;
        private int nHead;
        private int nEmbd;
        private float dropout;
        private Activation activation;
        private float layerNormEpsilon;

        private Builder(GptConfig c) {
            vocabSize = c.vocabSize;
            contextLength = c.contextLength;
            nLayer = c.nLayer;
            nHead = c.nHead;
            nEmbd = c.nEmbd;
            dropout = c.dropout;
            activation = c.activation;
            layerNormEpsilon = c.layerNormEpsilon;
        }

        // One setter per component, named as the component.
        public Builder vocabSize(int v) { vocabSize = v; return this; }
        public Builder contextLength(int v) { contextLength = v; return this; }
        public Builder nLayer(int v) { nLayer = v; return this; }
        public Builder nHead(int v) { nHead = v; return this; }
        public Builder nEmbd(int v) { nEmbd = v; return this; }
        public Builder dropout(float v) { dropout = v; return this; }
        public Builder activation(Activation v) { activation = v; return this; }
        public Builder layerNormEpsilon(float v) { layerNormEpsilon = v; return this; }

        /** The config, validated. */
        public GptConfig build() {
            return new GptConfig(vocabSize, contextLength, nLayer, nHead, nEmbd, dropout, activation, layerNormEpsilon);
        }
    }
}
