package dev.rlhf4j.feedback;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EloScoresTest {

    static FeedbackRecord record(String id, String task, Ranking ranking, String rater) {
        return new FeedbackRecord(id, task, "p001", "the pasta was", "m", List.of("a.", "b.", "c."), ranking, rater,
                Rater.Source.SIMULATED, Instant.EPOCH);
    }

    /**
     * One ranking "1 2 3" of three completions, K=32: the matches are c1–c2, c1–c3, c2–c3 in that
     * order. c1 beats c2 from 1000/1000: 1016/984. c1 (1016) beats c3 (1000): E = 1/(1+10^(−16/400))
     * = 0.523017..., so c1 = 1016 + 32·0.476983 = 1031.263, c3 = 984.737. c2 (984) beats c3
     * (984.737): E = 0.498940..., c2 = 1000.034, c3 = 968.703. Mean 1000, centred (31.263, 0.034,
     * −31.297); σ = √(mean of squares) = 25.54; targets = centred/σ.
     */
    @Test
    void oneRankingByHand() {
        EloScores s = EloScores.of(List.of(record("f1", "t1", Ranking.of(0, 1, 2), "a")), EloRating.defaults());
        double[] r = s.ratings().get("t1");
        double e13 = 1 / (1 + Math.pow(10, -16 / 400.0));
        double c1 = 1016 + 32 * (1 - e13);
        double c3 = 1000 - 32 * (1 - e13);
        double e23 = 1 / (1 + Math.pow(10, (c3 - 984) / 400.0));
        double c2 = 984 + 32 * (1 - e23);
        c3 -= 32 * (1 - e23);
        assertArrayEquals(new double[] {c1, c2, c3}, r, 1e-9);
        double mean = (c1 + c2 + c3) / 3;
        double sigma = Math.sqrt((Math.pow(c1 - mean, 2) + Math.pow(c2 - mean, 2) + Math.pow(c3 - mean, 2)) / 3);
        assertEquals(sigma, s.sigma(), 1e-9);
        assertEquals((c1 - mean) / sigma, s.target("t1")[0], 1e-12);
        assertEquals(1031.263, c1, 1e-3);
    }

    /** Every task's targets have mean 0; all ties give zeros; the whole log has variance 1. */
    @Test
    void targetsAreCentredPerTaskWithUnitVarianceOverall() {
        EloScores s = EloScores.of(List.of(
                record("f1", "t1", Ranking.of(2, 0, 1), "a"),
                record("f2", "t1", Ranking.of(2, 1, 0), "b"),
                record("f3", "t2", Ranking.parse("1=2=3", 3), "a"),
                record("f4", "t3", Ranking.parse("2 1=3", 3), "a")), EloRating.defaults());
        double sumSq = 0;
        int n = 0;
        for (double[] t : s.targets().values()) {
            double sum = 0;
            for (double v : t) {
                sum += v;
                sumSq += v * v;
                n++;
            }
            assertEquals(0, sum, 1e-9);
        }
        assertEquals(1, sumSq / n, 1e-9);
        assertArrayEquals(new double[3], s.target("t2"), 1e-12);
        double[] t1 = s.target("t1");
        assertTrue(t1[2] > t1[0] && t1[2] > t1[1], "c3 won both rankings of t1");
    }
}
