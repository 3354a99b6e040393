package dev.rlhf4j.ppo;

/**
 * Holds the KL coefficient β of the shaped reward {@code r_t = −β·KL_t} (+ score on the last token)
 * and may change it after each PPO step (Ziegler et al. 2019, "Fine-Tuning Language Models from
 * Human Preferences", §2.2; TRL v0.7 {@code AdaptiveKLController} / {@code FixedKLController}).
 */
public interface KlController {

    /** The current coefficient β. */
    double value();

    /**
     * Updates β after a PPO step.
     *
     * @param currentKl the batch's observed KL (TRL: the mean over responses of the summed per-token KL)
     * @param nSteps how many samples the step used (TRL passes {@code batch_size})
     */
    void update(double currentKl, int nSteps);

    /**
     * The controller TRL's {@code PPOConfig} selects: adaptive when {@code adapKlCtrl}, otherwise
     * fixed at {@code initKlCoef}.
     */
    static KlController create(boolean adapKlCtrl, double initKlCoef, double target, int horizon) {
        return adapKlCtrl ? new AdaptiveKlController(initKlCoef, target, horizon) : new FixedKlController(initKlCoef);
    }
}
