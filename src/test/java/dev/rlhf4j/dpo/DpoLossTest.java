package dev.rlhf4j.dpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.rlhf4j.core.Rlhf4j;
import java.util.List;
import org.junit.jupiter.api.Test;

class DpoLossTest {

    static final DpoLoss.Config SIGMOID = DpoLoss.Config.defaults();

    static DpoLoss.Config config(DpoLossType type, double beta, double ls) {
        return new DpoLoss.Config(beta, type, ls);
    }

    /**
     * Hand-worked pairs (π_c, π_r, ref_c, ref_r; n_c, n_r), β = 0.1 unless said:
     * D1 (−10, −12, −10, −12; 4, 5): Δ = 0, sigmoid = log 2 = 0.693147, hinge = 1, ipo = (0 − 5)² = 25.
     * D2 (−12, −15, −13, −14; 4, 5): Δ = (−12 + 13) − (−15 + 14) = 2; sigmoid = log(1 + e^−0.2) = 0.598139;
     * hinge = 1 − 0.2 = 0.8; Δ̄ = 1/4 − (−1)/5 = 0.45, ipo = (0.45 − 5)² = 20.7025; cDPO ε = 0.1 adds
     * 0.1·(log σ(0.2) − log σ(−0.2)) = 0.1·0.2 = 0.02 → 0.618139.
     * D2 at β = 0.5: sigmoid = log(1 + e^−1) = 0.313262, hinge = max(0, 1 − 1) = 0, ipo = (0.45 − 1)² = 0.3025,
     * cDPO = 0.313262 + 0.1·1 = 0.413262.
     * D3 (−20, −18, −19, −18.5; 6, 3): Δ = −1 − 0.5 = −1.5; sigmoid = log(1 + e^0.15) = 0.770957,
     * hinge = 1.15, Δ̄ = −1/6 − 1/6 = −1/3, ipo = (−1/3 − 5)² = 28.444444, cDPO = 0.770957 − 0.1·0.15 = 0.755957.
     */
    @Test
    void handWorkedPairs() {
        double[][] pairs = {{-10, -12, -10, -12, 4, 5}, {-12, -15, -13, -14, 4, 5}, {-20, -18, -19, -18.5, 6, 3}};
        double[][] expected = { // sigmoid, hinge, ipo, cDPO at β = 0.1
            {0.693147, 1.0, 25.0, 0.693147}, {0.598139, 0.8, 20.7025, 0.618139}, {0.770957, 1.15, 28.444444, 0.755957}};
        for (int i = 0; i < pairs.length; i++) {
            double[] p = pairs[i];
            assertEquals(expected[i][0], loss(p, config(DpoLossType.SIGMOID, 0.1, 0)), 1e-6, "sigmoid D" + (i + 1));
            assertEquals(expected[i][1], loss(p, config(DpoLossType.HINGE, 0.1, 0)), 1e-12, "hinge D" + (i + 1));
            assertEquals(expected[i][2], loss(p, config(DpoLossType.IPO, 0.1, 0)), 1e-6, "ipo D" + (i + 1));
            assertEquals(expected[i][3], loss(p, config(DpoLossType.SIGMOID, 0.1, 0.1)), 1e-6, "cDPO D" + (i + 1));
            assertEquals(expected[i][1], loss(p, config(DpoLossType.HINGE, 0.1, 0.1)), 1e-12, "hinge ignores ε");
        }
        double[] d2 = pairs[1];
        assertEquals(0.313262, loss(d2, config(DpoLossType.SIGMOID, 0.5, 0)), 1e-6);
        assertEquals(0.0, loss(d2, config(DpoLossType.HINGE, 0.5, 0)), 1e-12);
        assertEquals(0.3025, loss(d2, config(DpoLossType.IPO, 0.5, 0)), 1e-12);
        assertEquals(0.413262, loss(d2, config(DpoLossType.SIGMOID, 0.5, 0.1)), 1e-6);
        assertEquals(2.0, DpoLoss.delta(-12, -15, -13, -14), 0);
    }

