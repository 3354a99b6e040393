package dev.rlhf4j.ppo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Turns PPO's known pitfalls into checks (TRL issues #925, #1005, #1857; "The N implementation
 * details of RLHF"): a negative mean KL, minibatches skipped for a ratio above
 * {@code ratioThreshold}, and a non-finite loss — which stops training with a clear message.
 */
public final class Diagnostics {

    private static final Logger LOG = Logger.getLogger(Diagnostics.class.getName());

    /** Thrown when a loss or statistic is NaN or infinite; the last good checkpoint is the one to keep. */
    public static final class DivergedException extends RuntimeException {
        public DivergedException(String message) {
            super(message);
        }
    }

    private final List<String> warnings = new ArrayList<>();
    private boolean warnedNegativeKl;

    /** Checks one iteration's metrics; throws {@link DivergedException} on NaN or infinity. */
    void check(int iteration, Map<String, Double> m, PpoConfig config) {
        for (String key : List.of("ppo/loss/total", "ppo/loss/policy", "ppo/loss/value", "objective/kl", "env/reward_mean")) {
            Double v = m.get(key);
            if (v != null && !Double.isFinite(v)) {
                throw new DivergedException("PPO diverged at iteration " + iteration + ": " + key + " is " + v
                        + ". Keep the last checkpoint written before it; lower learningRate or check the reward model's scores.");
            }
        }
        double kl = m.get("objective/kl");
        if (kl < -1 && !warnedNegativeKl) {
            warnedNegativeKl = true;
            warn(String.format("iteration %d: mean KL is %.2f < −1. The KL estimate log π − log π_ref is only unbiased for"
                    + " samples drawn from π itself: sample with temperature 1, top-k 0 and top-p 1 (now %s).", iteration, kl,
                    config.sampling()));
        }
        double skipped = m.getOrDefault("ppo/skipped_batches", 0.0);
        if (skipped > 0) {
            warn(String.format("iteration %d: %d minibatch(es) skipped: the mean ratio π/π_old exceeded ratioThreshold %.1f"
                    + " (the policy moved too far in one iteration; lower learningRate or ppoEpochs).", iteration,
                    (int) skipped, config.ratioThreshold()));
        }
    }

    private void warn(String w) {
        LOG.warning(w);
        warnings.add(w);
    }

    /** Every warning so far. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }
}
