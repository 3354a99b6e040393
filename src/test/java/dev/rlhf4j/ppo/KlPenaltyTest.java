package dev.rlhf4j.ppo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.rlhf4j.core.Rlhf4j;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KlPenaltyTest {

    private static final double[] LOGP = {-1.0, -2.0};
    private static final double[] REF = {-1.5, -1.0};

    /**
     * logp = (−1.0, −2.0), logp_ref = (−1.5, −1.0), so logp − logp_ref = (0.5, −1.0):
     * KL = (0.5, −1.0) (negative on a token the policy likes less than the reference),
     * ABS = (0.5, 1.0), MSE = ½d² = (0.125, 0.5).
     */
    @Test
    void perTokenEstimatorsByHand() {
        assertArrayEquals(new double[] {0.5, -1.0}, KlPenalty.KL.perToken(LOGP, REF), 1e-12);
        assertArrayEquals(new double[] {0.5, 1.0}, KlPenalty.ABS.perToken(LOGP, REF), 1e-12);
        assertArrayEquals(new double[] {0.125, 0.5}, KlPenalty.MSE.perToken(LOGP, REF), 1e-12);
    }

    /**
     * A 3-token vocabulary, π = (0.5, 0.3, 0.2), π_ref = (0.2, 0.3, 0.5):
     * KL = 0.5·ln(0.5/0.2) + 0.3·ln 1 + 0.2·ln(0.2/0.5) = 0.5·ln 2.5 − 0.2·ln 2.5 = 0.3·ln 2.5
     * = 0.274887219562247. KL of a distribution with itself is 0.
     */
    @Test
    void fullKlOnThreeTokens() {
        double[] p = logs(0.5, 0.3, 0.2);
        double[] q = logs(0.2, 0.3, 0.5);
        assertEquals(0.274887219562247, KlPenalty.full(p, q), 1e-12);
        assertEquals(0.0, KlPenalty.full(p, p), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> KlPenalty.FULL.perToken(LOGP, REF));
    }

    /** The NDArray estimators equal the double[] ones token by token, and FULL row by row. */
    @Test
    void ndArrayMatchesReference() {
        Rlhf4j.init();
        Random rng = new Random(2);
        double[][] logp = PpoArrays.random(rng, new int[] {3, 3}, 1.0);
        double[][] ref = PpoArrays.random(rng, new int[] {3, 3}, 1.0);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = PpoArrays.padded(m, logp, 3, 0);
            NDArray b = PpoArrays.padded(m, ref, 3, 0);
            for (KlPenalty k : new KlPenalty[] {KlPenalty.KL, KlPenalty.ABS, KlPenalty.MSE}) {
                float[][] got = PpoArrays.rows(k.perToken(a, b));
                for (int i = 0; i < 2; i++) {
                    double[] expected = k.perToken(logp[i], ref[i]);
                    for (int t = 0; t < 3; t++) {
                        assertEquals(expected[t], got[i][t], 1e-6, k + " row " + i + " t " + t);
                    }
                }
            }
            // FULL on log-softmax rows, [B=2, T=2, V=3]
            NDArray lp = logits(m, rng).logSoftmax(-1);
            NDArray lq = logits(m, rng).logSoftmax(-1);
            float[] p = lp.toFloatArray();
            float[] q = lq.toFloatArray();
            NDArray full = KlPenalty.full(lp, lq);
            assertEquals(new Shape(2, 2), full.getShape());
            float[] got = full.toFloatArray();
            for (int pos = 0; pos < 4; pos++) {
                double[] pr = new double[3];
                double[] qr = new double[3];
                for (int v = 0; v < 3; v++) {
                    pr[v] = p[pos * 3 + v];
                    qr[v] = q[pos * 3 + v];
                }
                assertEquals(KlPenalty.full(pr, qr), got[pos], 1e-5, "position " + pos);
            }
            assertThrows(IllegalArgumentException.class, () -> KlPenalty.FULL.perToken(a, b));
        }
    }

    private static NDArray logits(NDManager m, Random rng) {
        float[] x = new float[2 * 2 * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return m.create(x, new Shape(2, 2, 3));
    }

    private static double[] logs(double... p) {
        double[] l = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            l[i] = Math.log(p[i]);
        }
        return l;
    }
}
