package dev.rlhf4j.ppo;

import ai.djl.ndarray.NDArray;
import dev.rlhf4j.core.Scalars;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The PPO loss of one minibatch, as TRL v0.7's classic {@code PPOTrainer.loss}; every mean is over
 * the real tokens of the minibatch. Policy, the clipped surrogate (Schulman et al. 2017, "Proximal
 * Policy Optimization Algorithms", eq. 7, written as a loss):
 *
 * <pre>
 *   ρ_t = exp(logp_t − logp_old_t)
 *   pg  = mean(max(−A_t·ρ_t, −A_t·clip(ρ_t, 1 − ε, 1 + ε)))
 * </pre>
 *
 * Value, clipped around the rollout's values like the policy (TRL, from OpenAI baselines' PPO2):
 *
 * <pre>
 *   V_clipped = clip(V_t, V_old_t − ε_v, V_old_t + ε_v)
 *   vf        = ½·mean(max((V_t − R_t)², (V_clipped − R_t)²))
 *   total     = pg + vfCoef·vf − entropyCoef·mean(H_t)        (TRL has no entropy term: entropyCoef 0)
 * </pre>
 *
 * The logged statistics use TRL's names ({@link Stats#toMetrics()}): {@code clipfrac} is the share
 * of tokens where the clipped term wins, {@code mean(−A·clip(ρ) > −A·ρ)}; {@code approxkl} is
 * {@code ½·mean((logp − logp_old)²)}; {@code policykl} is {@code mean(logp_old − logp)};
 * {@code val/clipfrac} is {@code mean((V_clipped − R)² > (V − R)²)}; {@code ratio} is mean(ρ);
 * {@code val/vpred} is mean(V) and {@code val/error} is {@code mean((V − R)²)} with the predictions
 * being trained (the value head's current output, not the rollout's), from which PpoTrainer derives
 * {@code ppo/val/var_explained} as TRL does.
 * The old log-probs, old values, advantages and returns are constants: gradients flow only through
 * {@code logp}, {@code vpred} and the entropy.
 */
public final class PpoLoss {

    private PpoLoss() {}

    /**
     * The loss's hyperparameters, TRL's {@code PPOConfig} names.
     *
     * @param cliprange ε of the policy ratio's clip, in [0, 1) (TRL: 0.2)
     * @param cliprangeValue ε_v of the value clip around V_old, ≥ 0 (TRL: 0.2)
     * @param vfCoef weight of the value loss in the total, ≥ 0 (TRL: 0.1)
     * @param entropyCoef weight of an entropy bonus, ≥ 0 (TRL has none: 0)
     */
    public record Config(double cliprange, double cliprangeValue, double vfCoef, double entropyCoef) {
        public Config {
            check(cliprange >= 0 && cliprange < 1, "cliprange must be in [0, 1), got " + cliprange);
            check(cliprangeValue >= 0 && Double.isFinite(cliprangeValue), "cliprangeValue must be finite and >= 0, got " + cliprangeValue);
            check(vfCoef >= 0 && Double.isFinite(vfCoef), "vfCoef must be finite and >= 0, got " + vfCoef);
            check(entropyCoef >= 0 && Double.isFinite(entropyCoef), "entropyCoef must be finite and >= 0, got " + entropyCoef);
        }

        /** TRL v0.7's defaults: cliprange 0.2, cliprangeValue 0.2, vfCoef 0.1, no entropy bonus. */
        public static Config defaults() {
            return new Config(0.2, 0.2, 0.1, 0.0);
        }

        /** This config with {@code cliprange} set to v. */
        public Config withCliprange(double v) {
            return new Config(v, cliprangeValue, vfCoef, entropyCoef);
        }

        /** This config with {@code cliprangeValue} set to v. */
        public Config withCliprangeValue(double v) {
            return new Config(cliprange, v, vfCoef, entropyCoef);
        }

        /** This config with {@code vfCoef} set to v. */
        public Config withVfCoef(double v) {
            return new Config(cliprange, cliprangeValue, v, entropyCoef);
        }

        /** This config with {@code entropyCoef} set to v. */
        public Config withEntropyCoef(double v) {
            return new Config(cliprange, cliprangeValue, vfCoef, v);
        }
    }

