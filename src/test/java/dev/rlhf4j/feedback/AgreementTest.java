package dev.rlhf4j.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class AgreementTest {

    private static Ranking r(String typed, int k) {
        return Ranking.parse(typed, k);
    }

    /**
     * "1 2 3 4" against "2 1 3 4": of the 6 pairs only {1, 2} is ordered oppositely, so n_c = 5, n_d = 1,
     * agreement = 5/6 and τ = (5 − 1)/6 = 2/3. The reverse order has τ = −1 and agreement 0.
     */
    @Test
    void strictRankings() {
        Agreement.Counts c = Agreement.counts(r("1 2 3 4", 4), r("2 1 3 4", 4));
        assertEquals(new Agreement.Counts(5, 1, 0, 0, 0), c);
        assertEquals(6, c.pairs());
        assertEquals(5.0 / 6, Agreement.pairwise(r("1 2 3 4", 4), r("2 1 3 4", 4)), 1e-12);
        assertEquals(2.0 / 3, Agreement.kendallTau(r("1 2 3 4", 4), r("2 1 3 4", 4)), 1e-12);
        assertEquals(-1, Agreement.kendallTau(r("1 2 3 4", 4), r("4 3 2 1", 4)), 1e-12);
        assertEquals(0, Agreement.pairwise(r("1 2 3 4", 4), r("4 3 2 1", 4)), 1e-12);
        assertEquals(1, Agreement.kendallTau(r("3 1 2", 3), r("3 1 2", 3)), 1e-12);
    }

    /**
     * "1 2 3" against "1=2 3": {1, 2} is tied in the second ranking only (left out of the agreement),
     * {1, 3} and {2, 3} are concordant: agreement = 2/2 = 1 and τ-b = 2/sqrt((3 − 0)(3 − 1)) = 2/√6 =
     * 0.8164965809. Tied the same way in both, "1=2 3" against itself has τ-b = 2/sqrt(2·2) = 1. A
     * ranking that ties everything has no τ and no agreement (NaN).
     */
    @Test
    void tiesFollowTauB() {
        Agreement.Counts c = Agreement.counts(r("1 2 3", 3), r("1=2 3", 3));
        assertEquals(new Agreement.Counts(2, 0, 0, 1, 0), c);
        assertEquals(1, c.agreement(), 1e-12);
        assertEquals(2 / Math.sqrt(6), c.tau(), 1e-12);
        assertEquals(0.8164965809277261, c.tau(), 1e-12);
        assertEquals(1, Agreement.kendallTau(r("1=2 3", 3), r("2=1 3", 3)), 1e-12);
        assertEquals(Double.NaN, Agreement.kendallTau(r("1=2=3", 3), r("1 2 3", 3)));
        assertEquals(Double.NaN, Agreement.pairwise(r("1=2=3", 3), r("1 2 3", 3)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Agreement.pairwise(r("1 2 3", 3), r("1 2", 2)));
        assertTrue(e.getMessage().contains("expected the same K, found 3 (1 2 3) and 2 (1 2)"), e.getMessage());
    }

    /**
     * Spearman's ρ with a tie: ranks (1.5, 1.5, 3) against (1, 2, 3), centred at 2: covariance sum
     * (−0.5)(−1) + (−0.5)(0) + (1)(1) = 1.5, variances 1.5 and 2, so ρ = 1.5/√3 = 0.8660254038.
     */
    @Test
    void spearmanAveragesTiedRanks() {
        assertEquals(Math.sqrt(3) / 2, Agreement.spearman(java.util.Map.of("a", 1.0, "b", 1.0, "c", 2.0),
                java.util.Map.of("a", 1.0, "b", 2.0, "c", 3.0)), 1e-12);
        assertEquals(-1, Agreement.spearman(java.util.Map.of("a", 1.0, "b", 2.0), java.util.Map.of("a", 5.0, "b", 3.0)), 1e-12);
    }

    private static FeedbackRecord record(String task, String rater, String typed) {
        List<String> completions = List.of("a", "b", "c");
        return new FeedbackRecord(task + "-" + rater, task, "p1", "the pasta was", "small", completions,
                r(typed, 3), rater, Rater.Source.SIMULATED, Instant.EPOCH);
    }

    private static final List<FeedbackRecord> RECORDS = List.of(
            record("t1", "bob", "2 1 3"), record("t1", "alice", "1 2 3"), record("t1", "carol", "1 2 3"),
            record("t2", "alice", "1 2 3"), record("t2", "bob", "1 2 3"));

    /**
     * alice and bob share t1 (n_c = 2, n_d = 1: agreement 2/3, τ = 1/3) and t2 (identical: 1, 1), so
     * their means are 5/6 and 2/3 over 2 tasks; alice and carol agree fully on t1; bob and carol are
     * 2/3 and 1/3 on t1.
     */
    @Test
    void betweenRatersAveragesOverSharedTasks() {
        List<Agreement.RaterPair> pairs = Agreement.betweenRaters(RECORDS);
        assertEquals(3, pairs.size());
        assertEquals(List.of("alice", "bob", 2), List.of(pairs.get(0).raterA(), pairs.get(0).raterB(), pairs.get(0).tasks()));
        assertEquals(5.0 / 6, pairs.get(0).agreement(), 1e-12);
        assertEquals(2.0 / 3, pairs.get(0).tau(), 1e-12);
        assertEquals(new Agreement.RaterPair("alice", "carol", 1, 1, 1), pairs.get(1));
        assertEquals("bob", pairs.get(2).raterA());
        assertEquals(2.0 / 3, pairs.get(2).agreement(), 1e-12);
        assertEquals(1.0 / 3, pairs.get(2).tau(), 1e-12);
        Table t = Agreement.table(pairs);
        assertEquals(List.of("rater_a", "rater_b", "tasks", "agreement", "tau"), t.columnNames());
        assertEquals(3, t.rowCount());
    }

    @Test
    void withReferenceScoresEachRater() {
        List<Agreement.RaterScore> s = Agreement.withReference(RECORDS, rec -> Ranking.of(0, 1, 2));
        assertEquals(List.of("alice", "bob", "carol"), s.stream().map(Agreement.RaterScore::rater).toList());
        assertEquals(new Agreement.RaterScore("alice", 2, 1, 1), s.get(0));
        assertEquals(2, s.get(1).tasks());
        assertEquals(5.0 / 6, s.get(1).agreement(), 1e-12);
        assertEquals(2.0 / 3, s.get(1).tau(), 1e-12);
        assertEquals(3, Agreement.referenceTable(s).rowCount());
    }

    /**
     * Two tastes, "forward" (1 2 3) and "backward" (3 2 1): alice's 1 2 3 on both tasks is all forward
     * (agreement 1, τ 1) and never backward (0, −1); bob's t1 "2 1 3" has 2 of 3 pairs forward and 1 of
     * 3 backward, so his means are (2/3 + 1)/2 = 5/6 forward and (1/3 + 0)/2 = 1/6 backward.
     */
    @Test
    void tastesScoreEachRaterAgainstEachTaste() {
        java.util.Map<String, java.util.function.Function<FeedbackRecord, Ranking>> tastes = new java.util.LinkedHashMap<>();
        tastes.put("forward", rec -> Ranking.of(0, 1, 2));
        tastes.put("backward", rec -> Ranking.of(2, 1, 0));
        Table t = Agreement.tastes(RECORDS.stream().filter(x -> !x.rater().equals("carol")).toList(), tastes);
        assertEquals(List.of("forward", "forward", "backward", "backward"), t.stringColumn("taste").asList());
        assertEquals(List.of("alice", "bob", "alice", "bob"), t.stringColumn("rater").asList());
        assertEquals(1.0, t.doubleColumn("agreement").get(0), 1e-12);
        assertEquals(0.0, t.doubleColumn("agreement").get(2), 1e-12);
        assertEquals(5.0 / 6, t.doubleColumn("agreement").get(1), 1e-12);
        assertEquals(1.0 / 6, t.doubleColumn("agreement").get(3), 1e-12);
        assertEquals(-1.0, t.doubleColumn("tau").get(2), 1e-12);
        assertEquals(2, t.intColumn("tasks").get(1));
    }
}
