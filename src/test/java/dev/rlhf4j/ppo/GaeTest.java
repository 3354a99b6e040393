package dev.rlhf4j.ppo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.rlhf4j.core.Rlhf4j;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GaeTest {

    private static final double[] REWARDS = {0.1, -0.2, 1.0};
    private static final double[] VALUES = {0.5, 0.4, 0.8};

    /**
     * Three tokens, r = (0.1, −0.2, 1.0), V = (0.5, 0.4, 0.8), γ = 1, λ = 0.95 (TRL's defaults).
     * Backwards from the last token (V_3 = 0):
     * δ_2 = 1.0 + 0 − 0.8 = 0.2, A_2 = 0.2;
     * δ_1 = −0.2 + 0.8 − 0.4 = 0.2, A_1 = 0.2 + 0.95·0.2 = 0.39;
     * δ_0 = 0.1 + 0.4 − 0.5 = 0.0, A_0 = 0 + 0.95·0.39 = 0.3705.
     * Returns R = A + V = (0.8705, 0.79, 1.0).
     */
    @Test
    void threeStepsWithGammaOne() {
        Gae.Result g = Gae.compute(REWARDS, VALUES, 1.0, 0.95);
        assertArrayEquals(new double[] {0.3705, 0.39, 0.2}, g.advantages(), 1e-12);
        assertArrayEquals(new double[] {0.8705, 0.79, 1.0}, g.returns(), 1e-12);
    }

    /**
     * The same tokens with γ = 0.9, λ = 0.95 (γλ = 0.855):
     * δ_2 = 0.2, A_2 = 0.2;
     * δ_1 = −0.2 + 0.9·0.8 − 0.4 = 0.12, A_1 = 0.12 + 0.855·0.2 = 0.291;
     * δ_0 = 0.1 + 0.9·0.4 − 0.5 = −0.04, A_0 = −0.04 + 0.855·0.291 = 0.208805.
     * Returns R = (0.708805, 0.691, 1.0).
     */
    @Test
    void threeStepsWithDiscount() {
        Gae.Result g = Gae.compute(REWARDS, VALUES, 0.9, 0.95);
        assertArrayEquals(new double[] {0.208805, 0.291, 0.2}, g.advantages(), 1e-12);
        assertArrayEquals(new double[] {0.708805, 0.691, 1.0}, g.returns(), 1e-12);
    }

    /**
     * The two ends of λ: λ = 0 gives the one-step TD errors δ = (0.0, 0.2, 0.2); λ = 1 with γ = 1 gives
     * the reward-to-go minus V, so the returns are the rewards-to-go (0.9, 0.8, 1.0).
     */
    @Test
    void lambdaZeroIsTdErrorAndLambdaOneIsMonteCarlo() {
        assertArrayEquals(new double[] {0.0, 0.2, 0.2}, Gae.compute(REWARDS, VALUES, 1.0, 0.0).advantages(), 1e-12);
        assertArrayEquals(new double[] {0.9, 0.8, 1.0}, Gae.compute(REWARDS, VALUES, 1.0, 1.0).returns(), 1e-12);
    }

    /** Rows of different lengths are each their own episode. */
    @Test
    void raggedRowsAreIndependent() {
        double[][] r = {REWARDS, {0.5}, {}};
        double[][] v = {VALUES, {0.25}, {}};
        Gae.Result[] g = Gae.compute(r, v, 1.0, 0.95);
        assertArrayEquals(Gae.compute(REWARDS, VALUES, 1.0, 0.95).advantages(), g[0].advantages(), 0);
        assertArrayEquals(new double[] {0.25}, g[1].advantages(), 1e-12); // δ = 0.5 − 0.25
        assertEquals(0, g[2].advantages().length);
    }

    /**
     * The NDArray GAE on a right-padded batch (rows of 5, 2 and 4 tokens; padding filled with 7.0 so
     * a leak would show) equals the double[] GAE of each row on its real tokens, and padding gives 0.
     */
    @Test
    void ndArrayMatchesReferenceWithPadding() {
        Rlhf4j.init();
        int[] lengths = {5, 2, 4};
        Random rng = new Random(11);
        double[][] r = PpoArrays.random(rng, lengths, 1.0);
        double[][] v = PpoArrays.random(rng, lengths, 1.0);
        for (double[] gl : new double[][] {{1.0, 0.95}, {0.9, 0.8}}) {
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray mask = PpoArrays.mask(m, lengths, 5);
                NDList out = Gae.compute(PpoArrays.padded(m, r, 5, 7.0), PpoArrays.padded(m, v, 5, 7.0), mask, gl[0], gl[1]);
                float[][] adv = PpoArrays.rows(out.get(0));
                float[][] ret = PpoArrays.rows(out.get(1));
                for (int i = 0; i < lengths.length; i++) {
                    Gae.Result ref = Gae.compute(r[i], v[i], gl[0], gl[1]);
                    for (int t = 0; t < 5; t++) {
                        double expectedA = t < lengths[i] ? ref.advantages()[t] : 0;
                        double expectedR = t < lengths[i] ? ref.returns()[t] : 0;
                        assertEquals(expectedA, adv[i][t], 1e-5, "advantage row " + i + " t " + t);
                        assertEquals(expectedR, ret[i][t], 1e-5, "return row " + i + " t " + t);
                    }
                }
            }
        }
    }

    /** Only the two outputs stay on the manager: the loop's intermediates are closed. */
    @Test
    void ndArrayLeavesOnlyItsOutputs() {
        Rlhf4j.init();
        try (NDManager m = NDManager.newBaseManager()) {
            Random rng = new Random(4);
            NDArray r = PpoArrays.padded(m, PpoArrays.random(rng, new int[] {6, 6}, 1.0), 6, 0);
            NDArray v = PpoArrays.padded(m, PpoArrays.random(rng, new int[] {6, 6}, 1.0), 6, 0);
            NDArray mask = PpoArrays.mask(m, new int[] {6, 3}, 6);
            int before = ((ai.djl.ndarray.BaseNDManager) m).getManagedArrays().size();
            Gae.compute(r, v, mask, 1.0, 0.95);
            assertEquals(before + 2, ((ai.djl.ndarray.BaseNDManager) m).getManagedArrays().size());
        }
    }

    @Test
    void rejectsCoefficientsOutsideUnitInterval() {
        assertThrows(IllegalArgumentException.class, () -> Gae.compute(REWARDS, VALUES, 1.1, 0.95));
        assertThrows(IllegalArgumentException.class, () -> Gae.compute(REWARDS, VALUES, 1.0, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Gae.compute(REWARDS, new double[2], 1.0, 0.95));
    }
}
