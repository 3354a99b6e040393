package dev.rlhf4j.grpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.rlhf4j.core.Rlhf4j;
import java.util.List;
import org.junit.jupiter.api.Test;

class GrpoLossTest {

    static GrpoLoss.Config config(GrpoLossType type, double beta, int maxLen) {
        return new GrpoLoss.Config(0.2, beta, type, maxLen);
    }

    /**
     * G = 4, Bessel-corrected std, ε = 1e-4. [1,0,1,0]: mean ½, std √(4·¼/3) = 0.577350, A = ±0.5/0.577450
     * = ±0.865875. [1,1,1,0]: mean ¾, std ½, A = 0.25/0.5001 = 0.499900 (×3) and −0.75/0.5001 = −1.499700.
     * [.2,.9,.5,.4]: mean ½, std 0.294392, A = −1.018703, 1.358271, 0, −0.339568. Without scaling A = r − mean.
     */
    @Test
    void groupNormalisedAdvantagesByHand() {
        assertArray(new double[] {0.865875, -0.865875, 0.865875, -0.865875},
                GrpoLoss.advantages(new double[] {1, 0, 1, 0}, 4, true), 1e-6);
        assertArray(new double[] {0.499900, 0.499900, 0.499900, -1.499700},
                GrpoLoss.advantages(new double[] {1, 1, 1, 0}, 4, true), 1e-6);
        assertArray(new double[] {-1.018703, 1.358271, 0, -0.339568},
                GrpoLoss.advantages(new double[] {.2, .9, .5, .4}, 4, true), 1e-6);
        assertArray(new double[] {-.3, .4, 0, -.1}, GrpoLoss.advantages(new double[] {.2, .9, .5, .4}, 4, false), 1e-12);
        // two groups are normalised separately
        assertArray(new double[] {0.865875, -0.865875, 0.865875, -0.865875, 0.499900, 0.499900, 0.499900, -1.499700},
                GrpoLoss.advantages(new double[] {1, 0, 1, 0, 1, 1, 1, 0}, 4, true), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> GrpoLoss.advantages(new double[] {1, 2, 3}, 2, true));
    }

    /** A group whose rewards are all equal has std 0 and mean r: every advantage is exactly 0, scaled or not. */
    @Test
    void equalRewardsGiveZeroAdvantage() {
        for (boolean scale : new boolean[] {true, false}) {
            double[] a = GrpoLoss.advantages(new double[] {1, 1, 1, 1, -0.3, -0.3, -0.3, -0.3, 2, 0, 1, 1}, 4, scale);
            for (int i = 0; i < 8; i++) {
                assertEquals(0.0, a[i], 0, "equal-reward group, row " + i);
            }
            assertTrue(a[8] > 0 && a[9] < 0, "the third group has a signal");
        }
    }

    /** k3 = e^d − d − 1 at d = ref − logp: 0.5 → 0.148721, −0.5 → 0.106531, 2 → 4.389056, 0 → 0. */
    @Test
    void k3ByHand() {
        assertEquals(0.148721, GrpoLoss.k3(0, 0.5), 1e-6);
        assertEquals(0.106531, GrpoLoss.k3(0, -0.5), 1e-6);
        assertEquals(4.389056, GrpoLoss.k3(-1, 1), 1e-6);
        assertEquals(0.0, GrpoLoss.k3(-0.7, -0.7), 0);
    }

    // The hand-worked batch of the anchors (§5.4): G = 2, ε = 0.2, A = [+1, −1], max_completion_length 4.
    static final double[][] LOGRATIO = {{0.1, 0.3, -0.05}, {-0.4, 0.2}};
    static final double[][] REFMINUS = {{0, -0.2, 0.1}, {0.3, -0.1}};

