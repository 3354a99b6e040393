package dev.rlhf4j.feedback;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EloScoresTest {

    static FeedbackRecord record(String id, String task, Ranking ranking, String rater) {
        return new FeedbackRecord(id, task, "p001", "the pasta was", "m", List.of("a.", "b.", "c."), ranking, rater,
                Rater.Source.SIMULATED, Instant.EPOCH);
    }

    static FeedbackRecord record(String id, String task, String promptId, Ranking ranking) {
        return new FeedbackRecord(id, task, promptId, "the pasta was", "m", List.of("a.", "b.", "c."), ranking, "a",
                Rater.Source.SIMULATED, Instant.EPOCH);
    }

    /**
     * σ fitted on the training prompts only: the training tasks' targets and σ do not depend on the
     * held-out records (here p9's ranking is replaced and a second p9 task added), and the held-out
     * tasks are divided by the training σ, computed by hand from the training tasks' ratings.
     */
    @Test
    void sigmaComesFromTrainingRecordsOnly() {
        List<FeedbackRecord> train = List.of(record("f1", "t1", "p1", Ranking.of(0, 1, 2)),
                record("f2", "t1", "p1", Ranking.of(0, 2, 1)), record("f3", "t2", "p2", Ranking.parse("2 1=3", 3)));
        List<FeedbackRecord> validA = List.of(record("f4", "t9", "p9", Ranking.parse("1=2=3", 3)));
        List<FeedbackRecord> validB = List.of(record("f4", "t9", "p9", Ranking.of(2, 1, 0)),
                record("f5", "t9", "p9", Ranking.of(2, 1, 0)), record("f6", "t8", "p9", Ranking.of(1, 0, 2)));
        EloScores a = EloScores.of(concat(train, validA), EloRating.defaults(), r -> !r.promptId().equals("p9"));
        EloScores b = EloScores.of(concat(train, validB), EloRating.defaults(), r -> !r.promptId().equals("p9"));
        double[] t1 = a.ratings().get("t1");
        double[] t2 = a.ratings().get("t2");
        double sumSq = 0;
        for (double[] r : List.of(t1, t2)) {
            double mean = (r[0] + r[1] + r[2]) / 3;
            for (double x : r) {
                sumSq += (x - mean) * (x - mean);
            }
        }
        double sigma = Math.sqrt(sumSq / 6); // over the 2 training tasks × 3 completions
        assertEquals(sigma, a.sigma(), 1e-9);
        assertEquals(sigma, b.sigma(), 1e-9);
        for (String task : List.of("t1", "t2")) {
            assertArrayEquals(a.target(task), b.target(task), 0, task + " does not depend on the validation records");
        }
        double[] t9 = b.ratings().get("t9");
        double mean9 = (t9[0] + t9[1] + t9[2]) / 3;
        assertEquals((t9[2] - mean9) / sigma, b.target("t9")[2], 1e-12, "held-out tasks use the training σ");
        assertArrayEquals(new double[3], a.target("t9"), 1e-12);
        EloScores all = EloScores.of(concat(train, validB), EloRating.defaults());
        assertTrue(Math.abs(all.sigma() - sigma) > 1, "σ over every record differs: " + all.sigma() + " vs " + sigma);
    }

    static List<FeedbackRecord> concat(List<FeedbackRecord> a, List<FeedbackRecord> b) {
        List<FeedbackRecord> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
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
