package dev.rlhf4j.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.rlhf4j.core.Rlhf4j;
import dev.rlhf4j.feedback.Pairs;
import dev.rlhf4j.feedback.Ranking;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RewardLossTest {

    /**
     * Two strict pairs with rewards r = (1.0, 0.0, 0.5): completion 0 over 1 (d = 1) and 2 over 1
     * (d = 0.5). ℓ = −log σ(d) = log(1 + e^−d): log(1 + e^−1) = 0.313261687518223 and
     * log(1 + e^−0.5) = 0.474076984180107; the mean is 0.393669335849165. With margin 0.5 the
     * differences become 0.5 and 0: (0.474076984180107 + ln 2)/2 = 0.583612082370026.
     */
    @Test
    void bradleyTerryOnTwoPairsByHand() {
        double[] r = {1.0, 0.0, 0.5};
        RewardLoss.PairSet pairs = new RewardLoss.PairSet(new int[] {0, 2}, new int[] {1, 1}, new boolean[2]);
        assertEquals(0.393669335849165, RewardLoss.bradleyTerry(r, pairs, 0), 1e-12);
        assertEquals(0.583612082370026, RewardLoss.bradleyTerry(r, pairs, 0.5), 1e-12);
    }

    /**
     * A tie with d = 1: −½[log σ(1) + log σ(−1)] = ½[log(1+e^−1) + log(1+e^1)] = 0.813261687518223;
     * the margin does not apply to ties.
     */
    @Test
    void tieIsHalfAWinEachWay() {
        double[] r = {1.0, 0.0};
        RewardLoss.PairSet tie = new RewardLoss.PairSet(new int[] {0}, new int[] {1}, new boolean[] {true});
        assertEquals(0.813261687518223, RewardLoss.bradleyTerry(r, tie, 0), 1e-12);
        assertEquals(0.813261687518223, RewardLoss.bradleyTerry(r, tie, 0.7), 1e-12);
        double[] equal = {0.3, 0.3};
        assertEquals(Math.log(2), RewardLoss.bradleyTerry(equal, tie, 0), 1e-12, "minimum at d = 0 is ln 2");
    }

    /** The NDArray losses equal the double[] references on random rewards and rankings with ties. */
    @Test
    void ndArrayMatchesReference() {
        Rlhf4j.init();
        Random rng = new Random(3);
        List<Ranking> rankings = List.of(Ranking.parse("2 1=4 3", 4), Ranking.parse("1 3 2", 3), Ranking.parse("4 3 2 1", 4));
        List<List<Pairs.Pair>> pairs = rankings.stream().map(Pairs::of).toList();
        int[] offsets = {0, 4, 7};
        RewardLoss.PairSet set = RewardLoss.PairSet.of(pairs, offsets);
        assertEquals(6 + 3 + 6, set.size());
        double[] r = new double[11];
        double[] targets = new double[11];
        for (int i = 0; i < r.length; i++) {
            r[i] = rng.nextGaussian() * 2;
            targets[i] = rng.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager()) {
            float[] rf = new float[r.length];
            float[] tf = new float[r.length];
            for (int i = 0; i < r.length; i++) {
                rf[i] = (float) r[i];
                tf[i] = (float) targets[i];
                r[i] = rf[i];
                targets[i] = tf[i];
            }
            NDArray nr = m.create(rf);
            for (double margin : new double[] {0, 0.5}) {
                assertEquals(RewardLoss.bradleyTerry(r, set, margin),
                        RewardLoss.bradleyTerry(nr, set, margin).getFloat(), 1e-5, "BT, margin " + margin);
            }
            assertEquals(RewardLoss.centering(r, set), RewardLoss.centering(nr, set).getFloat(), 1e-4);
            assertEquals(RewardLoss.mse(r, targets), RewardLoss.mse(nr, m.create(tf)).getFloat(), 1e-5);
        }
    }

    /** log σ stays finite and exact far out: log σ(−800) = −800, log σ(800) = 0. */
    @Test
    void logSigmoidIsStable() {
        assertEquals(-800, RewardLoss.logSigmoid(-800), 1e-9);
        assertEquals(0, RewardLoss.logSigmoid(800), 1e-12);
        assertEquals(-Math.log(2), RewardLoss.logSigmoid(0), 1e-15);
    }
}