    /**
     * o1 (A = +1): ρ = 1.105171, 1.349859 (clipped to 1.2: no gain past 1 + ε), 0.951229 → ℓ = −1.105171,
     * −1.2, −0.951229. o2 (A = −1): ρ = 0.670320 (clipped to 0.8), 1.221403 (not clipped: A &lt; 0 keeps
     * the larger ratio's loss) → ℓ = 0.8, 1.221403. β = 0: grpo = mean(−3.256400/3, 2.021403/2) =
     * −0.037383; bnpo = −1.234997/5 = −0.247; dr_grpo = −1.234997/(2·4) = −0.154375. β = 0.04 adds
     * 0.04·k3: −0.036676, −0.246371, −0.153982. kl = mean k3 = 0.015720; clip low 0.2 (o2's first
     * token), high 0.2 (o1's second), region 0.4.
     */
    @Test
    void clippedLossWithKlByHand() {
        double[][] logp = {{-1, -1, -1}, {-1, -1}};
        double[][] old = new double[2][];
        double[][] ref = new double[2][];
        for (int i = 0; i < 2; i++) {
            old[i] = new double[logp[i].length];
            ref[i] = new double[logp[i].length];
            for (int t = 0; t < logp[i].length; t++) {
                old[i][t] = logp[i][t] - LOGRATIO[i][t];
                ref[i][t] = logp[i][t] + REFMINUS[i][t];
            }
        }
        double[] adv = {1, -1};
        double[][] expected = {{-0.037383, -0.247000, -0.154375}, {-0.036676, -0.246371, -0.153982}};
        GrpoLossType[] types = {GrpoLossType.GRPO, GrpoLossType.BNPO, GrpoLossType.DR_GRPO};
        Rlhf4j.init();
        for (int b = 0; b < 2; b++) {
            double beta = b == 0 ? 0 : 0.04;
            for (int k = 0; k < 3; k++) {
                GrpoLoss.Config c = config(types[k], beta, 4);
                GrpoLoss.Stats s = GrpoLoss.compute(logp, old, ref, adv, c);
                assertEquals(expected[b][k], s.loss(), 1e-6, types[k] + " β=" + beta);
                assertEquals(0.015720, s.kl(), 1e-6);
                assertEquals(0.2, s.clipLow(), 1e-12);
                assertEquals(0.2, s.clipHigh(), 1e-12);
                assertEquals(0.4, s.clipRegion(), 1e-12);
                try (NDManager m = NDManager.newBaseManager()) {
                    GrpoLoss.Result r = GrpoLoss.compute(padded(m, logp, 9), padded(m, old, -3), padded(m, ref, 7),
                            m.create(new float[] {1, -1}), mask(m, new int[] {3, 2}, 4), c);
                    assertEquals(expected[b][k], r.loss().getFloat(), 1e-6, "NDArray " + types[k] + " β=" + beta);
                    assertEquals(0.015720, r.stats().kl(), 1e-6);
                    assertEquals(0.2, r.stats().clipLow(), 1e-6);
                    assertEquals(0.2, r.stats().clipHigh(), 1e-6);
                    assertEquals(0.4, r.stats().clipRegion(), 1e-6);
                }
            }
        }
        assertEquals(-1.2, GrpoLoss.tokenLoss(0.3, 0, 0.3, 1, config(GrpoLossType.GRPO, 0, 4)), 1e-12, "clipped at 1 + ε");
    }

    // TRL v1.9's advantage and loss lines in torch 1.13 (float64): src/test/python/dpo_grpo_reference.py
    static final double[] REWARDS = {0.7, -0.2, 1.5, 1.1};
    static final double[][] LOGP = {{-1.2, -0.4, -2.1}, {-0.8, -1.6}, {-0.3, -0.9, -1.4, -0.5}, {-2.2}};
    static final double[][] OLD = {{-1.0, -0.7, -2.0}, {-1.1, -1.5}, {-0.35, -0.6, -1.3, -0.9}, {-2.0}};
    static final double[][] REF = {{-1.5, -0.3, -1.8}, {-0.9, -1.2}, {-0.2, -1.1, -1.9, -0.4}, {-2.5}};
    static final int[] LENGTHS = {3, 2, 4, 1};

    record Torch(GrpoLossType type, double beta, double loss, double[][] grad) {}

    static final List<Torch> TORCH = List.of(
            new Torch(GrpoLossType.GRPO, 0.04, 0.00108249155139148, new double[][] {
                {-0.0473726533752772, -0.000350569726918826, -0.0544758753976801, 0},
                {0.119768857376506, 0.0775053955704338, 0, 0},
                {-0.0467065645593194, -0.0322751049059437, -0.0389907356967105, -0.000262927295189119},
                {0.147273182073138, 0, 0, 0}}),
            new Torch(GrpoLossType.BNPO, 0.04, -0.263397629540524, new double[][] {
                {-0.0568471840503327, -0.000420683672302591, -0.0653710504772162, 0},
                {0.0958150859012046, 0.0620043164563471, 0, 0},
                {-0.074730503294911, -0.05164016784951, -0.0623851771147368, -0.00042068367230259},
                {0.0589092728292554, 0, 0, 0}}),
            new Torch(GrpoLossType.DR_GRPO, 0.0, -0.110363898194609, new double[][] {
                {-0.0241182963198358, 0, -0.0266548396862134, 0},
                {0.0397643481555618, 0.0266548396862134, 0, 0},
                {-0.0309624248427535, -0.0218188520154992, -0.0266496060316193, 0},
                {0.0241135607133259, 0, 0, 0}}));

