package dev.rlhf4j.reward;

import dev.rlhf4j.core.RunSize;

/**
 * Reward-model training settings (TRL's {@code RewardConfig} names where they exist, in camelCase).
 *
 * @param objective what the model learns from the rankings
 * @param epochs passes over the training rankings
 * @param batchSize rankings per optimizer step (each contributes its K completions)
 * @param learningRate peak learning rate (cosine decay to 10% of it, as InstructGPT's RM)
 * @param weightDecay AdamW decoupled weight decay on matrices
 * @param maxGradNorm global gradient-norm clip (≤ 0: off)
 * @param margin Bradley–Terry margin m in −log σ(r_chosen − r_rejected − m), for strict pairs
 * @param centerRewardsCoefficient weight of TRL's centering term mean((r_chosen + r_rejected)²), 0 = off
 * @param validFraction share of the prompts held out for validation (the split is by prompt)
 * @param normalizationSamples samples of the reference policy used to set the reward's mean and std
 * @param disableDropout train without the backbone's dropout (TRL's {@code disable_dropout}, on by default
 *     there and here: on the bundled feedback it reaches the same validation accuracy, and dropout's
 *     random masks were a quarter of the training time)
 * @param seed seeds the head's initialisation, the split and the batch order
 */
public record RewardConfig(
        Objective objective,
        int epochs,
        int batchSize,
        float learningRate,
        float weightDecay,
        float maxGradNorm,
        double margin,
        double centerRewardsCoefficient,
        double validFraction,
        int normalizationSamples,
        boolean disableDropout,
        long seed) {

    /** What the reward model is trained to predict. */
    public enum Objective {
        /** Pairwise Bradley–Terry: −log σ(r_chosen − r_rejected − margin) over all pairs of a ranking. */
        BT,
        /** Mean squared error against the rankings' normalised Elo scores ({@link dev.rlhf4j.feedback.EloScores}). */
        ELO;

        /** The objective named {@code bt} or {@code elo} (any case). */
        public static Objective parse(String s) {
            for (Objective o : values()) {
                if (o.name().equalsIgnoreCase(s)) {
                    return o;
                }
            }
            throw new IllegalArgumentException("objective: expected bt or elo, found " + s);
        }
    }

    /** Validates every component. */
    public RewardConfig {
        if (objective == null) {
            throw new IllegalArgumentException("RewardConfig.objective: expected BT or ELO, found null");
        }
        check(epochs >= 1, "epochs", epochs, ">= 1");
        check(batchSize >= 1, "batchSize", batchSize, ">= 1");
        check(learningRate > 0, "learningRate", learningRate, "> 0");
        check(weightDecay >= 0, "weightDecay", weightDecay, ">= 0");
        check(margin >= 0, "margin", margin, ">= 0");
        check(centerRewardsCoefficient >= 0, "centerRewardsCoefficient", centerRewardsCoefficient, ">= 0");
        check(validFraction > 0 && validFraction < 1, "validFraction", validFraction, "in (0, 1)");
        check(normalizationSamples >= 2, "normalizationSamples", normalizationSamples, ">= 2");
    }

    private static void check(boolean ok, String field, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("RewardConfig." + field + ": expected " + expected + ", found " + value);
        }
    }

    /**
     * The bundled recipe for {@code objective}: 4 epochs (2 in quick mode) of 16 rankings at 3e-4, no dropout.
     * More epochs overfit the bundled feedback: validation loss rises after the fourth.
     */
    public static RewardConfig defaults(Objective objective) {
        return new RewardConfig(objective, RunSize.pick(4, 2), 16, 3e-4f, 0.01f, 1.0f, 0, 0, 0.2,
                RunSize.pick(512, 128), true, 1);
    }

    /** Learning rate at step t of n: cosine from the peak to 10% of it. */
    public float learningRateAt(int t, int n) {
        double progress = n <= 1 ? 0 : (double) t / (n - 1);
        double min = 0.1 * learningRate;
        return (float) (min + 0.5 * (learningRate - min) * (1 + Math.cos(Math.PI * progress))); // cosine to 10%
    }

    /** A builder that starts from this config's values: {@code x.toBuilder().field(value).build()}. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes a config one field at a time; {@link #build()} validates the result. */
    public static final class Builder {
        private Objective objective;
        private int epochs;
        private int batchSize;
        private float learningRate;
        private float weightDecay;
        private float maxGradNorm;
        private double margin;
        private double centerRewardsCoefficient;
        private double validFraction;
        private int normalizationSamples;
        private boolean disableDropout;
        private long seed;

        private Builder(RewardConfig c) {
            objective = c.objective;
            epochs = c.epochs;
            batchSize = c.batchSize;
            learningRate = c.learningRate;
            weightDecay = c.weightDecay;
            maxGradNorm = c.maxGradNorm;
            margin = c.margin;
            centerRewardsCoefficient = c.centerRewardsCoefficient;
            validFraction = c.validFraction;
            normalizationSamples = c.normalizationSamples;
            disableDropout = c.disableDropout;
            seed = c.seed;
        }

        // One setter per component, named as the component.
        public Builder objective(Objective v) { objective = v; return this; }
        public Builder epochs(int v) { epochs = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder learningRate(float v) { learningRate = v; return this; }
        public Builder weightDecay(float v) { weightDecay = v; return this; }
        public Builder maxGradNorm(float v) { maxGradNorm = v; return this; }
        public Builder margin(double v) { margin = v; return this; }
        public Builder centerRewardsCoefficient(double v) { centerRewardsCoefficient = v; return this; }
        public Builder validFraction(double v) { validFraction = v; return this; }
        public Builder normalizationSamples(int v) { normalizationSamples = v; return this; }
        public Builder disableDropout(boolean v) { disableDropout = v; return this; }
        public Builder seed(long v) { seed = v; return this; }

        /** The config, validated. */
        public RewardConfig build() {
            return new RewardConfig(objective, epochs, batchSize, learningRate, weightDecay, maxGradNorm, margin, centerRewardsCoefficient,
                    validFraction, normalizationSamples, disableDropout, seed);
        }
    }
}
