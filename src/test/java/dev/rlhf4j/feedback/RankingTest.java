package dev.rlhf4j.feedback;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RankingTest {

    @Test
    void parsesWhatAPersonTypes() {
        Ranking r = Ranking.parse(" 2 1 = 4,3 ", 4);
        assertEquals(List.of(List.of(1), List.of(0, 3), List.of(2)), r.groups());
        assertEquals("2 1=4 3", r.format());
        assertEquals(4, r.k());
        assertTrue(r.hasTies());
        assertArrayEquals(new int[] {1, 0, 2, 1}, r.levels());
        assertFalse(Ranking.parse("3 1 2", 3).hasTies());
    }

    @Test
    void explainsBadAnswers() {
        assertTrue(msg("2 1 4", 4).contains("missing: [3]"));
        assertTrue(msg("2 1 4 4", 4).contains("completion 4 is ranked twice"));
        assertTrue(msg("2 1 5 3", 4).contains("there is no completion 5"));
        assertTrue(msg("2 x 4 3", 4).contains("'x' is not a completion number"));
        assertTrue(msg("", 4).contains("empty answer"));
        assertTrue(msg("1==2", 2).contains("'' is not a completion number"));
    }

    private static String msg(String text, int k) {
        return assertThrows(IllegalArgumentException.class, () -> Ranking.parse(text, k)).getMessage();
    }

    @Test
    void rejectsGroupsThatAreNotAPermutation() {
        assertThrows(IllegalArgumentException.class, () -> new Ranking(List.of(List.of(0), List.of(0))));
        assertThrows(IllegalArgumentException.class, () -> new Ranking(List.of(List.of(0), List.of(2))));
        assertThrows(IllegalArgumentException.class, () -> new Ranking(List.of(List.of(0), List.of())));
    }

    @Test
    void scoresGiveRankingsWithTiesWithinTheMargin() {
        assertEquals("3 1 2", Ranking.fromScores(new double[] {0.5, -1, 2}, 0).format());
        assertEquals("3 1=2", Ranking.fromScores(new double[] {0.5, 0.45, 2}, 0.1).format());
        assertEquals("1=2 3", Ranking.fromScores(new double[] {1, 1, 0}, 0).format());
    }

    /** K=4 without ties gives C(4,2) = 6 strict pairs; "2 1=4 3" gives 5 strict pairs and 1 tie. */
    @Test
    void pairsOfARanking() {
        assertEquals(6, Pairs.of(Ranking.of(0, 1, 2, 3)).size());
        List<Pairs.Pair> p = Pairs.of(Ranking.parse("2 1=4 3", 4));
        assertEquals(Pairs.count(4), p.size());
        assertEquals(List.of(new Pairs.Pair(1, 0, false), new Pairs.Pair(1, 3, false), new Pairs.Pair(1, 2, false),
                new Pairs.Pair(0, 3, true), new Pairs.Pair(0, 2, false), new Pairs.Pair(3, 2, false)), p);
        List<Match> m = Pairs.matches(Ranking.parse("2 1=4 3", 4));
        assertEquals(new Match("c2", "c1", 1.0), m.get(0));
        assertEquals(new Match("c1", "c4", 0.5), m.get(3));
        for (int k = 2; k <= 9; k++) {
            assertEquals(k * (k - 1) / 2, Pairs.of(Ranking.fromScores(new double[k], 0)).size(), "all tied, K=" + k);
        }
    }
}
