package dev.rlhf4j.ppo;

/**
 * Adapts β so the observed KL tracks a target (Ziegler et al. 2019, §2.2; TRL v0.7
 * {@code AdaptiveKLController}, the default):
 *
 * <pre>
 *   e = clip(KL / target − 1, −0.2, 0.2)
 *   β ← β·(1 + e·nSteps / horizon)
 * </pre>
 *
 * A KL above target raises β (stronger pull back to the reference), below target lowers it; the
 * proportional error is clipped at ±20%, and {@code horizon} sets how many samples it takes to
 * move β by about e·β. TRL's defaults: {@code initKlCoef} 0.2, {@code target} 6, {@code horizon}
 * 10000.
 *
 * <p>The KL it sees: {@link PpoTrainer} calls {@code update(mean_i Σ_t KL_t, batchSize)}, the
 * batch's mean per-sequence KL with the configured {@link KlPenalty} estimator (the number logged as
 * {@code objective/kl}), as TRL since v0.7.9 ({@code kl_ctl.update(stats["objective/kl"],
 * batch_size · num_processes)}); up to v0.7.8 TRL passed the k1 sum Σ_t (logp − logp_ref) whatever
 * the estimator.
 */
public final class AdaptiveKlController implements KlController {

    private final double target;
    private final int horizon;
    private double value;

    /**
     * @param initKlCoef the starting β, ≥ 0
     * @param target the KL to aim for, &gt; 0 (TRL: 6)
     * @param horizon samples over which β moves by the proportional error, &gt; 0 (TRL: 10000)
     */
    public AdaptiveKlController(double initKlCoef, double target, int horizon) {
        if (!(initKlCoef >= 0) || Double.isInfinite(initKlCoef)) {
            throw new IllegalArgumentException("initKlCoef must be finite and >= 0, got " + initKlCoef);
        }
        if (!(target > 0) || Double.isInfinite(target)) {
            throw new IllegalArgumentException("target (KL) must be finite and > 0, got " + target);
        }
        if (horizon <= 0) {
            throw new IllegalArgumentException("horizon must be > 0, got " + horizon);
        }
        this.value = initKlCoef;
        this.target = target;
        this.horizon = horizon;
    }

    @Override
    public double value() {
        return value;
    }

    /**
     * One update; {@code currentKl} must be finite (a NaN KL would silently poison β).
     *
     * @throws IllegalArgumentException if the KL is not finite or nSteps is negative
     */
    @Override
    public void update(double currentKl, int nSteps) {
        if (!Double.isFinite(currentKl)) {
            throw new IllegalArgumentException("currentKl must be finite, got " + currentKl);
        }
        if (nSteps < 0) {
            throw new IllegalArgumentException("nSteps must be >= 0, got " + nSteps);
        }
        double e = Math.max(-0.2, Math.min(0.2, currentKl / target - 1)); // e = clip(KL/target − 1, −0.2, 0.2)
        value *= 1 + e * nSteps / horizon;                               // β ← β·(1 + e·nSteps/horizon)
    }

    /** The KL this controller aims for. */
    public double target() {
        return target;
    }

    /** The horizon in samples. */
    public int horizon() {
        return horizon;
    }

    @Override
    public String toString() {
        return "AdaptiveKlController[β=" + value + ", target=" + target + ", horizon=" + horizon + "]";
    }
}
