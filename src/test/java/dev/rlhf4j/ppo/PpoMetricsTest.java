package dev.rlhf4j.ppo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlhf4j.world.Aspect;
import dev.rlhf4j.world.Prompt;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PpoMetrics on a two-row rollout small enough to check by hand: each TRL name means what TRL's means. */
class PpoMetricsTest {

    /**
     * Row 0 has one token (log π −1, KL 0.5), row 1 three (log π −0.5, −0.25, −2; KL 0.1, 0.2, 0.3);
     * β = 0.1. Scores before scaling {1, 3}, after {0.5, 1.5}.
     */
    static Rollout rollout() {
        Prompt p = new Prompt("p", "the soup was", Aspect.values()[0], false);
        double[][] logp = {{-1.0}, {-0.5, -0.25, -2.0}};
        double[][] kl = {{0.5}, {0.1, 0.2, 0.3}};
        double[][] zeros = {{0}, {0, 0, 0}};
        return new Rollout(List.of(p, p), List.of(new int[] {1}, new int[] {1}), List.of(new int[] {5}, new int[] {5, 6, 2}),
                new boolean[] {false, true}, List.of("a", "b c"), new double[] {2.0, 3.0}, new double[] {0.5, 1.5}, logp,
                zeros, zeros, kl, zeros, zeros, zeros, 0.1);
    }

    static PpoLoss.Stats loss(double valueError) {
        return new PpoLoss.Stats(0.1, 0.05, 0.5, Double.NaN, 0.1, 0.01, 0.02, 0.0, 1.0, 0.3, valueError);
    }

    /**
     * Two minibatches: returns {1, 2, 3, 4} (mean 2.5, unbiased var 5/3) with val/error 0.3, and
     * {0, 0, 0, 2} (mean 0.5, unbiased var 1) with val/error 0.5. TRL averages each statistic over
     * the minibatches, then var_explained = 1 − 0.4/(4/3) = 0.7 (not the mean of the per-minibatch
     * ratios, 0.66).
     */
    static MinibatchStats minibatches() {
        MinibatchStats s = new MinibatchStats();
        double[] values = {0, 1, 0, 1};
        double[] adv = {1, -1, 1, -1};
        s.add(loss(0.3), MinibatchStats.rolloutStats(new double[] {1, 2, 3, 4}, values, adv), false);
        s.add(loss(0.5), MinibatchStats.rolloutStats(new double[] {0, 0, 0, 2}, values, adv), false);
        return s;
    }

    @Test
    void trlMeaningsByHand() {
        Map<String, Double> m = PpoMetrics.of(3, rollout(), new double[] {1.0, 3.0}, minibatches(), 0.55, 0.1, 0.11,
                new double[] {2.0, 3.0});
        assertEquals(3.0, m.get("iteration"));
        // env/: the scores before scaling, unbiased std (population would be 1)
        assertEquals(2.0, m.get("env/reward_mean"), 1e-15);
        assertEquals(Math.sqrt(2), m.get("env/reward_std"), 1e-15);
        assertEquals(2.5, m.get("env/raw_reward_mean"), 1e-15);
        assertEquals(1.0, m.get("ppo/mean_scores"), 1e-15);
        assertEquals(Math.sqrt(0.5), m.get("ppo/std_scores"), 1e-15);
        // per token: −0.1·(0.5 + 0.1 + 0.2 + 0.3)/4 = −0.0275 (per sequence it would be −0.055)
        assertEquals(-0.0275, m.get("ppo/mean_non_score_reward"), 1e-15);
        // TRL's entropy: mean over rows of Σ_t −log π = (1 + 2.75)/2; the exact one: (2 + 3)/2
        assertEquals(1.875, m.get("objective/entropy"), 1e-15);
        assertEquals(2.5, m.get("objective/entropy_exact"), 1e-15);
        assertEquals(0.55, m.get("objective/kl"));
        assertEquals(0.1, m.get("objective/kl_coef"));
        assertEquals(0.11, m.get("objective/kl_coef_next"));
        // minibatch statistics, averaged
        assertEquals(1.5, m.get("ppo/returns/mean"), 1e-7);
        assertEquals(4.0 / 3, m.get("ppo/returns/var"), 1e-7);
        assertEquals(0.4, m.get("ppo/val/error"), 1e-7);
        assertEquals(0.3, m.get("ppo/val/vpred"), 1e-7);
        assertEquals(0.5, m.get("ppo/val/mean"), 1e-7);
        assertEquals(1.0 / 3, m.get("ppo/val/var"), 1e-7);
        assertEquals(0.0, m.get("ppo/policy/advantages_mean"), 1e-7);
        assertEquals(0.7, m.get("ppo/val/var_explained"), 1e-7);
        assertEquals(2.0, m.get("tokens/responses_len_mean"), 1e-15);
        assertEquals(0.5, m.get("tokens/finished_fraction"), 1e-15);
    }

    @Test
    void aStandardDeviationOfOneValueIsNaNAsTorchStd() {
        assertTrue(Double.isNaN(PpoMetrics.variance(new double[] {2.0})));
        assertEquals(0.5, PpoMetrics.variance(new double[] {1.0, 2.0}), 1e-15);
    }
}
