package dev.rlhf4j.ppo;

import dev.rlhf4j.core.RunSize;
import dev.rlhf4j.model.SamplingConfig;

/**
 * PPO settings with TRL's classic {@code PPOConfig} names (v0.7) in camelCase, and its defaults
 * except where our scale needs another value (each deviation says why).
 *
 * @param steps PPO iterations (TRL counts samples in {@code steps}; we count iterations): 100, quick 40
 * @param learningRate AdamW learning rate (β₁ 0.9, β₂ 0.95, no weight decay), 1e-4. TRL's classic
 *     {@code PPOConfig.learning_rate} default is 1.41e-5 since v0.7.11 (1e-5 up to v0.7.10), with
 *     {@code torch.optim.Adam} (β₂ 0.999), tuned for GPT-2 (124 M); our 0.9 M model was pretrained at
 *     2e-3, so 1e-4 moves it at a comparable pace
 * @param batchSize rollouts per iteration. TRL: 256 (128 in v0.11); 64 fits a laptop CPU in about a second
 * @param miniBatchSize rollouts per gradient step. TRL: 1 (128 in v0.11); 16 gives 4 steps per epoch
 * @param ppoEpochs passes over each batch (TRL: 4)
 * @param initKlCoef β at the start (TRL: 0.2)
 * @param adapKlCtrl adapt β to reach {@code target} (Ziegler et al. 2019; TRL: true)
 * @param target KL target of the adaptive controller, in nats per sequence (TRL: 6)
 * @param horizon adaptive controller horizon, in samples (TRL: 10000)
 * @param gamma discount (TRL: 1)
 * @param lam GAE λ (TRL: 0.95)
 * @param cliprange policy ratio clip ε (TRL: 0.2)
 * @param cliprangeValue value clip ε_v (TRL: 0.2)
 * @param vfCoef value-loss weight (TRL: 0.1)
 * @param entropyCoef entropy bonus weight (TRL has none: 0)
 * @param klPenalty the per-token KL estimator (TRL: KL)
 * @param whitenRewards whiten the per-token rewards before GAE (TRL: false); advantages are always whitened
 * @param useScoreScaling divide scores by {@code std + ε}, their running unbiased standard deviation
 *     plus float32's epsilon ≈ 1.19e-7, as TRL (TRL: false); see {@code PpoTrainer.scaleAndClip}
 * @param useScoreNorm with scaling, also subtract the running mean (TRL: false)
 * @param scoreClip clip scores to ±this after scaling; NaN = off (TRL: None)
 * @param missingEosPenalty subtracted from the score of a completion that never ended (TRL v0.11:
 *     None, recommended 1.0); 1.0 here, so PPO cannot win by rambling; 0 = off
 * @param ratioThreshold a minibatch whose mean ratio {@code masked_mean(π/π_old)} exceeds this (TRL:
 *     10) is skipped: no backward pass and no optimizer step, so the weights and AdamW's moments stay
 *     as they were, and {@code ppo/skipped_batches} counts it. TRL instead multiplies that
 *     minibatch's loss by 0 and still calls {@code optimizer.step()}, so Adam's momentum from earlier
 *     minibatches still moves the weights
 * @param maxGradNorm global gradient-norm clip (TRL: None); 1.0 keeps a tiny model stable; ≤ 0 = off
 * @param sampling how rollouts are sampled; TRL's advice: temperature 1, top-k 0, top-p 1 — anything
 *     else makes the KL estimate biased and often negative
 * @param device {@code auto}, {@code cpu} or {@code gpu}
 * @param seed seeds prompts, sampling, minibatch order and the value head
 */
