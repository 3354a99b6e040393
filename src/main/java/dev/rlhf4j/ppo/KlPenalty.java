package dev.rlhf4j.ppo;

import ai.djl.ndarray.NDArray;

/**
 * How the per-token KL penalty between the policy π and the frozen reference π_ref is estimated
 * (TRL v0.7 {@code PPOConfig.kl_penalty} and {@code PPOTrainer._kl_penalty}). The shaped reward of
 * token t is {@code r_t = −β·KL_t}, plus the reward model's score on the last token (Ziegler et al.
 * 2019, eq. 2; InstructGPT).
 *
 * <p>With {@code logp = log π(a_t|s_t)} and {@code logp_ref = log π_ref(a_t|s_t)} of the sampled
 * token a_t:
 *
 * <ul>
 *   <li>{@link #KL}: {@code logp − logp_ref}, unbiased for KL(π‖π_ref) but negative on some tokens
 *       (Schulman's k1);
 *   <li>{@link #ABS}: {@code |logp − logp_ref|};
 *   <li>{@link #MSE}: {@code ½(logp − logp_ref)²} (k2, the same as PPO's {@code approxkl});
 *   <li>{@link #FULL}: the exact {@code KL(π‖π_ref) = Σ_v π(v)(log π(v) − log π_ref(v))} at that
 *       position, which needs the whole log-probability rows over the vocabulary, so it is computed by
 *       {@link #full(double[], double[])} and {@link #full(NDArray, NDArray)}, not by {@code perToken}.
 * </ul>
 */
public enum KlPenalty {
    /** {@code logp − logp_ref}. */
    KL,
    /** {@code |logp − logp_ref|}. */
    ABS,
    /** {@code ½(logp − logp_ref)²}. */
    MSE,
    /** {@code Σ_v π(v)(log π(v) − log π_ref(v))} from full log-probability rows. */
    FULL;

    /** The estimate for one token from the sampled token's two log-probabilities; not for FULL. */
    public double perToken(double logp, double refLogp) {
        double d = logp - refLogp; // log π(a) − log π_ref(a)
        return switch (this) {
            case KL -> d;              // KL_t = logp − logp_ref
            case ABS -> Math.abs(d);   // KL_t = |logp − logp_ref|
            case MSE -> 0.5 * d * d;   // KL_t = ½(logp − logp_ref)²
            case FULL -> throw needsRows();
        };
    }

    /**
     * The estimate for each token of one response (reference implementation); not for FULL.
     *
     * @param logp log π(a_t) of the sampled tokens, [T]
     * @param refLogp log π_ref(a_t) of the same tokens, [T]
     * @return KL_t, [T]
     */
    public double[] perToken(double[] logp, double[] refLogp) {
        checkSameLength(logp.length, refLogp.length);
        double[] kl = new double[logp.length];
        for (int t = 0; t < kl.length; t++) {
            kl[t] = perToken(logp[t], refLogp[t]);
        }
        return kl;
    }

    /**
     * The estimate for each token of a batch; not for FULL. The result is attached to {@code logp}'s
     * manager and differentiable (TRL computes it on detached rollout log-probs).
     *
     * @param logp log π(a_t), [B, T]
     * @param refLogp log π_ref(a_t), [B, T]
     * @return KL_t, [B, T]
     */
    public NDArray perToken(NDArray logp, NDArray refLogp) {
        if (this == FULL) {
            throw needsRows();
        }
        return Scoped.array(() -> {
            NDArray d = logp.sub(refLogp); // log π(a) − log π_ref(a), [B, T]
            return switch (this) {
                case KL -> d;                         // logp − logp_ref
                case ABS -> d.abs();                  // |logp − logp_ref|
                case MSE -> d.square().mul(0.5f);     // ½(logp − logp_ref)²
                case FULL -> throw needsRows();
            };
        });
    }

    /**
     * The full KL(π‖π_ref) at one position (reference implementation):
     * {@code Σ_v exp(log π(v))·(log π(v) − log π_ref(v))}, what TRL's
     * {@code F.kl_div(ref_logprob, logprob, log_target=True).sum(-1)} computes.
     *
     * @param logProbsRow log π(v) for every token v of the vocabulary, [V]
     * @param refLogProbsRow log π_ref(v), [V]
     */
    public static double full(double[] logProbsRow, double[] refLogProbsRow) {
        checkSameLength(logProbsRow.length, refLogProbsRow.length);
        double kl = 0;
        for (int v = 0; v < logProbsRow.length; v++) {
            kl += Math.exp(logProbsRow[v]) * (logProbsRow[v] - refLogProbsRow[v]); // Σ_v π(v)(log π(v) − log π_ref(v))
        }
        return kl;
    }

    /**
     * The full KL(π‖π_ref) at every position of a batch; see {@link #full(double[], double[])}.
     *
     * @param logProbs log π(v) at each position, [B, T, V]
     * @param refLogProbs log π_ref(v), [B, T, V]
     * @return KL_t, [B, T], attached to {@code logProbs}' manager
     */
    public static NDArray full(NDArray logProbs, NDArray refLogProbs) {
        int vocabAxis = logProbs.getShape().dimension() - 1;
        return Scoped.array(() -> logProbs.exp().mul(logProbs.sub(refLogProbs)).sum(new int[] {vocabAxis})); // Σ_v π(v)(log π(v) − log π_ref(v)), [B, T]
    }

    private static IllegalArgumentException needsRows() {
        return new IllegalArgumentException(
                "KlPenalty.FULL needs the full log-probability rows over the vocabulary, not the sampled"
                        + " token's log-probs: call KlPenalty.full(logProbs [B,T,V], refLogProbs [B,T,V])");
    }

    private static void checkSameLength(int a, int b) {
        if (a != b) {
            throw new IllegalArgumentException("log-probs and reference log-probs differ in length: " + a + " vs " + b);
        }
    }
}
