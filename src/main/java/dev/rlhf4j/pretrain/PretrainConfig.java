package dev.rlhf4j.pretrain;

import dev.rlhf4j.core.RunSize;

/**
 * Next-token pretraining settings (nanoGPT's names in camelCase).
 *
 * @param maxSteps optimizer steps in total (a resumed run continues up to this)
 * @param batchSize windows per step
 * @param learningRate peak learning rate
 * @param minLearningRate learning rate at the end of the cosine decay
 * @param warmupSteps linear warm-up from 0 to {@code learningRate}
 * @param weightDecay AdamW decoupled weight decay on matrices
 * @param maxGradNorm global gradient-norm clip (≤ 0: off)
 * @param evalInterval evaluate held-out perplexity every this many steps (and at the end)
 * @param evalReviews held-out reviews used for the periodic evaluations (the final one uses all)
 * @param seed seeds initialisation and the order of training windows
 */
public record PretrainConfig(
        int maxSteps,
        int batchSize,
        float learningRate,
        float minLearningRate,
        int warmupSteps,
        float weightDecay,
        float maxGradNorm,
        int evalInterval,
        int evalReviews,
        long seed) {

    /** Validates every component. */
    public PretrainConfig {
        check(maxSteps >= 1, "maxSteps", maxSteps, ">= 1");
        check(batchSize >= 1, "batchSize", batchSize, ">= 1");
        check(learningRate > 0, "learningRate", learningRate, "> 0");
        check(minLearningRate >= 0 && minLearningRate <= learningRate, "minLearningRate", minLearningRate,
                "in [0, learningRate]");
        check(warmupSteps >= 0, "warmupSteps", warmupSteps, ">= 0");
        check(weightDecay >= 0, "weightDecay", weightDecay, ">= 0");
        check(evalInterval >= 1, "evalInterval", evalInterval, ">= 1");
        check(evalReviews >= 1, "evalReviews", evalReviews, ">= 1");
    }

    /** The bundled recipe: 3,000 steps of 32 windows (300 in quick mode). */
    public static PretrainConfig defaults() {
        int steps = RunSize.pick(3000, 300);
        return new PretrainConfig(steps, 32, 2e-3f, 2e-4f, Math.min(100, steps / 10), 0.1f, 1.0f,
                RunSize.pick(500, 100), RunSize.pick(2000, 500), 1);
    }

    /**
     * Learning rate at step {@code t} (0-based): linear warm-up, then cosine decay to the minimum.
     * lr(t) = lr·(t+1)/W for t &lt; W; else min + ½(lr − min)(1 + cos(π·(t−W)/(N−W))).
     */
    public float learningRateAt(int t) {
        if (t < warmupSteps) {
            return learningRate * (t + 1) / warmupSteps;
        }
        double progress = maxSteps == warmupSteps ? 1 : (t - warmupSteps) / (double) (maxSteps - warmupSteps);
        progress = Math.min(1, progress);
        return (float) (minLearningRate + 0.5 * (learningRate - minLearningRate) * (1 + Math.cos(Math.PI * progress)));
    }

    private static void check(boolean ok, String field, Number found, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("PretrainConfig." + field + ": expected " + expected + ", found " + found);
        }
    }

    /** A builder that starts from this config's values: {@code x.toBuilder().field(value).build()}. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes a config one field at a time; {@link #build()} validates the result. */
    public static final class Builder {
        private int maxSteps;
        private int batchSize;
        private float learningRate;
        private float minLearningRate;
        private int warmupSteps;
        private float weightDecay;
        private float maxGradNorm;
        private int evalInterval;
        private int evalReviews;
        private long seed;

        private Builder(PretrainConfig c) {
            maxSteps = c.maxSteps;
            batchSize = c.batchSize;
            learningRate = c.learningRate;
            minLearningRate = c.minLearningRate;
            warmupSteps = c.warmupSteps;
            weightDecay = c.weightDecay;
            maxGradNorm = c.maxGradNorm;
            evalInterval = c.evalInterval;
            evalReviews = c.evalReviews;
            seed = c.seed;
        }

        // One setter per component, named as the component.
        public Builder maxSteps(int v) { maxSteps = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder learningRate(float v) { learningRate = v; return this; }
        public Builder minLearningRate(float v) { minLearningRate = v; return this; }
        public Builder warmupSteps(int v) { warmupSteps = v; return this; }
        public Builder weightDecay(float v) { weightDecay = v; return this; }
        public Builder maxGradNorm(float v) { maxGradNorm = v; return this; }
        public Builder evalInterval(int v) { evalInterval = v; return this; }
        public Builder evalReviews(int v) { evalReviews = v; return this; }
        public Builder seed(long v) { seed = v; return this; }

        /** The config, validated. */
        public PretrainConfig build() {
            return new PretrainConfig(maxSteps, batchSize, learningRate, minLearningRate, warmupSteps, weightDecay, maxGradNorm, evalInterval,
                    evalReviews, seed);
        }
    }
}
