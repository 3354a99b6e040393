package dev.rlhf4j.ppo;

/**
 * A constant KL coefficient β (TRL v0.7 {@code FixedKLController}, used when
 * {@code adap_kl_ctrl=False}; InstructGPT used β = 0.02). {@link #update} does nothing.
 */
public final class FixedKlController implements KlController {

    private final double klCoef;

    /**
     * @param klCoef β ≥ 0
     */
    public FixedKlController(double klCoef) {
        if (!(klCoef >= 0) || Double.isInfinite(klCoef)) {
            throw new IllegalArgumentException("klCoef must be finite and >= 0, got " + klCoef);
        }
        this.klCoef = klCoef;
    }

    @Override
    public double value() {
        return klCoef;
    }

    /** Leaves β unchanged. */
    @Override
    public void update(double currentKl, int nSteps) {
        // fixed: β never changes
    }

    @Override
    public String toString() {
        return "FixedKlController[β=" + klCoef + "]";
    }
}
