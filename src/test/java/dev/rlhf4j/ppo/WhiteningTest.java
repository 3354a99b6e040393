package dev.rlhf4j.ppo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.rlhf4j.core.Rlhf4j;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WhiteningTest {

    private static final double[] X = {1, 2, 3, 4};

    /**
     * x = (1, 2, 3, 4): mean 2.5, unbiased variance (2.25 + 0.25 + 0.25 + 2.25)/3 = 5/3, std
     * 1.2909944; (x − 2.5)/std = (−1.161895, −0.387298, 0.387298, 1.161895). Without the shift the
     * mean comes back: (1.338105, 2.112702, 2.887298, 3.661895).
     */
    @Test
    void wholeVector() {
        assertArrayEquals(new double[] {-1.161895, -0.387298, 0.387298, 1.161895}, Whitening.whiten(X, true), 1e-6);
        assertArrayEquals(new double[] {1.338105, 2.112702, 2.887298, 3.661895}, Whitening.whiten(X, false), 1e-6);
        assertEquals(5.0 / 3, Whitening.variance(X, new double[] {1, 1, 1, 1}), 1e-12);
    }

    /**
     * TRL's own test case, mask (0, 1, 1, 0): the real values (2, 3) have mean 2.5 and unbiased
     * variance (0.25 + 0.25)/1 = 0.5, so they whiten to ∓0.5/√0.5 = ∓0.707107, or without the shift
     * to 2.5 ∓ 0.707107 = (1.792893, 3.207107); padding comes out 0.
     */
    @Test
    void maskedVector() {
        double[] mask = {0, 1, 1, 0};
        assertEquals(2.5, Whitening.mean(X, mask), 1e-12);
        assertEquals(0.5, Whitening.variance(X, mask), 1e-12);
        assertArrayEquals(new double[] {0, -0.707107, 0.707107, 0}, Whitening.whiten(X, mask, true), 1e-6);
        assertArrayEquals(new double[] {0, 1.792893, 3.207107, 0}, Whitening.whiten(X, mask, false), 1e-6);
    }

    /** One real token: TRL would divide by zero (NaN); here its variance is 0 and it whitens to 0. */
    @Test
    void singleRealTokenGivesZeroNotNaN() {
        double[] mask = {0, 0, 1, 0};
        assertEquals(0, Whitening.variance(X, mask));
        assertArrayEquals(new double[] {0, 0, 0, 0}, Whitening.whiten(X, mask, true), 1e-12);
        assertEquals(0, Whitening.mean(X, new double[4]), "no real token: mean 0");
    }

    /** NDArray masked mean, variance and whitening equal the double[] versions on a ragged batch. */
    @Test
    void ndArrayMatchesReference() {
        Rlhf4j.init();
        int[] lengths = {5, 1, 3};
        double[][] rows = PpoArrays.random(new Random(5), lengths, 2.0);
        double[] real = PpoArrays.concat(rows);
        double[] ones = new double[real.length];
        java.util.Arrays.fill(ones, 1);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = PpoArrays.padded(m, rows, 5, 9.0);
            NDArray mask = PpoArrays.mask(m, lengths, 5);
            assertEquals(Whitening.mean(real, ones), Whitening.maskedMean(x, mask).getFloat(), 1e-5);
            assertEquals(Whitening.variance(real, ones), Whitening.maskedVar(x, mask).getFloat(), 1e-5);
            for (boolean shift : new boolean[] {true, false}) {
                double[] expected = Whitening.whiten(real, ones, shift);
                float[][] got = PpoArrays.rows(Whitening.whiten(x, mask, shift));
                int k = 0;
                for (int i = 0; i < lengths.length; i++) {
                    for (int t = 0; t < 5; t++) {
                        double e = t < lengths[i] ? expected[k++] : 0;
                        assertEquals(e, got[i][t], 1e-5, "shift " + shift + " row " + i + " t " + t);
                    }
                }
            }
            float[] whole = Whitening.whiten(m.create(new float[] {1, 2, 3, 4}), true).toFloatArray();
            assertArrayEquals(new double[] {-1.161895, -0.387298, 0.387298, 1.161895}, toDouble(whole), 1e-5);
        }
    }

    /** Each NDArray function leaves only its result on the manager; the intermediates are closed. */
    @Test
    void ndArrayLeavesOnlyItsResult() {
        Rlhf4j.init();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3, 4});
            NDArray mask = m.create(new float[] {0, 1, 1, 0});
            int before = ((BaseNDManager) m).getManagedArrays().size();
            Whitening.whiten(x, mask, false);
            Whitening.whiten(x, true);
            Whitening.maskedVar(x, mask);
            KlPenalty.MSE.perToken(x, mask);
            assertEquals(before + 4, ((BaseNDManager) m).getManagedArrays().size());
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
