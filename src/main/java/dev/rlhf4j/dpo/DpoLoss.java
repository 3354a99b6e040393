package dev.rlhf4j.dpo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import dev.rlhf4j.core.Scalars;
import dev.rlhf4j.reward.RewardLoss;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The DPO loss of a batch of preference pairs (Rafailov et al. 2023, "Direct Preference
 * Optimization", eq. 7), as TRL's {@code DPOTrainer} computes it. For a prompt x with chosen
 * completion y_w and rejected y_l, log π(y|x) is the <em>sum</em> of the completion's token
 * log-probs (EOS included), under the policy π and the frozen reference π_ref, and
 *
 * <pre>
 *   Δ = (log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l))
 *   sigmoid:  ℓ = −log σ(βΔ)                                          (DPO eq. 7; TRL's default)
 *             ℓ = −(1 − ε)·log σ(βΔ) − ε·log σ(−βΔ)                   (label_smoothing ε: cDPO, TRL v0.7.5–v0.28)
 *   hinge:    ℓ = max(0, 1 − βΔ)                                      (SLiC; β = 1/margin)
 *   ipo:      ℓ = (Δ̄ − 1/(2β))²,  Δ̄ = lr_w/n_w − lr_l/n_l            (IPO eq. 17, per-token means as TRL ≥ v0.7.11)
 * </pre>
 *
 * where lr = log π − log π_ref of a completion and n its token count (at least 1); the batch loss
 * is the mean over pairs. TRL v0.29+ ignores {@code label_smoothing} for {@code sigmoid} (only its
 * {@code robust} loss uses it); here it keeps the cDPO meaning it had for most of TRL's history.
 * {@code hinge} and {@code ipo} never use it.
 *
 * <p>The implicit reward of a completion is r̂ = β·(log π − log π_ref) (the β·log Z(x) term cancels
 * in a pair), and the statistics are TRL's: {@code rewards/chosen}, {@code rewards/rejected} (means
 * of r̂, from summed log-probs for every loss type), {@code rewards/margins} = mean(r̂_w − r̂_l),
 * {@code rewards/accuracies} = mean(1[r̂_w &gt; r̂_l]) (strict, so 0 at step 0),
 * {@code logps/chosen}, {@code logps/rejected} (means of the summed policy log-probs) and
 * {@code loss}. Before any update π = π_ref, so Δ = 0 and the sigmoid loss is log 2.
 */
public final class DpoLoss {

    private DpoLoss() {}

    /**
     * The loss's hyperparameters, TRL's {@code DPOConfig} names.
     *
     * @param beta β: the strength of the implicit KL to the reference, &gt; 0 (TRL: 0.1)
     * @param lossType how Δ becomes a loss (TRL: sigmoid)
     * @param labelSmoothing ε, the assumed share of flipped labels for {@code sigmoid} (cDPO), in [0, 0.5) (TRL: 0)
     */
    public record Config(double beta, DpoLossType lossType, double labelSmoothing) {
        public Config {
            check(beta > 0 && Double.isFinite(beta), "DpoLoss.Config.beta: expected a finite value > 0, found " + beta);
            check(lossType != null, "DpoLoss.Config.lossType: expected sigmoid, ipo or hinge, found null");
            check(labelSmoothing >= 0 && labelSmoothing < 0.5,
                    "DpoLoss.Config.labelSmoothing: expected a value in [0, 0.5), found " + labelSmoothing);
        }

        /** TRL's defaults: β 0.1, sigmoid, no label smoothing. */
        public static Config defaults() {
            return new Config(0.1, DpoLossType.SIGMOID, 0.0);
        }
    }

