package dev.rlhf4j.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * Generalized advantage estimation (Schulman et al. 2015, "High-Dimensional Continuous Control Using
 * Generalized Advantage Estimation", eq. 16), as TRL v0.7's {@code PPOTrainer.compute_advantages}
 * runs it over the tokens of a response. Token t is an action, the value head's V_t estimates the
 * return from there on, and the episode ends after the last token:
 *
 * <pre>
 *   δ_t = r_t + γ·V_{t+1} − V_t        (V_T = 0 after the last token)
 *   A_t = δ_t + γλ·A_{t+1}             (A_T = 0), i.e. A_t = Σ_k (γλ)^k δ_{t+k}
 *   R_t = A_t + V_t                    (the value head's regression target)
 * </pre>
 *
 * λ trades bias for variance: λ = 0 gives the one-step TD error δ_t, λ = 1 the Monte-Carlo return
 * minus V_t. TRL's defaults are γ = 1, λ = 0.95. TRL then whitens the advantages over the batch
 * ({@link Whitening}); that is a separate step here, and returns are computed before it.
 */
public final class Gae {

    private Gae() {}

    /**
     * Advantages and returns of one response.
     *
     * @param advantages A_t, [T]
     * @param returns R_t = A_t + V_t, [T]
     */
    public record Result(double[] advantages, double[] returns) {}

    /**
     * GAE over the T real tokens of one response (reference implementation).
     *
     * @param rewards r_t, [T] (in RLHF: −β·KL_t, plus the reward model's score on the last token)
     * @param values V_t from the value head at each token, [T]
     * @param gamma discount γ in [0, 1]
     * @param lam GAE's λ in [0, 1]
     */
    public static Result compute(double[] rewards, double[] values, double gamma, double lam) {
        checkCoefficients(gamma, lam);
        if (rewards.length != values.length) {
            throw new IllegalArgumentException("rewards and values differ in length: " + rewards.length + " vs " + values.length);
        }
        int steps = rewards.length;
        double[] advantages = new double[steps];
        double[] returns = new double[steps];
        double lastGaeLam = 0; // A_{t+1}, 0 after the last token
        for (int t = steps - 1; t >= 0; t--) {
            double nextValue = t + 1 < steps ? values[t + 1] : 0;       // V_{t+1}, 0 after the last token
            double delta = rewards[t] + gamma * nextValue - values[t];  // δ_t = r_t + γ·V_{t+1} − V_t
            lastGaeLam = delta + gamma * lam * lastGaeLam;              // A_t = δ_t + γλ·A_{t+1}
            advantages[t] = lastGaeLam;
            returns[t] = lastGaeLam + values[t];                         // R_t = A_t + V_t
        }
        return new Result(advantages, returns);
    }

    /**
     * GAE for each response of a batch whose rows may have different lengths (reference
     * implementation); row i is {@link #compute(double[], double[], double, double)} of row i.
     */
    public static Result[] compute(double[][] rewards, double[][] values, double gamma, double lam) {
        if (rewards.length != values.length) {
            throw new IllegalArgumentException("rewards and values differ in rows: " + rewards.length + " vs " + values.length);
        }
        Result[] results = new Result[rewards.length];
        for (int i = 0; i < rewards.length; i++) {
            results[i] = compute(rewards[i], values[i], gamma, lam);
        }
        return results;
    }

    /**
     * GAE over a padded batch, one reversed loop over the columns as in TRL. Rewards and values are
     * multiplied by the mask first, so each row's episode ends at its last real token
     * (V = 0 beyond it) and padding cannot leak into real positions; padding positions of both
     * outputs are 0. The real tokens of a row must be contiguous (right padding, as from the sampler;
     * left padding also works). Nothing here is differentiated: the inputs are detached.
     *
     * @param rewards r_t, [B, T]
     * @param values V_t, [B, T]
     * @param mask 1 on real tokens, 0 on padding, [B, T]
     * @param gamma discount γ in [0, 1]
     * @param lam GAE's λ in [0, 1]
     * @return {@code [advantages [B, T], returns [B, T]]}, attached to {@code rewards}' manager
     */
    public static NDList compute(NDArray rewards, NDArray values, NDArray mask, double gamma, double lam) {
        checkCoefficients(gamma, lam);
        int steps = (int) rewards.getShape().get(1);
        if (steps == 0 || !rewards.getShape().equals(values.getShape()) || !rewards.getShape().equals(mask.getShape())) {
            throw new IllegalArgumentException("GAE needs rewards, values and mask of one shape [B, T] with T > 0; got "
                    + rewards.getShape() + ", " + values.getShape() + ", " + mask.getShape());
        }
        return Scoped.list(() -> {
            NDArray m = mask.toType(DataType.FLOAT32, false);
            NDArray r = rewards.stopGradient().mul(m); // [B, T], 0 on padding
            NDArray v = values.stopGradient().mul(m);  // [B, T], 0 on padding: V = 0 after the last real token
            NDArray[] perStep = new NDArray[steps];
            NDArray lastGaeLam = null;                 // A_{t+1}, [B]; none after the last token
            float g = (float) gamma;
            float gl = (float) (gamma * lam);
            for (int t = steps - 1; t >= 0; t--) {
                NDArray delta = r.get(column(t)).sub(v.get(column(t)));                  // r_t − V_t, [B]
                if (t + 1 < steps) {
                    delta = delta.add(v.get(column(t + 1)).mul(g));                      // δ_t = r_t + γ·V_{t+1} − V_t
                }
                lastGaeLam = lastGaeLam == null ? delta : delta.add(lastGaeLam.mul(gl)); // A_t = δ_t + γλ·A_{t+1}
                perStep[t] = lastGaeLam;
            }
            NDArray advantages = NDArrays.stack(new NDList(perStep), 1).mul(m); // [B, T]
            NDArray returns = advantages.add(v);                                 // R_t = A_t + V_t, [B, T]
            return new NDList(advantages, returns);
        });
    }

    private static NDIndex column(int t) {
        return new NDIndex().addAllDim().addIndices(t); // [:, t]
    }

    private static void checkCoefficients(double gamma, double lam) {
        if (!(gamma >= 0 && gamma <= 1) || !(lam >= 0 && lam <= 1)) {
            throw new IllegalArgumentException("GAE needs gamma and lam in [0, 1]; got gamma=" + gamma + ", lam=" + lam);
        }
    }
}
