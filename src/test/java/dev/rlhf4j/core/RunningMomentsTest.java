package dev.rlhf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The running moments TRL's score scaling divides by: mean and unbiased std of everything seen. */
class RunningMomentsTest {

    /**
     * {1, 2, 3} then {4, 5}: mean 3, Σ(x − 3)² = 4 + 1 + 0 + 1 + 4 = 10, unbiased variance 10/4 = 2.5
     * (the population one would be 2). After the first batch alone: mean 2, variance 2/2 = 1.
     */
    @Test
    void twoBatchesByHand() {
        RunningMoments m = new RunningMoments();
        m.update(new double[] {1, 2, 3});
        assertEquals(2.0, m.mean(), 1e-15);
        assertEquals(1.0, m.std(), 1e-15);
        m.update(new double[] {4, 5});
        assertEquals(5, m.count());
        assertEquals(3.0, m.mean(), 1e-15);
        assertEquals(Math.sqrt(2.5), m.std(), 1e-15);
    }

    /** Uneven batches with distant means (the δ² term of the merge matters) equal the whole stream at once. */
    @Test
    void batchesMergeToTheWholeStream() {
        Random rng = new Random(5);
        double[] all = new double[60];
        for (int i = 0; i < all.length; i++) {
            all[i] = (i < 7 ? 10 : 0) + rng.nextGaussian() * (1 + i % 3);
        }
        RunningMoments batched = new RunningMoments();
        int[] cuts = {0, 7, 8, 30, 60};
        for (int b = 0; b + 1 < cuts.length; b++) {
            batched.update(java.util.Arrays.copyOfRange(all, cuts[b], cuts[b + 1]));
        }
        double mean = 0;
        for (double x : all) {
            mean += x / all.length;
        }
        double ss = 0;
        for (double x : all) {
            ss += (x - mean) * (x - mean);
        }
        assertEquals(mean, batched.mean(), 1e-12);
        assertEquals(Math.sqrt(ss / (all.length - 1)), batched.std(), 1e-12);
    }

    @Test
    void edgeCases() {
        RunningMoments m = new RunningMoments();
        assertEquals(1.0, m.std(), 0, "nothing seen: 1, safe to divide by");
        m.update(new double[] {4});
        assertEquals(1.0, m.std(), 0, "one value: still 1");
        assertEquals(4.0, m.mean(), 0);
        m.update(new double[0]);
        assertEquals(1, m.count());
        m.update(new double[] {4, 4});
        assertEquals(0.0, m.std(), 0, "equal values: 0 (dividers add an epsilon)");
    }
}
