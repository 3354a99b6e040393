package dev.rlhf4j.ppo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.rlhf4j.core.Rlhf4j;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PpoLossTest {

    private static final PpoLoss.Config TRL = PpoLoss.Config.defaults();
    private static final double EPS = 0.2;

    /**
     * The clipped surrogate max(−A·ρ, −A·clip(ρ, 0.8, 1.2)) at ρ = 0.5, 1.0, 1.5:
     * A = +1: 0.5 → max(−0.5, −0.8) = −0.5 (ρ below the clip, but the unclipped term is the larger
     * loss: no clip); 1.0 → −1.0; 1.5 → max(−1.5, −1.2) = −1.2, clipped (no reward for pushing ρ
     * beyond 1.2).
     * A = −1: 0.5 → max(0.5, 0.8) = 0.8, clipped; 1.0 → 1.0; 1.5 → max(1.5, 1.2) = 1.5, not clipped.
     */
    @Test
    void clippedSurrogateAtThreeRatios() {
        double[] ratios = {0.5, 1.0, 1.5};
        double[] positive = {-0.5, -1.0, -1.2};
        double[] negative = {0.8, 1.0, 1.5};
        boolean[] clippedPositive = {false, false, true};
        boolean[] clippedNegative = {true, false, false};
        for (int i = 0; i < 3; i++) {
            assertEquals(positive[i], PpoLoss.clippedSurrogate(ratios[i], 1, EPS), 1e-12);
            assertEquals(negative[i], PpoLoss.clippedSurrogate(ratios[i], -1, EPS), 1e-12);
            assertEquals(clippedPositive[i], PpoLoss.surrogateClipped(ratios[i], 1, EPS));
            assertEquals(clippedNegative[i], PpoLoss.surrogateClipped(ratios[i], -1, EPS));
        }
    }

    /**
     * The six tokens above as a minibatch (logp_old = 0, logp = ln ρ; values all 0, so vf = 0):
     * pg = (−0.5 − 1 − 1.2 + 0.8 + 1 + 1.5)/6 = 0.1; clipfrac = 2/6; mean ρ = 1;
     * approxkl = ½·mean((ln ρ)²) = ½·2·(0.480453 + 0 + 0.164402)/6 = 0.107475827968561;
     * policykl = mean(−ln ρ) = −2·(−0.693147 + 0.405465)/6 = 0.0958940241505936; total = 0.1.
     */
    @Test
    void referenceStatsOnSixTokens() {
        double[] logp = new double[6];
        double[] adv = {1, 1, 1, -1, -1, -1};
        double[] ratios = {0.5, 1.0, 1.5, 0.5, 1.0, 1.5};
        for (int i = 0; i < 6; i++) {
            logp[i] = Math.log(ratios[i]);
        }
        double[] zeros = new double[6];
        PpoLoss.Stats s = PpoLoss.compute(logp, zeros, adv, zeros, zeros, zeros, TRL);
        assertEquals(0.1, s.policy(), 1e-12);
        assertEquals(0.0, s.value(), 0);
        assertEquals(0.1, s.total(), 1e-12);
        assertEquals(1.0 / 3, s.clipfrac(), 1e-12);
        assertEquals(1.0, s.ratioMean(), 1e-12);
        assertEquals(0.107475827968561, s.approxKl(), 1e-12);
        assertEquals(0.0958940241505936, s.policyKl(), 1e-12);
        assertTrue(Double.isNaN(s.entropy()));
    }

    /**
     * Value clip ε_v = 0.2 around V_old = 1 (so V_clipped ∈ [0.8, 1.2]), four tokens (V, R):
     * (1.1, 2): inside the clip, (−0.9)² = 0.81 either way;
     * (1.5, 2): V_clipped = 1.2, max(0.25, 0.64) = 0.64, the clipped error wins (counted);
     * (0.5, 0): V_clipped = 0.8, max(0.25, 0.64) = 0.64, counted;
     * (1.5, 0): V_clipped = 1.2, max(2.25, 1.44) = 2.25, not counted.
     * vf = ½·(0.81 + 0.64 + 0.64 + 2.25)/4 = 0.5425, val/clipfrac = 0.5, and with A = 0 the total is
     * 0.1·0.5425 = 0.05425.
     */
    @Test
    void clippedValueLossByHand() {
        double[] v = {1.1, 1.5, 0.5, 1.5};
        double[] r = {2, 2, 0, 0};
        double[] old = {1, 1, 1, 1};
        double[] zeros = new double[4];
        assertEquals(0.64, PpoLoss.clippedValueError(1.5, 1, 2, EPS), 1e-12);
        assertTrue(PpoLoss.valueClipped(0.5, 1, 0, EPS));
        assertFalse(PpoLoss.valueClipped(1.5, 1, 0, EPS));
        PpoLoss.Stats s = PpoLoss.compute(zeros, zeros, zeros, v, old, r, TRL);
        assertEquals(0.5425, s.value(), 1e-12);
        assertEquals(0.5, s.valueClipfrac(), 1e-12);
        assertEquals(0.05425, s.total(), 1e-12);
        assertEquals(0.0, s.policy(), 0);
    }

    /**
     * A padded 2×3 minibatch (5 real tokens; the padding holds large junk) against numbers from
     * TRL v0.7's loss lines run in torch 1.13 (float64): pg = −0.2842473243567993, vf = 0.143,
     * total = −0.2699473243567993, clipfrac = 0.4, val/clipfrac = 0.2, approxkl = 0.054,
     * policykl = 0.04, masked mean ρ = 1.0121152672391582. By hand on the 5 real tokens: val/vpred =
     * (0.3 + 1.0 − 0.4 + 0.9 + 0.2)/5 = 0.4 and val/error = mean((V − R)²) = (0.49 + 0.25 + 0.04 +
     * 0.25 + 0.16)/5 = 0.238. The double[] version on the real tokens and the NDArray version on the
     * padded batch both give them.
     */
    @Test
    void matchesTrlOnPaddedBatch() {
        double[][] logp = {{-1.0, -0.5, -2.0}, {-0.3, -1.2, 0.7}};
        double[][] old = {{-1.2, -0.9, -1.5}, {-0.3, -0.9, -0.4}};
        double[][] adv = {{0.5, -1.0, 2.0}, {1.5, -0.5, 3.0}};
        double[][] vpred = {{0.3, 1.0, -0.4}, {0.9, 0.2, 5.0}};
        double[][] vOld = {{0.2, 0.6, -0.3}, {1.0, 0.5, 0.0}};
        double[][] ret = {{1.0, 1.5, -0.2}, {0.4, 0.6, -2.0}};
        int[] lengths = {3, 2};
        PpoLoss.Stats trl = new PpoLoss.Stats(-0.2699473243567993, -0.2842473243567993, 0.143, Double.NaN,
                0.4, 0.054, 0.04, 0.2, 1.0121152672391582, 0.4, 0.238);
        assertStats(trl, PpoLoss.compute(real(logp, lengths), real(old, lengths), real(adv, lengths),
                real(vpred, lengths), real(vOld, lengths), real(ret, lengths), TRL), 1e-12);
        Rlhf4j.init();
        try (NDManager m = NDManager.newBaseManager()) {
            PpoLoss.Result r = PpoLoss.compute(nd(m, logp), nd(m, old), nd(m, adv), nd(m, vpred), nd(m, vOld), nd(m, ret),
                    PpoArrays.mask(m, lengths, 3), TRL);
            assertStats(trl, r.stats(), 1e-5);
            assertEquals(trl.total(), r.total().getFloat(), 1e-5);
        }
    }

    /** On a random ragged batch with an entropy bonus, NDArray and double[] agree on every number. */
    @Test
    void ndArrayMatchesReferenceWithEntropy() {
        Rlhf4j.init();
        int[] lengths = {6, 2, 4};
        Random rng = new Random(17);
        double[][] old = PpoArrays.random(rng, lengths, 1.0);
        double[][] logp = PpoArrays.random(rng, lengths, 0.3);
        for (int i = 0; i < logp.length; i++) {
            for (int t = 0; t < logp[i].length; t++) {
                logp[i][t] = (float) (old[i][t] + logp[i][t]); // ratios around 1, some clipped
            }
        }
        double[][] adv = PpoArrays.random(rng, lengths, 1.0);
        double[][] vOld = PpoArrays.random(rng, lengths, 1.0);
        double[][] vpred = PpoArrays.random(rng, lengths, 1.0);
        double[][] ret = PpoArrays.random(rng, lengths, 1.0);
        double[][] ent = PpoArrays.random(rng, lengths, 1.0);
        PpoLoss.Config config = TRL.withEntropyCoef(0.01).withCliprangeValue(0.5);
        PpoLoss.Stats expected = PpoLoss.compute(PpoArrays.concat(logp), PpoArrays.concat(old), PpoArrays.concat(adv),
                PpoArrays.concat(vpred), PpoArrays.concat(vOld), PpoArrays.concat(ret), PpoArrays.concat(ent), config);
        assertTrue(expected.clipfrac() > 0 && expected.clipfrac() < 1, "the example exercises the clip");
        assertTrue(expected.valueClipfrac() > 0, "the example exercises the value clip");
        try (NDManager m = NDManager.newBaseManager()) {
            PpoLoss.Result r = PpoLoss.compute(pad(m, logp), pad(m, old), pad(m, adv), pad(m, vpred), pad(m, vOld), pad(m, ret),
                    PpoArrays.mask(m, lengths, 6), pad(m, ent), config);
            assertStats(expected, r.stats(), 1e-5);
            assertEquals(expected.policy(), r.policy().getFloat(), 1e-5);
            assertEquals(expected.value(), r.value().getFloat(), 1e-5);
        }
    }

    /**
     * Gradients of the NDArray total (defaults: ε = ε_v = 0.2, vfCoef 0.1) on the six tokens above,
     * N = 6 real tokens in a 2×4 batch with one padding column. Policy: ∂total/∂logp_t = −A_t·ρ_t/N
     * where the unclipped term wins, else 0: row A = +1 at ρ = (0.5, 1, 1.5): (−0.083333, −0.166667,
     * 0); row A = −1: (0, 0.166667, 0.25). Value, V_old = 1: ∂total/∂V_t = vfCoef·(V_t − R_t)/N where
     * the unclipped error wins, else 0: row 1 (V, R) = (1.1, 2), (1.5, 2) clipped, (0.5, 0) clipped →
     * (−0.015, 0, 0); row 2 (1.5, 0), (0.9, 0.5), (1.05, 3) → (0.025, 0.0066667, −0.0325). Padding: 0.
     */
    @Test
    void totalIsDifferentiableWithAnalyticGradient() {
        Rlhf4j.init();
        double l5 = Math.log(0.5);
        double l15 = Math.log(1.5);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logp = nd(m, new double[][] {{l5, 0, l15, 0.3}, {l5, 0, l15, -0.7}});
            NDArray vpred = nd(m, new double[][] {{1.1, 1.5, 0.5, 9}, {1.5, 0.9, 1.05, -9}});
            logp.setRequiresGradient(true);
            vpred.setRequiresGradient(true);
            NDArray zeros = nd(m, new double[][] {{0, 0, 0, 0}, {0, 0, 0, 0}});
            NDArray adv = nd(m, new double[][] {{1, 1, 1, 5}, {-1, -1, -1, 5}});
            NDArray vOld = nd(m, new double[][] {{1, 1, 1, 1}, {1, 1, 1, 1}});
            NDArray ret = nd(m, new double[][] {{2, 2, 0, 4}, {0, 0.5, 3, 4}});
            NDArray mask = PpoArrays.mask(m, new int[] {3, 3}, 4);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                PpoLoss.Result r = PpoLoss.compute(logp, zeros, adv, vpred, vOld, ret, mask, TRL);
                gc.backward(r.total());
            }
            float[][] gLogp = PpoArrays.rows(logp.getGradient());
            float[][] gV = PpoArrays.rows(vpred.getGradient());
            double[][] expectedLogp = {{-0.5 / 6, -1.0 / 6, 0, 0}, {0, 1.0 / 6, 1.5 / 6, 0}};
            double[][] expectedV = {{-0.015, 0, 0, 0}, {0.025, 0.04 / 6, -0.0325, 0}};
            for (int i = 0; i < 2; i++) {
                for (int t = 0; t < 4; t++) {
                    assertEquals(expectedLogp[i][t], gLogp[i][t], 1e-6, "∂/∂logp row " + i + " t " + t);
                    assertEquals(expectedV[i][t], gV[i][t], 1e-6, "∂/∂V row " + i + " t " + t);
                }
            }
        }
    }

    /**
     * The host's gradient is autograd's through the NDArray loss, token by token: on the six tokens of
     * {@link #totalIsDifferentiableWithAnalyticGradient} (by hand there too) and on 400 random tokens
     * with an entropy bonus, where ratios and values land on both sides of both clips. Ties included:
     * a ratio of exactly 1 (the two policy terms equal, half of the gradient each) and values at
     * exactly V_old ± ε_v (the clip's bound, where {@code min}/{@code max} split it).
     */
    @Test
    void hostGradientIsAutogradsGradient() {
        Rlhf4j.init();
        double l5 = Math.log(0.5);
        double l15 = Math.log(1.5);
        double[] zeros6 = new double[6];
        PpoLoss.Gradient six = PpoLoss.withGradient(new double[] {l5, 0, l15, l5, 0, l15}, zeros6,
                new double[] {1, 1, 1, -1, -1, -1}, new double[] {1.1, 1.5, 0.5, 1.5, 0.9, 1.05},
                new double[] {1, 1, 1, 1, 1, 1}, new double[] {2, 2, 0, 0, 0.5, 3}, null, TRL);
        double[] byHandLogp = {-0.5 / 6, -1.0 / 6, 0, 0, 1.0 / 6, 1.5 / 6};
        double[] byHandV = {-0.015, 0, 0, 0.025, 0.04 / 6, -0.0325};
        for (int t = 0; t < 6; t++) {
            assertEquals(byHandLogp[t], six.logp()[t], 1e-12, "∂/∂logp t " + t);
            assertEquals(byHandV[t], six.value()[t], 1e-12, "∂/∂V t " + t);
        }
        Random rng = new Random(7);
        int n = 400;
        double[] logp = new double[n];
        double[] old = new double[n];
        double[] adv = new double[n];
        double[] vpred = new double[n];
        double[] vOld = new double[n];
        double[] ret = new double[n];
        double[] ent = new double[n];
        for (int t = 0; t < n; t++) {
            old[t] = -2 + rng.nextGaussian();
            logp[t] = t % 10 == 0 ? old[t] : old[t] + 0.4 * rng.nextGaussian(); // every tenth: ρ = 1 exactly
            adv[t] = rng.nextGaussian();
            vOld[t] = Math.round(64 * rng.nextGaussian()) / 64.0; // V_old ± ε_v exact in float too: the ties are ties there
            vpred[t] = t % 10 == 1 ? vOld[t] + 0.25 : t % 10 == 2 ? vOld[t] - 0.25 : vOld[t] + 0.5 * rng.nextGaussian();
            ret[t] = vOld[t] + rng.nextGaussian();
            ent[t] = 3 * rng.nextDouble();
        }
        PpoLoss.Config c = new PpoLoss.Config(0.2, 0.25, 0.5, 0.01);
        PpoLoss.Gradient host = PpoLoss.withGradient(logp, old, adv, vpred, vOld, ret, ent, c);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray lp = nd(m, new double[][] {logp});
            NDArray v = nd(m, new double[][] {vpred});
            NDArray h = nd(m, new double[][] {ent});
            lp.setRequiresGradient(true);
            v.setRequiresGradient(true);
            h.setRequiresGradient(true);
            NDArray mask = PpoArrays.mask(m, new int[] {n}, n);
            PpoLoss.Result r;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                r = PpoLoss.compute(lp, nd(m, new double[][] {old}), nd(m, new double[][] {adv}), v,
                        nd(m, new double[][] {vOld}), nd(m, new double[][] {ret}), mask, h, c);
                gc.backward(r.total());
            }
            assertStats(r.stats(), host.stats(), 1e-5);
            float[] gLogp = lp.getGradient().toFloatArray();
            float[] gV = v.getGradient().toFloatArray();
            float[] gH = h.getGradient().toFloatArray();
            int clipped = 0;
            for (int t = 0; t < n; t++) {
                assertEquals(gLogp[t], host.logp()[t], 1e-7 + 1e-5 * Math.abs(gLogp[t]), "∂/∂logp t " + t);
                assertEquals(gV[t], host.value()[t], 1e-7 + 1e-5 * Math.abs(gV[t]), "∂/∂V t " + t);
                assertEquals(gH[t], host.entropy()[t], 1e-9, "∂/∂H t " + t);
                clipped += host.logp()[t] == 0 ? 1 : 0;
            }
            assertTrue(clipped > 20 && clipped < n - 20, "both sides of the clip are covered: " + clipped + " clipped");
        }
    }

    /** compute leaves exactly its three results on the manager; every intermediate is closed. */
    @Test
    void ndArrayLeavesOnlyItsResults() {
        Rlhf4j.init();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = nd(m, new double[][] {{0.1, -0.2, 0.3}, {0.4, 0.5, -0.6}});
            NDArray mask = PpoArrays.mask(m, new int[] {3, 1}, 3);
            int before = ((BaseNDManager) m).getManagedArrays().size();
            PpoLoss.compute(x, x, x, x, x, x, mask, x, TRL.withEntropyCoef(0.1));
            assertEquals(before + 3, ((BaseNDManager) m).getManagedArrays().size());
        }
    }

    @Test
    void configDefaultsValidationAndMetricNames() {
        assertEquals(new PpoLoss.Config(0.2, 0.2, 0.1, 0.0), PpoLoss.Config.defaults());
        assertEquals(0.3, TRL.withCliprange(0.3).cliprange());
        assertThrows(IllegalArgumentException.class, () -> TRL.withCliprange(1.0));
        assertThrows(IllegalArgumentException.class, () -> TRL.withVfCoef(-0.1));
        assertThrows(IllegalArgumentException.class, () -> TRL.withCliprangeValue(Double.NaN));
        double[] one = {0};
        assertThrows(IllegalArgumentException.class,
                () -> PpoLoss.compute(one, one, one, one, one, one, TRL.withEntropyCoef(0.01)), "entropy bonus without entropy");
        PpoLoss.Stats s = PpoLoss.compute(one, one, one, one, one, one, TRL);
        assertEquals(List.of("ppo/loss/policy", "ppo/loss/value", "ppo/loss/total", "ppo/policy/approxkl",
                "ppo/policy/policykl", "ppo/policy/clipfrac", "ppo/policy/ratio", "ppo/val/clipfrac", "ppo/val/vpred",
                "ppo/val/error"),
                List.copyOf(s.toMetrics().keySet()), "entropy (NaN) is left out");
    }

    private static void assertStats(PpoLoss.Stats expected, PpoLoss.Stats actual, double tol) {
        assertEquals(expected.total(), actual.total(), tol, "total");
        assertEquals(expected.policy(), actual.policy(), tol, "policy");
        assertEquals(expected.value(), actual.value(), tol, "value");
        assertEquals(expected.entropy(), actual.entropy(), tol, "entropy");
        assertEquals(expected.clipfrac(), actual.clipfrac(), tol, "clipfrac");
        assertEquals(expected.approxKl(), actual.approxKl(), tol, "approxkl");
        assertEquals(expected.policyKl(), actual.policyKl(), tol, "policykl");
        assertEquals(expected.valueClipfrac(), actual.valueClipfrac(), tol, "val/clipfrac");
        assertEquals(expected.ratioMean(), actual.ratioMean(), tol, "ratio");
        assertEquals(expected.vpredMean(), actual.vpredMean(), tol, "val/vpred");
        assertEquals(expected.valueError(), actual.valueError(), tol, "val/error");
    }

    private static double[] real(double[][] rows, int[] lengths) {
        double[][] cut = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            cut[i] = java.util.Arrays.copyOf(rows[i], lengths[i]);
        }
        return PpoArrays.concat(cut);
    }

    private static NDArray nd(NDManager m, double[][] rows) {
        return PpoArrays.padded(m, rows, rows[0].length, 0);
    }

    private static NDArray pad(NDManager m, double[][] rows) {
        return PpoArrays.padded(m, rows, 6, 3.0);
    }
}
