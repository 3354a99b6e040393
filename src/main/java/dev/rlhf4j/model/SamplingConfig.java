package dev.rlhf4j.model;

/**
 * How {@link Sampler} picks each next token.
 *
 * @param temperature logits are divided by it before the softmax; 0 means greedy (argmax)
 * @param topK keep only the k most likely tokens (0 = no limit)
 * @param topP nucleus sampling: keep the smallest set of most likely tokens whose probability
 *     reaches p (1 = no limit; Holtzman et al. 2019)
 * @param maxNewTokens stop after this many new tokens even without an end-of-sequence token
 * @param useKvCache decode incrementally with a key/value cache (same tokens, much faster);
 *     {@code false} re-runs the whole sequence for every token (for teaching and benchmarks)
 */
public record SamplingConfig(
        float temperature, int topK, float topP, int maxNewTokens, boolean useKvCache) {

    /** Validates every component. */
    public SamplingConfig {
        if (!(temperature >= 0f) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException(
                    "SamplingConfig.temperature: expected a finite value >= 0, found " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("SamplingConfig.topK: expected >= 0 (0 = off), found " + topK);
        }
        if (!(topP > 0f && topP <= 1f)) {
            throw new IllegalArgumentException("SamplingConfig.topP: expected a value in (0, 1], found " + topP);
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException(
                    "SamplingConfig.maxNewTokens: expected >= 1, found " + maxNewTokens);
        }
    }

    /** Pure sampling from the model's distribution (temperature 1, no top-k/top-p), 32 new tokens. */
    public static SamplingConfig defaults() {
        return new SamplingConfig(1f, 0, 1f, 32, true);
    }

    /** Greedy decoding: always the most likely token. */
    public static SamplingConfig greedy() {
        return defaults().withTemperature(0f);
    }

    /** Whether this config decodes greedily. */
    public boolean isGreedy() {
        return temperature == 0f;
    }

    public SamplingConfig withTemperature(float t) {
        return new SamplingConfig(t, topK, topP, maxNewTokens, useKvCache);
    }

    public SamplingConfig withTopK(int k) {
        return new SamplingConfig(temperature, k, topP, maxNewTokens, useKvCache);
    }

    public SamplingConfig withTopP(float p) {
        return new SamplingConfig(temperature, topK, p, maxNewTokens, useKvCache);
    }

    public SamplingConfig withMaxNewTokens(int n) {
        return new SamplingConfig(temperature, topK, topP, n, useKvCache);
    }

    public SamplingConfig withKvCache(boolean on) {
        return new SamplingConfig(temperature, topK, topP, maxNewTokens, on);
    }
}
