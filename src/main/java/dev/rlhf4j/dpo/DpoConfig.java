package dev.rlhf4j.dpo;

import dev.rlhf4j.core.RunSize;

/**
 * DPO settings with TRL's {@code DPOConfig} names (v0.12–v1.9) in camelCase, and its defaults
 * except where our scale needs another value (each deviation says why).
 *
 * @param beta β, the strength of the implicit KL to the reference (TRL: 0.1)
 * @param lossType {@code loss_type}: sigmoid, ipo or hinge (TRL: sigmoid)
 * @param labelSmoothing ε of cDPO, the assumed share of flipped labels, for sigmoid only (TRL: 0)
 * @param learningRate AdamW learning rate (β₁ 0.9, β₂ 0.95), constant. TRL: 1e-6 (v0.12+, 5e-5 before), with a
 *     linear decay, for models of billions of parameters; our 0.9 M model was pretrained at 2e-3: at 3e-4
 *     one quick-mode epoch (32 steps) wins 0.85 against the initial model, 1e-4 only 0.67, and 1e-3
 *     overshoots (KL 17, win rate 0.76)
 * @param batchSize pairs per optimizer step ({@code per_device_train_batch_size}; TRL: 8, the paper 64); 32
 *     keeps the steps over the bundled feedback's 6,734 strict pairs cheap and their gradients steady
 * @param numTrainEpochs passes over the pairs (TRL: 3); 2 (422 steps), quick mode 1
 * @param maxPairs use at most this many training pairs (0 = all), a seeded sample: quick mode takes 1,024
 * @param weightDecay AdamW decoupled weight decay on matrices (TRL: 0)
 * @param maxGradNorm global gradient-norm clip (TRL: 1.0); ≤ 0 = off
 * @param device {@code auto}, {@code cpu} or {@code gpu}
 * @param seed seeds the pair order and the evaluation samples
 */
public record DpoConfig(
        double beta,
        DpoLossType lossType,
        double labelSmoothing,
        float learningRate,
        int batchSize,
        int numTrainEpochs,
        int maxPairs,
        float weightDecay,
        float maxGradNorm,
        String device,
        long seed) {

    /** Validates every component, naming the field, what was expected and what was found. */
    public DpoConfig {
        check(beta > 0 && Double.isFinite(beta), "beta", beta, "a finite value > 0");
        check(lossType != null, "lossType", lossType, "SIGMOID, IPO or HINGE");
        check(labelSmoothing >= 0 && labelSmoothing < 0.5, "labelSmoothing", labelSmoothing, "in [0, 0.5)");
        check(learningRate > 0 && Float.isFinite(learningRate), "learningRate", learningRate, "> 0");
        check(batchSize >= 1, "batchSize", batchSize, ">= 1");
        check(numTrainEpochs >= 1, "numTrainEpochs", numTrainEpochs, ">= 1");
        check(maxPairs >= 0, "maxPairs", maxPairs, ">= 0 (0 = all)");
        check(weightDecay >= 0, "weightDecay", weightDecay, ">= 0");
        check(device != null && !device.isBlank(), "device", device, "auto, cpu or gpu");
    }

    private static void check(boolean ok, String field, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("DpoConfig." + field + ": expected " + expected + ", found " + value);
        }
    }

    /** The bundled recipe (see each component for TRL's value and why ours differs). */
    public static DpoConfig defaults() {
        return new DpoConfig(0.1, DpoLossType.SIGMOID, 0.0, 3e-4f, 32, RunSize.pick(2, 1), RunSize.pick(0, 1024), 0f,
                1.0f, "auto", 1);
    }

    /** The loss's share of this config. */
    public DpoLoss.Config lossConfig() {
        return new DpoLoss.Config(beta, lossType, labelSmoothing);
    }

    /** A builder that starts from this config's values: {@code x.toBuilder().field(value).build()}. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes a config one field at a time; {@link #build()} validates the result. */
    public static final class Builder {
        private double beta;
        private DpoLossType lossType;
        private double labelSmoothing;
        private float learningRate;
        private int batchSize;
        private int numTrainEpochs;
        private int maxPairs;
        private float weightDecay;
        private float maxGradNorm;
        private String device;
        private long seed;

        private Builder(DpoConfig c) {
            beta = c.beta;
            lossType = c.lossType;
            labelSmoothing = c.labelSmoothing;
            learningRate = c.learningRate;
            batchSize = c.batchSize;
            numTrainEpochs = c.numTrainEpochs;
            maxPairs = c.maxPairs;
            weightDecay = c.weightDecay;
            maxGradNorm = c.maxGradNorm;
            device = c.device;
            seed = c.seed;
        }

        // One setter per component, named as the component.
        public Builder beta(double v) { beta = v; return this; }
        public Builder lossType(DpoLossType v) { lossType = v; return this; }
        public Builder labelSmoothing(double v) { labelSmoothing = v; return this; }
        public Builder learningRate(float v) { learningRate = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder numTrainEpochs(int v) { numTrainEpochs = v; return this; }
        public Builder maxPairs(int v) { maxPairs = v; return this; }
        public Builder weightDecay(float v) { weightDecay = v; return this; }
        public Builder maxGradNorm(float v) { maxGradNorm = v; return this; }
        public Builder device(String v) { device = v; return this; }
        public Builder seed(long v) { seed = v; return this; }

        /** The config, validated. */
        public DpoConfig build() {
            return new DpoConfig(beta, lossType, labelSmoothing, learningRate, batchSize, numTrainEpochs, maxPairs,
                    weightDecay, maxGradNorm, device, seed);
        }
    }
}