    /** A batch's numbers under TRL's names ({@link #toMetrics()}); every one is a mean over pairs. */
    public record Stats(double loss, double rewardsChosen, double rewardsRejected, double accuracies, double margins,
            double logpsChosen, double logpsRejected) {

        /** {@code loss, rewards/chosen, rewards/rejected, rewards/accuracies, rewards/margins, logps/chosen, logps/rejected}. */
        public Map<String, Double> toMetrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("loss", loss);
            m.put("rewards/chosen", rewardsChosen);
            m.put("rewards/rejected", rewardsRejected);
            m.put("rewards/accuracies", accuracies);
            m.put("rewards/margins", margins);
            m.put("logps/chosen", logpsChosen);
            m.put("logps/rejected", logpsRejected);
            return m;
        }
    }

    /** The NDArray loss: the scalar to differentiate and the batch's stats. */
    public record Result(NDArray loss, Stats stats) {}

    /** Δ = (log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l)). */
    public static double delta(double policyChosen, double policyRejected, double refChosen, double refRejected) {
        return (policyChosen - refChosen) - (policyRejected - refRejected);
    }

    /**
     * One pair's loss (reference implementation). Log-probs are sums over the completion's tokens;
     * the token counts matter only for {@code ipo}.
     */
    public static double pairLoss(double policyChosen, double policyRejected, double refChosen, double refRejected,
            int chosenTokens, int rejectedTokens, Config c) {
        double beta = c.beta();
        switch (c.lossType()) {
            case SIGMOID: {
                double z = beta * delta(policyChosen, policyRejected, refChosen, refRejected);        // βΔ
                double eps = c.labelSmoothing();
                return -(1 - eps) * RewardLoss.logSigmoid(z) - eps * RewardLoss.logSigmoid(-z);     // −(1−ε)log σ(βΔ) − ε log σ(−βΔ)
            }
            case HINGE:
                return Math.max(0, 1 - beta * delta(policyChosen, policyRejected, refChosen, refRejected)); // max(0, 1 − βΔ)
            case IPO: {
                double perToken = (policyChosen - refChosen) / Math.max(1, chosenTokens)
                        - (policyRejected - refRejected) / Math.max(1, rejectedTokens);              // Δ̄ = lr_w/n_w − lr_l/n_l
                double x = perToken - 1 / (2 * beta);                                                 // Δ̄ − 1/(2β)
                return x * x;
            }
            default:
                throw new IllegalStateException("unknown loss type " + c.lossType());
        }
    }

    /** The batch's loss and statistics over N pairs (reference implementation); every array is [N]. */
    public static Stats compute(double[] policyChosen, double[] policyRejected, double[] refChosen, double[] refRejected,
            int[] chosenTokens, int[] rejectedTokens, Config c) {
        int n = policyChosen.length;
        check(n > 0, "DpoLoss needs at least one pair");
        check(policyRejected.length == n && refChosen.length == n && refRejected.length == n && chosenTokens.length == n
                && rejectedTokens.length == n, "DpoLoss inputs differ in length");
        double loss = 0, rc = 0, rr = 0, acc = 0, pc = 0, pr = 0;
        for (int i = 0; i < n; i++) {
            loss += pairLoss(policyChosen[i], policyRejected[i], refChosen[i], refRejected[i], chosenTokens[i],
                    rejectedTokens[i], c);
            double rewardChosen = c.beta() * (policyChosen[i] - refChosen[i]);       // r̂_w = β(log π − log π_ref)
            double rewardRejected = c.beta() * (policyRejected[i] - refRejected[i]); // r̂_l
            rc += rewardChosen;
            rr += rewardRejected;
            acc += rewardChosen > rewardRejected ? 1 : 0;                             // strict, as TRL
            pc += policyChosen[i];
            pr += policyRejected[i];
        }
        return new Stats(loss / n, rc / n, rr / n, acc / n, (rc - rr) / n, pc / n, pr / n);
    }

    /**
     * The batch loss, differentiable in the policy's log-probs; call it inside the
     * {@code GradientCollector}. Every array is [B]: summed completion log-probs of the policy and
     * of the reference (constants), and the completions' token counts (used by {@code ipo}). The
     * stats come to the host in one transfer.
     */
    public static Result compute(NDArray policyChosen, NDArray policyRejected, NDArray refChosen, NDArray refRejected,
            NDArray chosenTokens, NDArray rejectedTokens, Config c) {
        NDArray ratioChosen = policyChosen.sub(refChosen.stopGradient());        // lr_w = log π(y_w) − log π_ref(y_w), [B]
        NDArray ratioRejected = policyRejected.sub(refRejected.stopGradient());  // lr_l, [B]
        NDArray beta = Scalars.of(ratioChosen, c.beta());
        NDArray loss;
        switch (c.lossType()) {
            case SIGMOID: {
                NDArray z = ratioChosen.sub(ratioRejected).mul(beta);                                        // βΔ
                loss = RewardLoss.logSigmoid(z).mul(Scalars.of(z, 1 - c.labelSmoothing()));                 // (1−ε)·log σ(βΔ)
                if (c.labelSmoothing() > 0) {
                    loss = loss.add(RewardLoss.logSigmoid(z.neg()).mul(Scalars.of(z, c.labelSmoothing()))); // + ε·log σ(−βΔ)
                }
                loss = loss.neg().mean();                                                                   // mean of −(...)
                break;
            }
            case HINGE: {
                NDArray z = ratioChosen.sub(ratioRejected).mul(beta);                                        // βΔ
                loss = Scalars.of(z, 1).sub(z).maximum(Scalars.of(z, 0)).mean();                            // mean max(0, 1 − βΔ)
                break;
            }
            case IPO: {
                NDArray one = Scalars.of(ratioChosen, 1);
                NDArray perToken = ratioChosen.div(chosenTokens.toType(DataType.FLOAT32, false).maximum(one))
                        .sub(ratioRejected.div(rejectedTokens.toType(DataType.FLOAT32, false).maximum(one))); // Δ̄
                loss = perToken.sub(Scalars.of(perToken, 1 / (2 * c.beta()))).square().mean();             // mean (Δ̄ − 1/(2β))²
                break;
            }
            default:
                throw new IllegalStateException("unknown loss type " + c.lossType());
        }
        NDArray rewardChosen = ratioChosen.mul(beta).stopGradient();             // r̂_w, [B]
        NDArray rewardRejected = ratioRejected.mul(beta).stopGradient();         // r̂_l, [B]
        NDArray stats = NDArrays.stack(new NDList(loss.stopGradient(), rewardChosen.mean(), rewardRejected.mean(),
                rewardChosen.gt(rewardRejected).toType(DataType.FLOAT32, false).mean(),
                rewardChosen.sub(rewardRejected).mean(), policyChosen.stopGradient().mean(),
                policyRejected.stopGradient().mean()));
        float[] s = stats.toFloatArray(); // one host transfer
        return new Result(loss, new Stats(s[0], s[1], s[2], s[3], s[4], s[5], s[6]));
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