    /**
     * The batch {D2, D3}: losses are means (sigmoid (0.598139 + 0.770957)/2 = 0.684548, hinge 0.975,
     * ipo 24.573472); rewards/chosen = 0.1·mean(1, −1) = 0, rewards/rejected = 0.1·mean(−1, 0.5) = −0.025,
     * margins 0.025, accuracies ½ (D2 right, D3 wrong), logps/chosen −16, logps/rejected −16.5. D1
     * alone: rewards 0 and accuracy 0, not ½ (TRL's strict comparison).
     */
    @Test
    void batchStatisticsByHand() {
        double[] pc = {-12, -20};
        double[] pr = {-15, -18};
        double[] rc = {-13, -19};
        double[] rr = {-14, -18.5};
        int[] nc = {4, 6};
        int[] nr = {5, 3};
        DpoLoss.Stats s = DpoLoss.compute(pc, pr, rc, rr, nc, nr, SIGMOID);
        assertEquals(0.684548, s.loss(), 1e-6);
        assertEquals(0.0, s.rewardsChosen(), 1e-12);
        assertEquals(-0.025, s.rewardsRejected(), 1e-12);
        assertEquals(0.025, s.margins(), 1e-12);
        assertEquals(0.5, s.accuracies(), 0);
        assertEquals(-16.0, s.logpsChosen(), 0);
        assertEquals(-16.5, s.logpsRejected(), 0);
        assertEquals(0.975, DpoLoss.compute(pc, pr, rc, rr, nc, nr, config(DpoLossType.HINGE, 0.1, 0)).loss(), 1e-12);
        assertEquals(24.573472, DpoLoss.compute(pc, pr, rc, rr, nc, nr, config(DpoLossType.IPO, 0.1, 0)).loss(), 1e-6);
        DpoLoss.Stats d1 = DpoLoss.compute(new double[] {-10}, new double[] {-12}, new double[] {-10}, new double[] {-12},
                new int[] {4}, new int[] {5}, SIGMOID);
        assertEquals(0.0, d1.accuracies(), 0, "equal rewards are not a correct ordering");
        assertEquals(0.0, d1.margins(), 0);
        assertEquals(List.of("loss", "rewards/chosen", "rewards/rejected", "rewards/accuracies", "rewards/margins",
                "logps/chosen", "logps/rejected"), List.copyOf(s.toMetrics().keySet()));
    }

    // Four pairs and TRL's loss lines run in torch 1.13 (float64): src/test/python/dpo_grpo_reference.py
    static final double[] PC = {-12.0, -20.0, -8.5, -30.25};
    static final double[] PR = {-15.0, -18.0, -9.0, -28.0};
    static final double[] RC = {-13.0, -19.0, -8.0, -31.0};
    static final double[] RR = {-14.0, -18.5, -9.5, -27.5};
    static final int[] NC = {4, 6, 3, 10};
    static final int[] NR = {5, 3, 3, 9};

    /** torch's loss, ∂loss/∂π_c (∂loss/∂π_r is its negative except for ipo) and ∂loss/∂π_r. */
    record Torch(DpoLoss.Config config, double loss, double[] gradChosen, double[] gradRejected) {}

    static final List<Torch> TORCH = List.of(
            new Torch(config(DpoLossType.SIGMOID, 0.1, 0), 0.686522903140466,
                    new double[] {-0.0112541500671881, -0.0134357461335937, -0.0131244796869735, -0.0117197656656561},
                    new double[] {0.0112541500671881, 0.0134357461335937, 0.0131244796869735, 0.0117197656656561}),
            new Torch(config(DpoLossType.SIGMOID, 0.5, 0.1), 0.722602589022437,
                    new double[] {-0.0211176776712494, -0.0723973373969241, -0.0653074164002318, -0.0310806419167432},
                    new double[] {0.0211176776712494, 0.0723973373969241, 0.0653074164002318, 0.0310806419167432}),
            new Torch(config(DpoLossType.HINGE, 0.1, 0), 0.98125,
                    new double[] {-0.025, -0.025, -0.025, -0.025}, new double[] {0.025, 0.025, 0.025, 0.025}),
            new Torch(config(DpoLossType.IPO, 0.5, 0), 1.15349729938272,
                    new double[] {-0.06875, -0.111111111111111, -0.222222222222222, -0.0434722222222222},
                    new double[] {0.055, 0.222222222222222, 0.222222222222222, 0.0483024691358024}));

