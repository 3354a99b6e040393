package dev.rlhf4j.grpo;

import dev.rlhf4j.core.RunSize;
import dev.rlhf4j.model.SamplingConfig;

/**
 * GRPO settings with TRL's {@code GRPOConfig} names in camelCase, and its defaults except where our
 * scale needs another value (each deviation says why).
 *
 * @param steps GRPO iterations, one generation batch each (TRL counts optimizer steps in {@code max_steps}); 60, quick 25
 * @param numGenerations G, completions per prompt (TRL: 8)
 * @param batchSize completions per iteration ({@code generation_batch_size}; TRL counts completions since v0.15), a
 *     multiple of G: 64 = 8 prompts × 8, as PPO's 64 rollouts
 * @param miniBatchSize completions per optimizer step ({@code per_device_train_batch_size}), a multiple of G; 16 gives
 *     TRL's {@code steps_per_generation} = 4 steps per batch, so the ratio moves away from 1 and the clip works
 * @param numIterations μ, passes over each batch (TRL: 1)
 * @param learningRate AdamW learning rate (β₁ 0.9, β₂ 0.95), constant. TRL: 1e-6 for billions of parameters; 1e-4
 *     here, as our PPO
 * @param beta β of the k3 KL to the reference in the loss. TRL: 0.04 up to v0.18 (the paper's), 0.0 since v0.19 (no
 *     reference at all). 0.1 here: with 0.04 our 60 iterations over-optimise the reward model (seed 1: its score
 *     climbs to the end while the simulated human's preference peaks near iteration 36 and falls back, KL 19 nats
 *     per completion); 0.2 holds KL near PPO's but learns less in quick mode (win rate 0.86 against 0.93)
 * @param epsilon ε of the ratio's clip (TRL: 0.2)
 * @param lossType how per-token losses are averaged (TRL: dapo since v0.22, bnpo v0.17–0.21, grpo before); the
 *     paper's grpo
 * @param scaleRewards divide by the group's std + 1e-4 (TRL: "group"); false = Dr. GRPO's r − mean
 * @param missingEosPenalty subtracted from the reward of a completion that never ended, as our PPO (TRL's GRPO has
 *     none); 1.0, so GRPO cannot win by rambling; 0 = off
 * @param maxGradNorm global gradient-norm clip (TRL: 1.0); ≤ 0 = off
 * @param sampling how completions are sampled, with the KV cache: temperature 1 (TRL: 1.0 since v0.18), top-k 0,
 *     top-p 1, 32 new tokens (TRL's {@code max_completion_length}: 256)
 * @param device {@code auto}, {@code cpu} or {@code gpu}
 * @param seed seeds the prompts, the sampling and the minibatch order
 */
