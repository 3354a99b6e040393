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

    /**
     * A K=2 ranking and a K=6 ranking weigh the same (InstructGPT's 1/C(K,2) per prompt). BT: the
     * K=2 pair has d = 0, ℓ = ln 2; the K=6 ranking's 15 pairs have d ≥ 100, ℓ ≈ e^−100 ≈ 0, so the
     * loss is (ln 2 + 0)/2 = 0.346573590279973 (a mean over the 16 pairs would give ln 2/16 = 0.0433).
     * Centering with the K=2 rewards at 1: (1 + 1)² = 4 there, 0 in the K=6 one: (4 + 0)/2 = 2 (not 4/16).
     * Elo: squared errors 1 and 1 in the K=2 ranking, 0 in the K=6 one: (1 + 0)/2 = 0.5 (not 2/8).
     */
    @Test
    void mixedKRankingsWeighTheSame() {
        Rlhf4j.init();
        List<List<Pairs.Pair>> pairs = List.of(Pairs.of(Ranking.parse("1 2", 2)), Pairs.of(Ranking.parse("1 2 3 4 5 6", 6)));
        int[] offsets = {0, 2};
        RewardLoss.PairSet set = RewardLoss.PairSet.of(pairs, offsets);
        assertEquals(1 + 15, set.size());
        double[] w = set.weights();
        assertEquals(0.5, w[0], 1e-15, "the K=2 ranking's single pair");
        for (int p = 1; p < 16; p++) {
            assertEquals(0.5 / 15, w[p], 1e-15, "pair " + p + " of the K=6 ranking");
        }
        double[] bt = {0, 0, 0, -100, -200, -300, -400, -500};
        assertEquals(Math.log(2) / 2, RewardLoss.bradleyTerry(bt, set, 0), 1e-12);
        double[] centred = {1, 1, 0, 0, 0, 0, 0, 0};
        assertEquals(2.0, RewardLoss.centering(centred, set), 1e-12);
        double[] predictions = {1, -1, 0.3, 0.1, -0.2, 0.4, 0, -0.6};
        double[] targets = {0, 0, 0.3, 0.1, -0.2, 0.4, 0, -0.6};
        assertEquals(0.5, RewardLoss.mse(predictions, targets, offsets), 1e-12);
        try (NDManager m = NDManager.newBaseManager()) {
            assertEquals(Math.log(2) / 2, RewardLoss.bradleyTerry(m.create(toFloats(bt)), set, 0).getFloat(), 1e-6);
            assertEquals(2.0, RewardLoss.centering(m.create(toFloats(centred)), set).getFloat(), 1e-6);
            assertEquals(0.5, RewardLoss.mse(m.create(toFloats(predictions)), m.create(toFloats(targets)), offsets)
                    .getFloat(), 1e-6);
        }
    }

    /** The NDArray losses equal the double[] references on random rewards and rankings (K = 2..6) with ties. */
    @Test
    void ndArrayMatchesReference() {
        Rlhf4j.init();
        Random rng = new Random(3);
        List<Ranking> rankings = List.of(Ranking.parse("2 1=4 3", 4), Ranking.parse("1 3 2", 3), Ranking.parse("2 1", 2),
                Ranking.parse("4 3 2 1", 4), Ranking.parse("6 1=5 2 4 3", 6));
        List<List<Pairs.Pair>> pairs = rankings.stream().map(Pairs::of).toList();
        int[] offsets = {0, 4, 7, 9, 13};
        RewardLoss.PairSet set = RewardLoss.PairSet.of(pairs, offsets);
        assertEquals(6 + 3 + 1 + 6 + 15, set.size());
        double[] r = new double[19];
        double[] targets = new double[19];
        for (int i = 0; i < r.length; i++) {
            r[i] = rng.nextGaussian() * 2;
            targets[i] = rng.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager()) {
            float[] rf = toFloats(r);
            float[] tf = toFloats(targets);
            for (int i = 0; i < r.length; i++) {
                r[i] = rf[i];
                targets[i] = tf[i];
            }
            NDArray nr = m.create(rf);
            for (double margin : new double[] {0, 0.5}) {
                assertEquals(RewardLoss.bradleyTerry(r, set, margin),
                        RewardLoss.bradleyTerry(nr, set, margin).getFloat(), 1e-5, "BT, margin " + margin);
            }
            assertEquals(RewardLoss.centering(r, set), RewardLoss.centering(nr, set).getFloat(), 1e-4);
            assertEquals(RewardLoss.mse(r, targets, offsets), RewardLoss.mse(nr, m.create(tf), offsets).getFloat(), 1e-5);
            assertEquals(RewardLoss.mse(r, targets), RewardLoss.mse(nr, m.create(tf)).getFloat(), 1e-5);
        }
    }

    private static float[] toFloats(double[] xs) {
        float[] out = new float[xs.length];
        for (int i = 0; i < xs.length; i++) {
            out[i] = (float) xs[i];
        }
        return out;
    }

    /** log σ stays finite and exact far out: log σ(−800) = −800, log σ(800) = 0. */
    @Test
    void logSigmoidIsStable() {
        assertEquals(-800, RewardLoss.logSigmoid(-800), 1e-9);
        assertEquals(0, RewardLoss.logSigmoid(800), 1e-12);
        assertEquals(-Math.log(2), RewardLoss.logSigmoid(0), 1e-15);
    }
}
