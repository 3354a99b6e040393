package dev.rlhf4j.grpo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import dev.rlhf4j.core.Scalars;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GRPO's advantages and loss (Shao et al. 2024, "DeepSeekMath", §4.1), as TRL's
 * {@code GRPOTrainer} computes them. A prompt gets a group of G completions o_1..o_G with rewards
 * r_1..r_G; each completion's advantage is its reward relative to its group, on every token:
 *
 * <pre>
 *   A_i = (r_i − mean(r)) / (std(r) + ε)     std Bessel-corrected (N − 1), ε = 1e-4 (TRL's scale_rewards="group")
 *   A_i = r_i − mean(r)                      (scaleRewards off: Dr. GRPO, Liu et al. 2025)
 * </pre>
 *
 * No value model: the group's mean is the baseline. Per token, with ρ_t = exp(log π(o_t) − log π_old(o_t)),
 *
 * <pre>
 *   KL_t = exp(ref_t − logp_t) − (ref_t − logp_t) − 1          (k3, the paper's eq. 4: unbiased, ≥ 0)
 *   ℓ_t  = −min(ρ_t·A, clip(ρ_t, 1 − ε, 1 + ε)·A) + β·KL_t      (eq. 3, as a loss)
 * </pre>
 *
 * and the batch loss averages ℓ as {@link GrpoLossType} says (the paper: mean over completions of
 * each completion's token mean). Unlike PPO the KL is in the loss, not in the reward. With one
 * optimizer step per generation (TRL's μ = 1) π_old = π, so ρ = 1 and the clip never fires; here a
 * batch is used for several steps ({@link GrpoConfig#miniBatchSize()}), as TRL's
 * {@code steps_per_generation}, so it does.
 *
 * <p>Logged statistics under TRL's names: {@code kl} (token mean of k3), {@code clip_ratio/low_mean}
 * (share of tokens with ρ &lt; 1 − ε and A &lt; 0), {@code clip_ratio/high_mean} (ρ &gt; 1 + ε and A &gt; 0),
 * {@code clip_ratio/region_mean} (either).
 */
public final class GrpoLoss {

    /** TRL's ε added to the group's std before dividing ({@code 1e-4}). */
    public static final double STD_EPS = 1e-4;

    private GrpoLoss() {}

    /**
     * The loss's hyperparameters, TRL's {@code GRPOConfig} names.
     *
     * @param epsilon ε of the ratio's clip, in [0, 1) (TRL: 0.2)
     * @param beta β of the k3 KL term, ≥ 0 (TRL: 0.04 up to v0.18, 0 since; the paper 0.04)
     * @param lossType how the per-token losses are averaged
     * @param maxCompletionLength the normaliser of {@code dr_grpo}: the sampler's maxNewTokens
     */
    public record Config(double epsilon, double beta, GrpoLossType lossType, int maxCompletionLength) {
        public Config {
            check(epsilon >= 0 && epsilon < 1, "GrpoLoss.Config.epsilon: expected a value in [0, 1), found " + epsilon);
            check(beta >= 0 && Double.isFinite(beta), "GrpoLoss.Config.beta: expected a finite value >= 0, found " + beta);
            check(lossType != null, "GrpoLoss.Config.lossType: expected grpo, bnpo or dr_grpo, found null");
            check(maxCompletionLength >= 1,
                    "GrpoLoss.Config.maxCompletionLength: expected >= 1, found " + maxCompletionLength);
        }
    }

    /** The batch's numbers for logging (TRL's names, {@link #toMetrics()}). */
    public record Stats(double loss, double kl, double clipLow, double clipHigh, double clipRegion) {

        /** {@code loss, kl, clip_ratio/low_mean, clip_ratio/high_mean, clip_ratio/region_mean}. */
        public Map<String, Double> toMetrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("loss", loss);
            m.put("kl", kl);
            m.put("clip_ratio/low_mean", clipLow);
            m.put("clip_ratio/high_mean", clipHigh);
            m.put("clip_ratio/region_mean", clipRegion);
            return m;
        }
    }

    /** The NDArray loss: the scalar to differentiate and the stats. */
    public record Result(NDArray loss, Stats stats) {}

    /**
     * Group-normalised advantages of {@code rewards}, laid out group by group ({@code g} consecutive
     * completions of one prompt): (r − mean)/(std + 1e-4) with the Bessel-corrected std, or r − mean
     * without {@code scale}. A group of equal rewards gets A = 0.
     */
    public static double[] advantages(double[] rewards, int g, boolean scale) {
        if (g < 2 || rewards.length % g != 0) {
            throw new IllegalArgumentException("advantages: " + rewards.length + " rewards do not make groups of " + g
                    + " (G >= 2)");
        }
        double[] a = new double[rewards.length];
        for (int start = 0; start < rewards.length; start += g) {
            double mean = 0;
            for (int i = start; i < start + g; i++) {
                mean += rewards[i] / g;
            }
            double ss = 0;
            for (int i = start; i < start + g; i++) {
                ss += (rewards[i] - mean) * (rewards[i] - mean);
            }
            double std = Math.sqrt(ss / (g - 1));                                          // Bessel-corrected
            for (int i = start; i < start + g; i++) {
                a[i] = scale ? (rewards[i] - mean) / (std + STD_EPS) : rewards[i] - mean;  // (r − mean)/(std + ε)
            }
        }
        return a;
    }

    /** k3 = exp(ref − logp) − (ref − logp) − 1, the per-token KL estimate (≥ 0). */
    public static double k3(double logp, double refLogp) {
        double d = refLogp - logp;
        return Math.exp(d) - d - 1;
    }

    /** One token's loss −min(ρ·A, clip(ρ, 1 − ε, 1 + ε)·A) + β·k3. */
    public static double tokenLoss(double logp, double oldLogp, double refLogp, double advantage, Config c) {
        double rho = Math.exp(logp - oldLogp);                                              // ρ = π/π_old
        double clipped = Math.max(1 - c.epsilon(), Math.min(1 + c.epsilon(), rho));         // clip(ρ, 1 − ε, 1 + ε)
        return -Math.min(rho * advantage, clipped * advantage) + c.beta() * k3(logp, refLogp);
    }

    /**
     * The batch loss and stats over ragged rows (reference implementation): row i holds completion
     * i's per-token log-probs under the policy, at sampling time and under the reference.
     */
    public static Stats compute(double[][] logp, double[][] oldLogp, double[][] refLogp, double[] advantages, Config c) {
        int b = logp.length;
        check(b > 0 && oldLogp.length == b && refLogp.length == b && advantages.length == b,
                "GrpoLoss inputs differ in rows");
        double total = 0, tokens = 0, kl = 0, low = 0, high = 0, perSequence = 0;
        for (int i = 0; i < b; i++) {
            double row = 0;
            for (int t = 0; t < logp[i].length; t++) {
                row += tokenLoss(logp[i][t], oldLogp[i][t], refLogp[i][t], advantages[i], c);
                kl += k3(logp[i][t], refLogp[i][t]);
                double rho = Math.exp(logp[i][t] - oldLogp[i][t]);
                low += rho < 1 - c.epsilon() && advantages[i] < 0 ? 1 : 0;
                high += rho > 1 + c.epsilon() && advantages[i] > 0 ? 1 : 0;
            }
            total += row;
            tokens += logp[i].length;
            perSequence += row / Math.max(1, logp[i].length);                       // Σ_t ℓ / |o_i|
        }
        double loss = switch (c.lossType()) {
            case GRPO -> perSequence / b;                                           // mean_i (Σ_t ℓ / |o_i|)
            case BNPO -> total / Math.max(1, tokens);                               // Σ ℓ / Σ |o_i|
            case DR_GRPO -> total / (b * (double) c.maxCompletionLength());         // Σ ℓ / (B · L)
        };
        tokens = Math.max(1, tokens);
        return new Stats(loss, kl / tokens, low / tokens, high / tokens, (low + high) / tokens);
    }

    /**
     * The batch loss, differentiable in {@code logp}; call it inside the {@code GradientCollector}.
     *
     * @param logp log π(o_t) under the current policy, [B, T]
     * @param oldLogp log π at sampling time, [B, T] (constant)
     * @param refLogp log π_ref, [B, T] (constant)
     * @param advantages A_i, [B] (constant, broadcast to every token)
     * @param mask 1 on completion tokens, 0 elsewhere, [B, T]; padding must hold finite numbers
     */
    public static Result compute(NDArray logp, NDArray oldLogp, NDArray refLogp, NDArray advantages, NDArray mask,
            Config c) {
        NDArray m = mask.toType(DataType.FLOAT32, false);
        NDArray a = advantages.stopGradient().expandDims(1);                         // A, [B, 1]
        NDArray ratio = logp.sub(oldLogp.stopGradient()).exp();                      // ρ = exp(logp − logp_old), [B, T]
        NDArray clipped = ratio.maximum(Scalars.of(ratio, 1 - c.epsilon()))
                .minimum(Scalars.of(ratio, 1 + c.epsilon()));                        // clip(ρ, 1 − ε, 1 + ε)
        NDArray surrogate = ratio.mul(a).minimum(clipped.mul(a));                    // min(ρA, clip(ρ)A)
        NDArray d = refLogp.stopGradient().sub(logp);                                // ref − logp
        NDArray kl = d.exp().sub(d).sub(Scalars.of(d, 1));                           // k3 = e^d − d − 1
        NDArray perToken = surrogate.neg();                                          // ℓ = −min(...)
        if (c.beta() != 0) {
            perToken = perToken.add(kl.mul(Scalars.of(kl, c.beta())));               // + β·k3
        }
        NDArray masked = perToken.mul(m);
        NDArray lengths = m.sum(new int[] {1});                                      // |o_i|, [B]
        NDArray tokens = m.sum();
        NDArray loss = switch (c.lossType()) {
            case GRPO -> masked.sum(new int[] {1}).div(lengths.maximum(Scalars.of(lengths, 1))).mean(); // mean_i Σ_t ℓ/|o_i|
            case BNPO -> masked.sum().div(tokens.maximum(Scalars.of(tokens, 1)));                       // Σ ℓ / Σ |o_i|
            case DR_GRPO -> masked.sum().div(Scalars.of(masked, m.getShape().get(0) * (double) c.maxCompletionLength())); // Σ ℓ/(B·L)
        };
        NDArray denom = tokens.maximum(Scalars.of(tokens, 1)).stopGradient();
        NDArray ratioC = ratio.stopGradient();
        NDArray aFull = a.broadcast(ratioC.getShape());
        NDArray low = ratioC.lt(1 - c.epsilon()).logicalAnd(aFull.lt(0)).toType(DataType.FLOAT32, false).mul(m);
        NDArray high = ratioC.gt(1 + c.epsilon()).logicalAnd(aFull.gt(0)).toType(DataType.FLOAT32, false).mul(m);
        NDArray stats = NDArrays.stack(new NDList(loss.stopGradient(), kl.stopGradient().mul(m).sum().div(denom),
                low.sum().div(denom), high.sum().div(denom), low.add(high).sum().div(denom)));
        float[] s = stats.toFloatArray(); // one host transfer
        return new Result(loss, new Stats(s[0], s[1], s[2], s[3], s[4]));
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