    /**
     * The minibatch's numbers for logging; {@code entropy} is NaN when no entropy was given.
     * {@code value} is vf before {@code vfCoef}, as TRL logs it; {@code vpredMean} is mean(V) and
     * {@code valueError} is {@code mean((V − R)²)} of the value head's current predictions V.
     */
    public record Stats(double total, double policy, double value, double entropy, double clipfrac,
                        double approxKl, double policyKl, double valueClipfrac, double ratioMean,
                        double vpredMean, double valueError) {

        /** The statistics under TRL's metric names ({@code ppo/loss/policy}, ...), NaNs left out. */
        public Map<String, Double> toMetrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("ppo/loss/policy", policy);
            m.put("ppo/loss/value", value);
            m.put("ppo/loss/total", total);
            m.put("ppo/policy/entropy", entropy);
            m.put("ppo/policy/approxkl", approxKl);
            m.put("ppo/policy/policykl", policyKl);
            m.put("ppo/policy/clipfrac", clipfrac);
            m.put("ppo/policy/ratio", ratioMean);
            m.put("ppo/val/clipfrac", valueClipfrac);
            m.put("ppo/val/vpred", vpredMean);
            m.put("ppo/val/error", valueError);
            m.values().removeIf(v -> Double.isNaN(v));
            return m;
        }
    }

    /** The NDArray loss: scalar {@code total} to differentiate, its two parts, and the stats. */
    public record Result(NDArray total, NDArray policy, NDArray value, Stats stats) {}

    /** One token's policy loss {@code max(−A·ρ, −A·clip(ρ, 1 − ε, 1 + ε))}. */
    public static double clippedSurrogate(double ratio, double advantage, double cliprange) {
        double clipped = Math.max(1 - cliprange, Math.min(1 + cliprange, ratio)); // clip(ρ, 1 − ε, 1 + ε)
        return Math.max(-advantage * ratio, -advantage * clipped);              // max(−A·ρ, −A·clip(ρ))
    }

    /** Whether the clipped term wins for this token, {@code −A·clip(ρ) > −A·ρ} (counted by clipfrac). */
    public static boolean surrogateClipped(double ratio, double advantage, double cliprange) {
        double clipped = Math.max(1 - cliprange, Math.min(1 + cliprange, ratio));
        return -advantage * clipped > -advantage * ratio;
    }

    /** One token's value error before the ½: {@code max((V − R)², (clip(V, V_old ± ε_v) − R)²)}. */
    public static double clippedValueError(double vpred, double oldValue, double ret, double cliprangeValue) {
        double clipped = Math.max(oldValue - cliprangeValue, Math.min(oldValue + cliprangeValue, vpred)); // V_clipped
        return Math.max((vpred - ret) * (vpred - ret), (clipped - ret) * (clipped - ret));
    }

    /** Whether the clipped value error wins, {@code (V_clipped − R)² > (V − R)²} (val/clipfrac). */
    public static boolean valueClipped(double vpred, double oldValue, double ret, double cliprangeValue) {
        double clipped = Math.max(oldValue - cliprangeValue, Math.min(oldValue + cliprangeValue, vpred));
        return (clipped - ret) * (clipped - ret) > (vpred - ret) * (vpred - ret);
    }

    /** {@link #compute(double[], double[], double[], double[], double[], double[], double[], Config)} without entropy. */
    public static Stats compute(double[] logp, double[] oldLogp, double[] advantages, double[] vpred,
                                double[] oldValues, double[] returns, Config c) {
        return compute(logp, oldLogp, advantages, vpred, oldValues, returns, null, c);
    }

    /**
     * The loss over N real tokens, on the host; every array is [N].
     *
     * @param entropy per-token entropy H_t, or null (then the entropy stat is NaN and entropyCoef must be 0)
     */
    public static Stats compute(double[] logp, double[] oldLogp, double[] advantages, double[] vpred,
                                double[] oldValues, double[] returns, double[] entropy, Config c) {
        return withGradient(logp, oldLogp, advantages, vpred, oldValues, returns, entropy, c).stats();
    }

    /**
     * The loss's statistics and its gradient with respect to each token's log-prob, value and entropy
     * ({@code ∂total/∂logp_t}, ...), each [N] or null for no entropy.
     */
    public record Gradient(Stats stats, double[] logp, double[] value, double[] entropy) {}

    /**
     * The loss over N real tokens and its gradient, on the host; every array is [N]. The gradient is
     * the one autograd takes through {@link #compute(NDArray, NDArray, NDArray, NDArray, NDArray,
     * NDArray, NDArray, NDArray, Config) the NDArray loss}, down to its conventions where the pieces
     * meet: {@code max} of two equal terms gives each half, and {@code clip} passes the gradient at
     * its bounds. A trainer that has the log-probs and values of a minibatch on the host anyway then
     * differentiates {@code Σ_t logp_t·∂total/∂logp_t + Σ_t V_t·∂total/∂V_t} (the same gradient)
     * instead of some forty small ops and their backward.
     *
     * @param entropy per-token entropy H_t, or null (then the entropy stat is NaN and entropyCoef must be 0)
     */
    public static Gradient withGradient(double[] logp, double[] oldLogp, double[] advantages, double[] vpred,
                                        double[] oldValues, double[] returns, double[] entropy, Config c) {
        int n = logp.length;
        for (double[] a : Arrays.asList(oldLogp, advantages, vpred, oldValues, returns, entropy == null ? logp : entropy)) {
            check(a.length == n, "PpoLoss inputs differ in length: " + n + " vs " + a.length);
        }
        check(n > 0, "PpoLoss needs at least one token");
        check(entropy != null || c.entropyCoef() == 0, "entropyCoef " + c.entropyCoef() + " needs the per-token entropy");
        double[] dLogp = new double[n];
        double[] dValue = new double[n];
        double[] dEntropy = entropy == null ? null : new double[n];
        double pg = 0, vf = 0, clipfrac = 0, vfClipfrac = 0, approxKl = 0, policyKl = 0, ratio = 0, ent = 0;
        double vpredSum = 0, error = 0;
        double lo = 1 - c.cliprange();
        double hi = 1 + c.cliprange();
        for (int t = 0; t < n; t++) {
            double logRatio = logp[t] - oldLogp[t];
            double rho = Math.exp(logRatio);                                                  // ρ = exp(logp − logp_old)
            double clipped = Math.max(lo, Math.min(hi, rho));                                 // clip(ρ, 1 − ε, 1 + ε)
            double a = -advantages[t] * rho;                                                  // −A·ρ
            double b = -advantages[t] * clipped;                                              // −A·clip(ρ)
            pg += Math.max(a, b);                                                             // the same as clippedSurrogate
            clipfrac += b > a ? 1 : 0;                                                        // the same as surrogateClipped
            double ga = maxShare(a, b);
            double passes = rho >= lo && rho <= hi ? 1 : 0;                                   // clip's gradient
            dLogp[t] = (ga + (1 - ga) * passes) * -advantages[t] * rho / n;                  // ∂pg/∂ρ · ∂ρ/∂logp
            double vHi = oldValues[t] + c.cliprangeValue();
            double vLo = oldValues[t] - c.cliprangeValue();
            double below = Math.min(vpred[t], vHi);
            double vClipped = Math.max(below, vLo);                                           // clip(V, V_old ± ε_v)
            double e1 = (vpred[t] - returns[t]) * (vpred[t] - returns[t]);                    // (V − R)²
            double e2 = (vClipped - returns[t]) * (vClipped - returns[t]);                    // (V_clipped − R)²
            vf += Math.max(e1, e2);                                                           // the same as clippedValueError
            vfClipfrac += e2 > e1 ? 1 : 0;                                                    // the same as valueClipped
            double g1 = maxShare(e1, e2);
            double dClip = maxShare(vHi, vpred[t]) * maxShare(below, vLo);                    // ∂V_clipped/∂V
            dValue[t] = c.vfCoef() * 0.5 / n * (g1 * 2 * (vpred[t] - returns[t])
                    + (1 - g1) * 2 * (vClipped - returns[t]) * dClip);
            if (dEntropy != null) {
                dEntropy[t] = -c.entropyCoef() / n;
            }
            approxKl += 0.5 * logRatio * logRatio;                                            // ½(logp − logp_old)²
            policyKl += -logRatio;                                                            // logp_old − logp
            ratio += rho;
            ent += entropy == null ? Double.NaN : entropy[t];
            vpredSum += vpred[t];
            error += e1;                                                                      // (V − R)²
        }
        double policy = pg / n;                                                               // pg = mean(max(..))
        double value = 0.5 * vf / n;                                                          // vf = ½·mean(max(..))
        double bonus = c.entropyCoef() == 0 ? 0 : c.entropyCoef() * ent / n;                 // entropyCoef·mean(H)
        double total = policy + c.vfCoef() * value - bonus;                                   // pg + vfCoef·vf − bonus
        Stats stats = new Stats(total, policy, value, ent / n, clipfrac / n, approxKl / n, policyKl / n, vfClipfrac / n,
                ratio / n, vpredSum / n, error / n);
        return new Gradient(stats, dLogp, dValue, dEntropy);
    }

    /** The share of {@code max(x, y)}'s gradient that goes to x: 1 if x wins, ½ on a tie, 0 if y wins (PyTorch's). */
    private static double maxShare(double x, double y) {
        return x > y ? 1 : x == y ? 0.5 : 0;
    }

    /** {@link #compute(NDArray, NDArray, NDArray, NDArray, NDArray, NDArray, NDArray, NDArray, Config)} without entropy. */
    public static Result compute(NDArray logp, NDArray oldLogp, NDArray advantages, NDArray vpred,
                                 NDArray oldValues, NDArray returns, NDArray mask, Config c) {
        return compute(logp, oldLogp, advantages, vpred, oldValues, returns, mask, null, c);
    }

    /**
     * The loss over a padded minibatch, differentiable in {@code logp}, {@code vpred} and
     * {@code entropy}; call it inside the {@code GradientCollector}. Every array is [B, T] and
     * padding positions must hold finite numbers. The stats come to the host in one transfer.
     *
     * @param logp log π_θ(a_t) under the current policy, [B, T]
     * @param oldLogp log π(a_t) at rollout time, [B, T]
     * @param advantages A_t, usually whitened, [B, T]
     * @param vpred V_θ(t) from the current value head, [B, T]
     * @param oldValues V(t) at rollout time, [B, T]
     * @param returns R_t = A_t + V_t from GAE (before whitening), [B, T]
     * @param mask 1 on real tokens, 0 on padding, [B, T]
     * @param entropy per-token entropy H_t, [B, T], or null
     * @return scalars total, policy (pg) and value (vf, before vfCoef), attached to logp's and vpred's managers
     */
    public static Result compute(NDArray logp, NDArray oldLogp, NDArray advantages, NDArray vpred,
                                 NDArray oldValues, NDArray returns, NDArray mask, NDArray entropy, Config c) {
        check(entropy != null || c.entropyCoef() == 0, "entropyCoef " + c.entropyCoef() + " needs the per-token entropy");
        NDList out = Scoped.list(() -> {
            NDArray m = mask.toType(DataType.FLOAT32, false);
            NDArray negA = advantages.stopGradient().neg();                            // −A, [B, T]
            NDArray vOld = oldValues.stopGradient();
            NDArray ret = returns.stopGradient();
            float eps = (float) c.cliprange();
            float epsV = (float) c.cliprangeValue();
            // policy
            NDArray logRatio = logp.sub(oldLogp.stopGradient());                       // log ρ, [B, T]
            NDArray ratio = logRatio.exp();                                            // ρ = exp(logp − logp_old)
            NDArray pgLosses = ratio.mul(negA);                                        // −A·ρ
            NDArray pgLosses2 = ratio.clip(1 - eps, 1 + eps).mul(negA);                // −A·clip(ρ, 1 − ε, 1 + ε)
            NDArray policy = Whitening.maskedMean(pgLosses.maximum(pgLosses2), m);     // pg = mean(max(−A·ρ, −A·clip(ρ)))
            // value
            NDArray vClipped = vpred.minimum(vOld.add(epsV)).maximum(vOld.sub(epsV));  // clip(V, V_old − ε_v, V_old + ε_v)
            NDArray vfLosses = vpred.sub(ret).square();                                // (V − R)²
            NDArray vfLosses2 = vClipped.sub(ret).square();                            // (V_clipped − R)²
            NDArray value0 = Whitening.maskedMean(vfLosses.maximum(vfLosses2), m);
            NDArray value = value0.mul(Scalars.of(value0, 0.5)); // vf = ½·mean(max(..))
            // total
            NDArray total = policy.add(value.mul(Scalars.of(value, c.vfCoef())));                 // pg + vfCoef·vf
            NDArray ent = entropy == null
                    ? m.sum().mul(Float.NaN)                                           // no entropy given: NaN
                    : Whitening.maskedMean(entropy, m);                                // mean(H)
            if (c.entropyCoef() != 0) {
                total = total.sub(ent.mul(Scalars.of(ent, c.entropyCoef())));                   // − entropyCoef·mean(H)
            }
            NDArray stats = NDArrays.stack(new NDList(total, policy, value, ent,
                    Whitening.maskedMean(pgLosses2.gt(pgLosses).toType(DataType.FLOAT32, false), m),  // clipfrac
                    Whitening.maskedMean(logRatio.square(), m).mul(0.5f),                             // approxkl
                    Whitening.maskedMean(logRatio.neg(), m),                                          // policykl
                    Whitening.maskedMean(vfLosses2.gt(vfLosses).toType(DataType.FLOAT32, false), m),  // val/clipfrac
                    Whitening.maskedMean(ratio, m),                                                   // mean(ρ)
                    Whitening.maskedMean(vpred, m),                                                   // val/vpred
                    Whitening.maskedMean(vfLosses, m))).stopGradient();                               // val/error = mean((V − R)²)
            return new NDList(total, policy, value, stats);
        });
        float[] s;
        try (NDArray stats = out.get(3)) {
            s = stats.toFloatArray(); // one host transfer for all the numbers
        }
        return new Result(out.get(0), out.get(1), out.get(2), new Stats(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8],
                s[9], s[10]));
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
