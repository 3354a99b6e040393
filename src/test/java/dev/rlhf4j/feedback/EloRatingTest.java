package dev.rlhf4j.feedback;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EloRatingTest {

    private static final EloRating ELO = EloRating.defaults();

    /**
     * 1000 against 1000, K = 32, A wins: E_A = 1/(1 + 10^0) = 0.5, so R_A' = 1000 + 32·(1 − 0.5) = 1016
     * and R_B' = 1000 + 32·(0 − 0.5) = 984, exactly.
     */
    @Test
    void equalPlayersWinnerGainsHalfOfK() {
        assertEquals(0.5, ELO.expected(1000, 1000));
        assertArrayEquals(new double[] {1016, 984}, ELO.update(1000, 1000, 1), 0);
    }

    /**
     * A draw between 1200 and 1000, K = 32: E_A = 1/(1 + 10^((1000 − 1200)/400)) = 1/(1 + 10^−0.5)
     * = 1/(1 + 0.316227766) = 0.7597469266; R_A' = 1200 + 32·(0.5 − 0.7597469266) = 1200 − 8.3119016527
     * = 1191.6880983473; R_B' = 1000 + 32·(0.5 − 0.2402530734) = 1008.3119016527. The favourite loses
     * rating on a draw.
     */
    @Test
    void drawMovesTheFavouriteDown() {
        assertEquals(0.7597469266479578, EloRating.expected(1200, 1000, 400, 10), 1e-15);
        double[] r = ELO.update(1200, 1000, 0.5);
        assertEquals(1191.6880983472654, r[0], 1e-9);
        assertEquals(1008.3119016527346, r[1], 1e-9);
        assertEquals(2200, r[0] + r[1], 1e-9);
    }

    /**
     * Three players at 1000, K = 32, in order: (1) A beats B: E = 0.5, A 1016, B 984. (2) B beats C:
     * E_B = 1/(1 + 10^(16/400)) = 0.4769904127, B = 984 + 32·0.5230095873 = 1000.7363067935, C =
     * 1000 − 16.7363067935 = 983.2636932065. (3) C ties A: E_C = 1/(1 + 10^((1016 − 983.2636932065)/400))
     * = 0.4530275909, C = 983.2636932065 + 32·0.0469724091 = 984.7668102977, A = 1016 − 1.5031170912 =
     * 1014.4968829088. The sum stays 3000.
     */
    @Test
    void aSequenceOfThreeMatches() {
        List<Match> matches = List.of(new Match("A", "B", 1), new Match("B", "C", 1), new Match("C", "A", 0.5));
        EloRating.Ratings r = ELO.rate(matches);
        assertEquals(List.of("A", "B", "C"), r.players());
        assertEquals(1014.4968829087939, r.rating("A"), 1e-9);
        assertEquals(1000.736306793522, r.rating("B"), 1e-9);
        assertEquals(984.7668102976842, r.rating("C"), 1e-9);
        assertEquals(3000, r.ratings().values().stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
        assertArrayEquals(new double[] {1016, 1016, 1014.4968829087939}, r.trajectories().get("A"), 1e-9);
        assertArrayEquals(new double[] {1000, 983.263693206478, 984.7668102976842}, r.trajectories().get("C"), 1e-9);
        assertEquals(3, r.matches());
        assertEquals(new Matches.Tally(2, 1, 0, 1), r.tallies().get("A"));
    }

    @Test
    void ratingSumIsConservedOnARandomSeason() {
        Random rng = new Random(3);
        List<Match> matches = new ArrayList<>();
        String[] players = {"p1", "p2", "p3", "p4", "p5", "p6"};
        for (int i = 0; i < 500; i++) {
            int a = rng.nextInt(6);
            int b = (a + 1 + rng.nextInt(5)) % 6;
            matches.add(new Match(players[a], players[b], new double[] {0, 0.5, 1}[rng.nextInt(3)]));
        }
        EloRating.Ratings r = ELO.withK(16).rate(matches);
        assertEquals(6000, r.ratings().values().stream().mapToDouble(Double::doubleValue).sum(), 1e-6);
        for (int t = 0; t < matches.size(); t++) {
            double sum = 0;
            for (double[] path : r.trajectories().values()) {
                sum += path[t];
            }
            assertEquals(6000, sum, 1e-6, "after match " + t);
        }
    }

    /** A clear winner's bootstrap interval lies above everybody else's. */
    @Test
    void bootstrapIntervalsSeparateAClearWinner() {
        List<Match> matches = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            matches.add(new Match("best", "mid", 1));
            matches.add(new Match("mid", "worst", i % 4 == 0 ? 0 : 1));
            matches.add(new Match("worst", "best", 0));
        }
        Intervals iv = ELO.bootstrap(matches, 200, new Random(1));
        assertTrue(iv.of("best").lower() > iv.of("mid").upper(), iv.toString());
        assertTrue(iv.of("mid").median() > iv.of("worst").median(), iv.toString());
        assertEquals(200, iv.of("best").samples());
        assertEquals(0, iv.regularized());
        assertEquals(List.of("best", "mid", "worst"), List.copyOf(iv.players().keySet()));
    }

    /**
     * Arena's bootstrap replayed by hand on two players (A wins 9 of 13): each of 40 rounds draws 13
     * matches with replacement from the same generator, plays them online (E_A = 1/(1 + 10^((R_B −
     * R_A)/400)), R_A += 32·(S_A − E_A), R_B −= the same), and the interval is the 2.5%–97.5% type-7
     * percentiles of those finals; the point is the list-order rating.
     */
    @Test
    void bootstrapIsTheResampleReplayedByHand() {
        List<Match> matches = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            matches.add(new Match("A", "B", i % 3 == 2 && i < 12 ? 0 : 1));
        }
        int rounds = 40;
        Random rng = new Random(9);
        double[] a = new double[rounds];
        double[] b = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            double[] r = handOnline(matches, new int[matches.size()], rng);
            a[round] = r[0];
            b[round] = r[1];
        }
        int[] inOrder = new int[matches.size()];
        for (int i = 0; i < inOrder.length; i++) {
            inOrder[i] = i;
        }
        double[] point = handOnline(matches, inOrder, null);
        Intervals iv = ELO.bootstrap(matches, rounds, new Random(9));
        assertEquals(point[0], iv.of("A").point(), 1e-9);
        assertEquals(point[1], iv.of("B").point(), 1e-9);
        Arrays.sort(a);
        Arrays.sort(b);
        assertEquals(typeSeven(a, 0.025), iv.of("A").lower(), 1e-9);
        assertEquals(typeSeven(a, 0.5), iv.of("A").median(), 1e-9);
        assertEquals(typeSeven(a, 0.975), iv.of("A").upper(), 1e-9);
        assertEquals(typeSeven(b, 0.025), iv.of("B").lower(), 1e-9);
        assertEquals(typeSeven(b, 0.975), iv.of("B").upper(), 1e-9);
        assertTrue(iv.of("A").width() > 10, iv.toString());
    }

    /** Online Elo of A and B (K 32, scale 400, base 10) over {@code matches} in the order {@code idx}, or drawn from {@code rng}. */
    static double[] handOnline(List<Match> matches, int[] idx, Random rng) {
        double ra = 1000;
        double rb = 1000;
        for (int i = 0; i < idx.length; i++) {
            Match m = matches.get(rng == null ? idx[i] : rng.nextInt(matches.size()));
            double ea = 1 / (1 + Math.pow(10, (rb - ra) / 400));
            double delta = 32 * (m.scoreA() - ea);
            ra += delta;
            rb -= delta;
        }
        return new double[] {ra, rb};
    }

    /** Hyndman–Fan type 7: h = (n − 1)·q, x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). */
    static double typeSeven(double[] sorted, double q) {
        double h = (sorted.length - 1) * q;
        int lo = (int) h;
        return lo + 1 < sorted.length ? sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]) : sorted[lo];
    }

    @Test
    void orderSensitivity() {
        List<Match> mixed = List.of(new Match("A", "B", 1), new Match("B", "C", 1), new Match("C", "A", 1),
                new Match("A", "B", 0), new Match("A", "C", 0.5));
        Map<String, Double> sd = ELO.orderSensitivity(mixed, 50, new Random(7));
        assertEquals(3, sd.size());
        sd.values().forEach(s -> assertTrue(s > 0, sd.toString()));

        List<Match> same = List.of(new Match("A", "B", 1), new Match("A", "B", 1), new Match("A", "B", 1));
        ELO.orderSensitivity(same, 20, new Random(7)).values().forEach(s -> assertEquals(0, s, 1e-9));
    }

    @Test
    void configIsValidated() {
        assertEquals(new EloRating(32, 1000, 400, 10), EloRating.defaults());
        assertEquals(4, ELO.withK(4).k());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ELO.withK(0));
        assertTrue(e.getMessage().contains("Elo k: expected a positive number, found 0.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ELO.withBase(1));
        assertThrows(IllegalArgumentException.class, () -> ELO.withScale(-400));
        assertThrows(IllegalArgumentException.class, () -> ELO.withInitial(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> ELO.bootstrap(List.of(new Match("A", "B", 1)), 0, new Random()));
    }
}