    /**
     * Every loss type against TRL's formulas in torch: the double[] version within 1e-9, the NDArray
     * version (float32) and its gradient with respect to the policy's log-probs within 1e-6; the
     * stats are the same for every type (rewards from summed log-probs): rewards/chosen = β·0.0625,
     * rewards/rejected = −β·0.125, accuracies ½, logps −17.6875 and −17.5.
     */
    @Test
    void matchesTrlInTorch() {
        Rlhf4j.init();
        for (Torch t : TORCH) {
            String what = t.config().lossType() + " β=" + t.config().beta() + " ε=" + t.config().labelSmoothing();
            DpoLoss.Stats ref = DpoLoss.compute(PC, PR, RC, RR, NC, NR, t.config());
            assertEquals(t.loss(), ref.loss(), 1e-9, what);
            assertEquals(t.config().beta() * 0.0625, ref.rewardsChosen(), 1e-12, what);
            assertEquals(-t.config().beta() * 0.125, ref.rewardsRejected(), 1e-12, what);
            assertEquals(0.5, ref.accuracies(), 0, what);
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray pc = m.create(floats(PC));
                NDArray pr = m.create(floats(PR));
                pc.setRequiresGradient(true);
                pr.setRequiresGradient(true);
                DpoLoss.Result r;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    r = DpoLoss.compute(pc, pr, m.create(floats(RC)), m.create(floats(RR)), m.create(NC), m.create(NR),
                            t.config());
                    gc.backward(r.loss());
                }
                assertEquals(t.loss(), r.loss().getFloat(), 1e-6, what);
                assertEquals(t.loss(), r.stats().loss(), 1e-6, what);
                assertEquals(ref.rewardsChosen(), r.stats().rewardsChosen(), 1e-6, what);
                assertEquals(ref.rewardsRejected(), r.stats().rewardsRejected(), 1e-6, what);
                assertEquals(ref.margins(), r.stats().margins(), 1e-6, what);
                assertEquals(ref.accuracies(), r.stats().accuracies(), 0, what);
                assertEquals(-17.6875, r.stats().logpsChosen(), 1e-6, what);
                assertEquals(-17.5, r.stats().logpsRejected(), 1e-6, what);
                float[] gc = pc.getGradient().toFloatArray();
                float[] gr = pr.getGradient().toFloatArray();
                for (int i = 0; i < PC.length; i++) {
                    assertEquals(t.gradChosen()[i], gc[i], 1e-6, what + " ∂/∂π_c " + i);
                    assertEquals(t.gradRejected()[i], gr[i], 1e-6, what + " ∂/∂π_r " + i);
                }
            }
        }
    }

    /**
     * Identical policy and reference (Δ = 0): the sigmoid loss is log 2 for every β, and its gradient
     * with respect to the margin Δ is −β·σ(−βΔ)/B = −β/(2B), which vanishes as β → 0: with β = 1e-7
     * the loss is log 2 and the gradient 0 (to 1e-9), while with β = 0.1 it is −0.1/8 = −0.0125 per pair
     * (B = 4), the check's control.
     */
    @Test
    void identicalModelsAndVanishingBetaGiveLog2AndNoGradient() {
        Rlhf4j.init();
        double[] logps = {-12, -20, -8.5, -30.25};
        double[] margin = {0, 0, 0, 0};
        for (double beta : new double[] {0.1, 1e-7}) {
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray delta = m.create(floats(margin)); // Δ enters as π_c − π_r; ref fixed, π_r = ref_r
                delta.setRequiresGradient(true);
                NDArray ref = m.create(floats(logps));
                DpoLoss.Result r;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    r = DpoLoss.compute(ref.add(delta), ref, ref, ref, m.create(NC), m.create(NR),
                            config(DpoLossType.SIGMOID, beta, 0));
                    gc.backward(r.loss());
                }
                assertEquals(Math.log(2), r.loss().getFloat(), 1e-6, "β = " + beta);
                assertEquals(0.0, r.stats().margins(), 0);
                assertEquals(0.0, r.stats().accuracies(), 0);
                for (float g : delta.getGradient().toFloatArray()) {
                    assertEquals(-beta / 8, g, 1e-9, "∂loss/∂Δ at β = " + beta);
                }
            }
        }
        assertEquals(Math.log(2), DpoLoss.compute(logps, logps, logps, logps, NC, NR, config(DpoLossType.SIGMOID, 1e-9, 0))
                .loss(), 1e-12);
    }

    @Test
    void configValidationNamesTheField() {
        assertEquals(new DpoLoss.Config(0.1, DpoLossType.SIGMOID, 0), DpoLoss.Config.defaults());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DpoConfig.defaults().toBuilder().beta(0).build());
        assertTrue(e.getMessage().contains("DpoConfig.beta: expected a finite value > 0, found 0.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DpoConfig.defaults().toBuilder().labelSmoothing(0.5).build());
        assertThrows(IllegalArgumentException.class, () -> new DpoLoss.Config(0.1, null, 0));
        assertEquals(DpoLossType.IPO, DpoLossType.parse("IPO"));
        assertEquals("hinge", DpoLossType.HINGE.trlName());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> DpoLossType.parse("kto"));
        assertTrue(bad.getMessage().contains("expected sigmoid, ipo or hinge, found kto"));
        DpoConfig d = DpoConfig.defaults();
        assertEquals(0.1, d.beta());
        assertEquals(DpoLossType.SIGMOID, d.lossType());
        assertEquals(0.0, d.labelSmoothing());
        assertEquals(d, d.toBuilder().build());
        assertEquals(0.2, d.toBuilder().beta(0.2).build().lossConfig().beta());
    }

    private static double loss(double[] p, DpoLoss.Config c) {
        return DpoLoss.pairLoss(p[0], p[1], p[2], p[3], (int) p[4], (int) p[5], c);
    }

    private static float[] floats(double[] xs) {
        float[] f = new float[xs.length];
        for (int i = 0; i < xs.length; i++) {
            f[i] = (float) xs[i];
        }
        return f;
    }
}