    /**
     * Advantages (G = 2: ±0.706996, ±0.706857), loss, kl (0.036893), clip ratios and ∂loss/∂logp of
     * every loss type against TRL's lines in torch: the double[] version within 1e-9, the NDArray
     * version (float32, padding filled with junk) within 1e-6.
     */
    @Test
    void matchesTrlInTorch() {
        double[] adv = GrpoLoss.advantages(REWARDS, 2, true);
        assertArray(new double[] {0.70699568753212, -0.70699568753212, 0.706856869543656, -0.706856869543656}, adv, 1e-12);
        Rlhf4j.init();
        for (Torch t : TORCH) {
            GrpoLoss.Config c = config(t.type(), t.beta(), 6);
            GrpoLoss.Stats s = GrpoLoss.compute(LOGP, OLD, REF, adv, c);
            assertEquals(t.loss(), s.loss(), 1e-9, t.type().toString());
            assertEquals(0.0368931531634227, s.kl(), 1e-9);
            assertEquals(0.0, s.clipLow(), 0);
            assertEquals(0.2, s.clipHigh(), 1e-12);
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray logp = padded(m, LOGP, 5);
                logp.setRequiresGradient(true);
                GrpoLoss.Result r;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    r = GrpoLoss.compute(logp, padded(m, OLD, -4), padded(m, REF, 3), m.create(floats(adv)),
                            mask(m, LENGTHS, 4), c);
                    gc.backward(r.loss());
                }
                assertEquals(t.loss(), r.loss().getFloat(), 1e-6, "NDArray " + t.type());
                assertEquals(0.0368931531634227, r.stats().kl(), 1e-6);
                assertEquals(0.2, r.stats().clipHigh(), 1e-6);
                float[] g = logp.getGradient().toFloatArray();
                for (int i = 0; i < 4; i++) {
                    for (int k = 0; k < 4; k++) {
                        assertEquals(t.grad()[i][k], g[i * 4 + k], 1e-6, t.type() + " ∂/∂logp[" + i + "][" + k + "]");
                    }
                }
            }
        }
    }

    @Test
    void configValidationNamesTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GrpoConfig.defaults().toBuilder().batchSize(60).build());
        assertTrue(e.getMessage().contains("GrpoConfig.batchSize: expected a multiple of numGenerations (8), found 60"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GrpoConfig.defaults().toBuilder().numGenerations(1).build());
        assertThrows(IllegalArgumentException.class, () -> GrpoConfig.defaults().toBuilder().miniBatchSize(24).build());
        assertThrows(IllegalArgumentException.class, () -> new GrpoLoss.Config(1.0, 0, GrpoLossType.GRPO, 4));
        assertEquals(GrpoLossType.BNPO, GrpoLossType.parse("dapo"));
        assertEquals(GrpoLossType.DR_GRPO, GrpoLossType.parse("DR_GRPO"));
        assertEquals("dr_grpo", GrpoLossType.DR_GRPO.trlName());
        GrpoConfig d = GrpoConfig.defaults();
        assertEquals(d, d.toBuilder().build());
        assertEquals(8, d.numGenerations());
        assertEquals(0.2, d.epsilon());
        assertEquals(8, d.promptsPerStep());
        assertEquals(32, d.lossConfig().maxCompletionLength());
    }

    static NDArray padded(NDManager m, double[][] rows, double pad) {
        int w = 0;
        for (double[] r : rows) {
            w = Math.max(w, r.length);
        }
        w = Math.max(w, 4);
        float[] flat = new float[rows.length * w];
        for (int i = 0; i < rows.length; i++) {
            for (int t = 0; t < w; t++) {
                flat[i * w + t] = (float) (t < rows[i].length ? rows[i][t] : pad);
            }
        }
        return m.create(flat, new Shape(rows.length, w));
    }

    static NDArray mask(NDManager m, int[] lengths, int w) {
        float[] flat = new float[lengths.length * w];
        for (int i = 0; i < lengths.length; i++) {
            for (int t = 0; t < lengths[i]; t++) {
                flat[i * w + t] = 1;
            }
        }
        return m.create(flat, new Shape(lengths.length, w));
    }

    static float[] floats(double[] xs) {
        float[] f = new float[xs.length];
        for (int i = 0; i < xs.length; i++) {
            f[i] = (float) xs[i];
        }
        return f;
    }

    static void assertArray(double[] expected, double[] actual, double tol) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol, "entry " + i);
        }
    }
}