public record PpoConfig(
        int steps,
        float learningRate,
        int batchSize,
        int miniBatchSize,
        int ppoEpochs,
        double initKlCoef,
        boolean adapKlCtrl,
        double target,
        int horizon,
        double gamma,
        double lam,
        double cliprange,
        double cliprangeValue,
        double vfCoef,
        double entropyCoef,
        KlPenalty klPenalty,
        boolean whitenRewards,
        boolean useScoreScaling,
        boolean useScoreNorm,
        double scoreClip,
        double missingEosPenalty,
        double ratioThreshold,
        float maxGradNorm,
        SamplingConfig sampling,
        String device,
        long seed) {

    /** Validates every component, naming the field, what was expected and what was found. */
    public PpoConfig {
        check(steps >= 1, "steps", steps, ">= 1");
        check(learningRate > 0 && Float.isFinite(learningRate), "learningRate", learningRate, "> 0");
        check(batchSize >= 1, "batchSize", batchSize, ">= 1");
        check(miniBatchSize >= 1 && miniBatchSize <= batchSize, "miniBatchSize", miniBatchSize, "in [1, batchSize]");
        check(ppoEpochs >= 1, "ppoEpochs", ppoEpochs, ">= 1");
        check(initKlCoef >= 0 && Double.isFinite(initKlCoef), "initKlCoef", initKlCoef, ">= 0");
        check(target > 0, "target", target, "> 0");
        check(horizon >= 1, "horizon", horizon, ">= 1");
        check(gamma >= 0 && gamma <= 1, "gamma", gamma, "in [0, 1]");
        check(lam >= 0 && lam <= 1, "lam", lam, "in [0, 1]");
        check(cliprange >= 0 && cliprange < 1, "cliprange", cliprange, "in [0, 1)");
        check(cliprangeValue >= 0, "cliprangeValue", cliprangeValue, ">= 0");
        check(vfCoef >= 0, "vfCoef", vfCoef, ">= 0");
        check(entropyCoef >= 0, "entropyCoef", entropyCoef, ">= 0");
        check(klPenalty != null, "klPenalty", klPenalty, "KL, ABS, MSE or FULL");
        check(Double.isNaN(scoreClip) || scoreClip > 0, "scoreClip", scoreClip, "> 0 or NaN (off)");
        check(missingEosPenalty >= 0, "missingEosPenalty", missingEosPenalty, ">= 0");
        check(ratioThreshold > 1, "ratioThreshold", ratioThreshold, "> 1");
        check(sampling != null, "sampling", sampling, "a SamplingConfig");
        check(device != null && !device.isBlank(), "device", device, "auto, cpu or gpu");
    }

    private static void check(boolean ok, String field, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("PpoConfig." + field + ": expected " + expected + ", found " + value);
        }
    }

    /** The bundled recipe (see each component for TRL's value and why ours differs). */
    public static PpoConfig defaults() {
        return new PpoConfig(RunSize.pick(100, 40), 1e-4f, 64, 16, 4, 0.2, true, 6, 10_000, 1.0, 0.95, 0.2, 0.2, 0.1,
                0.0, KlPenalty.KL, false, false, false, Double.NaN, 1.0, 10.0, 1.0f,
                SamplingConfig.defaults().withMaxNewTokens(32), "auto", 1);
    }

    /** The loss's share of this config. */
    public PpoLoss.Config lossConfig() {
        return new PpoLoss.Config(cliprange, cliprangeValue, vfCoef, entropyCoef);
    }

    /** A new controller for β as configured. */
    public KlController klController() {
        return KlController.create(adapKlCtrl, initKlCoef, target, horizon);
    }

    /** A builder that starts from this config's values: {@code x.toBuilder().field(value).build()}. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes a config one field at a time; {@link #build()} validates the result. */
    public static final class Builder {
        private int steps;
        private float learningRate;
        private int batchSize;
        private int miniBatchSize;
        private int ppoEpochs;
        private double initKlCoef;
        private boolean adapKlCtrl;
        private double target;
        private int horizon;
        private double gamma;
        private double lam;
        private double cliprange;
        private double cliprangeValue;
        private double vfCoef;
        private double entropyCoef;
        private KlPenalty klPenalty;
        private boolean whitenRewards;
        private boolean useScoreScaling;
        private boolean useScoreNorm;
        private double scoreClip;
        private double missingEosPenalty;
        private double ratioThreshold;
        private float maxGradNorm;
        private SamplingConfig sampling;
        private String device;
        private long seed;

        private Builder(PpoConfig c) {
            steps = c.steps;
            learningRate = c.learningRate;
            batchSize = c.batchSize;
            miniBatchSize = c.miniBatchSize;
            ppoEpochs = c.ppoEpochs;
            initKlCoef = c.initKlCoef;
            adapKlCtrl = c.adapKlCtrl;
            target = c.target;
            horizon = c.horizon;
            gamma = c.gamma;
            lam = c.lam;
            cliprange = c.cliprange;
            cliprangeValue = c.cliprangeValue;
            vfCoef = c.vfCoef;
            entropyCoef = c.entropyCoef;
            klPenalty = c.klPenalty;
            whitenRewards = c.whitenRewards;
            useScoreScaling = c.useScoreScaling;
            useScoreNorm = c.useScoreNorm;
            scoreClip = c.scoreClip;
            missingEosPenalty = c.missingEosPenalty;
            ratioThreshold = c.ratioThreshold;
            maxGradNorm = c.maxGradNorm;
            sampling = c.sampling;
            device = c.device;
            seed = c.seed;
        }

        // One setter per component, named as the component.
        public Builder steps(int v) { steps = v; return this; }
        public Builder learningRate(float v) { learningRate = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder miniBatchSize(int v) { miniBatchSize = v; return this; }
        public Builder ppoEpochs(int v) { ppoEpochs = v; return this; }
        public Builder initKlCoef(double v) { initKlCoef = v; return this; }
        public Builder adapKlCtrl(boolean v) { adapKlCtrl = v; return this; }
        public Builder target(double v) { target = v; return this; }
        public Builder horizon(int v) { horizon = v; return this; }
        public Builder gamma(double v) { gamma = v; return this; }
        public Builder lam(double v) { lam = v; return this; }
        public Builder cliprange(double v) { cliprange = v; return this; }
        public Builder cliprangeValue(double v) { cliprangeValue = v; return this; }
        public Builder vfCoef(double v) { vfCoef = v; return this; }
        public Builder entropyCoef(double v) { entropyCoef = v; return this; }
        public Builder klPenalty(KlPenalty v) { klPenalty = v; return this; }
        public Builder whitenRewards(boolean v) { whitenRewards = v; return this; }
        public Builder useScoreScaling(boolean v) { useScoreScaling = v; return this; }
        public Builder useScoreNorm(boolean v) { useScoreNorm = v; return this; }
        public Builder scoreClip(double v) { scoreClip = v; return this; }
        public Builder missingEosPenalty(double v) { missingEosPenalty = v; return this; }
        public Builder ratioThreshold(double v) { ratioThreshold = v; return this; }
        public Builder maxGradNorm(float v) { maxGradNorm = v; return this; }
        public Builder sampling(SamplingConfig v) { sampling = v; return this; }
        public Builder device(String v) { device = v; return this; }
        public Builder seed(long v) { seed = v; return this; }

        /** β fixed at {@code beta} (β = 0: no KL penalty at all, the reward-hacking lab's setting). */
        public Builder fixedKl(double beta) {
            initKlCoef = beta;
            adapKlCtrl = false;
            return this;
        }

        /** The adaptive controller from {@code initKlCoef} towards {@code target} nats per sequence. */
        public Builder adaptiveKl(double initKlCoef, double target) {
            this.initKlCoef = initKlCoef;
            this.adapKlCtrl = true;
            this.target = target;
            return this;
        }

        /** The config, validated. */
        public PpoConfig build() {
            return new PpoConfig(steps, learningRate, batchSize, miniBatchSize, ppoEpochs, initKlCoef, adapKlCtrl,
                    target, horizon, gamma, lam, cliprange, cliprangeValue, vfCoef, entropyCoef, klPenalty,
                    whitenRewards, useScoreScaling, useScoreNorm, scoreClip, missingEosPenalty, ratioThreshold,
                    maxGradNorm, sampling, device, seed);
        }
    }
}