public record GrpoConfig(
        int steps,
        int numGenerations,
        int batchSize,
        int miniBatchSize,
        int numIterations,
        float learningRate,
        double beta,
        double epsilon,
        GrpoLossType lossType,
        boolean scaleRewards,
        double missingEosPenalty,
        float maxGradNorm,
        SamplingConfig sampling,
        String device,
        long seed) {

    /** Validates every component, naming the field, what was expected and what was found. */
    public GrpoConfig {
        check(steps >= 1, "steps", steps, ">= 1");
        check(numGenerations >= 2, "numGenerations", numGenerations, ">= 2 (a group needs a baseline)");
        check(batchSize >= numGenerations && batchSize % numGenerations == 0, "batchSize", batchSize,
                "a multiple of numGenerations (" + numGenerations + ")");
        check(miniBatchSize >= 1 && miniBatchSize <= batchSize && batchSize % miniBatchSize == 0, "miniBatchSize",
                miniBatchSize, "a divisor of batchSize (" + batchSize + ")");
        check(numIterations >= 1, "numIterations", numIterations, ">= 1");
        check(learningRate > 0 && Float.isFinite(learningRate), "learningRate", learningRate, "> 0");
        check(beta >= 0 && Double.isFinite(beta), "beta", beta, ">= 0");
        check(epsilon >= 0 && epsilon < 1, "epsilon", epsilon, "in [0, 1)");
        check(lossType != null, "lossType", lossType, "GRPO, BNPO or DR_GRPO");
        check(missingEosPenalty >= 0, "missingEosPenalty", missingEosPenalty, ">= 0");
        check(sampling != null, "sampling", sampling, "a SamplingConfig");
        check(device != null && !device.isBlank(), "device", device, "auto, cpu or gpu");
    }

    private static void check(boolean ok, String field, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("GrpoConfig." + field + ": expected " + expected + ", found " + value);
        }
    }

    /** The bundled recipe (see each component for TRL's value and why ours differs). */
    public static GrpoConfig defaults() {
        return new GrpoConfig(RunSize.pick(60, 25), 8, 64, 16, 1, 1e-4f, 0.1, 0.2, GrpoLossType.GRPO, true, 1.0, 1.0f,
                SamplingConfig.defaults().withMaxNewTokens(32), "auto", 1);
    }

    /** The loss's share of this config. */
    public GrpoLoss.Config lossConfig() {
        return new GrpoLoss.Config(epsilon, beta, lossType, sampling.maxNewTokens());
    }

    /** Prompts per iteration: batchSize / numGenerations. */
    public int promptsPerStep() {
        return batchSize / numGenerations;
    }

    /** A builder that starts from this config's values: {@code x.toBuilder().field(value).build()}. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes a config one field at a time; {@link #build()} validates the result. */
    public static final class Builder {
        private int steps;
        private int numGenerations;
        private int batchSize;
        private int miniBatchSize;
        private int numIterations;
        private float learningRate;
        private double beta;
        private double epsilon;
        private GrpoLossType lossType;
        private boolean scaleRewards;
        private double missingEosPenalty;
        private float maxGradNorm;
        private SamplingConfig sampling;
        private String device;
        private long seed;

        private Builder(GrpoConfig c) {
            steps = c.steps;
            numGenerations = c.numGenerations;
            batchSize = c.batchSize;
            miniBatchSize = c.miniBatchSize;
            numIterations = c.numIterations;
            learningRate = c.learningRate;
            beta = c.beta;
            epsilon = c.epsilon;
            lossType = c.lossType;
            scaleRewards = c.scaleRewards;
            missingEosPenalty = c.missingEosPenalty;
            maxGradNorm = c.maxGradNorm;
            sampling = c.sampling;
            device = c.device;
            seed = c.seed;
        }

        // One setter per component, named as the component.
        public Builder steps(int v) { steps = v; return this; }
        public Builder numGenerations(int v) { numGenerations = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder miniBatchSize(int v) { miniBatchSize = v; return this; }
        public Builder numIterations(int v) { numIterations = v; return this; }
        public Builder learningRate(float v) { learningRate = v; return this; }
        public Builder beta(double v) { beta = v; return this; }
        public Builder epsilon(double v) { epsilon = v; return this; }
        public Builder lossType(GrpoLossType v) { lossType = v; return this; }
        public Builder scaleRewards(boolean v) { scaleRewards = v; return this; }
        public Builder missingEosPenalty(double v) { missingEosPenalty = v; return this; }
        public Builder maxGradNorm(float v) { maxGradNorm = v; return this; }
        public Builder sampling(SamplingConfig v) { sampling = v; return this; }
        public Builder device(String v) { device = v; return this; }
        public Builder seed(long v) { seed = v; return this; }

        /** The config, validated. */
        public GrpoConfig build() {
            return new GrpoConfig(steps, numGenerations, batchSize, miniBatchSize, numIterations, learningRate, beta,
                    epsilon, lossType, scaleRewards, missingEosPenalty, maxGradNorm, sampling, device, seed);
        }
    }
}
