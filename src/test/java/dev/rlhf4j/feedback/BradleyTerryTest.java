package dev.rlhf4j.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BradleyTerryTest {

    private static final BradleyTerry BT = BradleyTerry.defaults();

    private static List<Match> repeat(String a, String b, double score, int times) {
        List<Match> out = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            out.add(new Match(a, b, score));
        }
        return out;
    }

    private static List<Match> concat(List<List<Match>> parts) {
        List<Match> out = new ArrayList<>();
        parts.forEach(out::addAll);
        return out;
    }

    /**
     * A chain: A beats B 3 of 4, B beats C 2 of 3, A and C never meet. Each pair's likelihood is
     * maximised on its own, σ(θ_A − θ_B) = 3/4 and σ(θ_B − θ_C) = 2/3, so θ_A − θ_B = ln 3 and θ_B − θ_C =
     * ln 2. Centred (θ_A + θ_B + θ_C = 0): θ_B = (ln 2 − ln 3)/3 = −0.1351550360, θ_A = θ_B + ln 3 =
     * 0.9634572526, θ_C = θ_B − ln 2 = −0.8283022166. On the Elo scale (400/ln 10 = 173.7177927613 per
     * unit of θ): R_A − R_B = 400·log10 3 = 190.8485018879, R_B − R_C = 400·log10 2 = 120.4119982656, and
     * R_A = 1167.3696673471, R_B = 976.5211654592, R_C = 856.1091671937 (mean 1000).
     */
    @Test
    void chainHasAClosedForm() {
        List<Match> m = concat(List.of(repeat("A", "B", 1, 3), repeat("A", "B", 0, 1), repeat("B", "C", 1, 2),
                repeat("C", "B", 1, 1)));
        BradleyTerry.Result r = BT.fit(m);
        assertTrue(r.converged());
        assertEquals(List.of("A", "B", "C"), List.copyOf(r.ratings().keySet()));
        assertEquals(0.963457252632055, r.thetas().get("A"), 1e-9);
        assertEquals(-0.13515503603605483, r.thetas().get("B"), 1e-9);
        assertEquals(-0.8283022165960001, r.thetas().get("C"), 1e-9);
        assertEquals(1167.3696673471075, r.rating("A"), 1e-7);
        assertEquals(976.5211654592425, r.rating("B"), 1e-7);
        assertEquals(856.10916719365, r.rating("C"), 1e-7);
        assertEquals(0.75, BT.probability(r.rating("A"), r.rating("B")), 1e-12);
        // ℓ = 3·ln(3/4) + ln(1/4) + 2·ln(2/3) + ln(1/3) = −4.2122439...
        double ll = 3 * Math.log(0.75) + Math.log(0.25) + 2 * Math.log(2.0 / 3) + Math.log(1.0 / 3);
        assertEquals(ll, r.logLikelihood(), 1e-9);
        assertEquals(ll, BradleyTerry.logLikelihood(m, r.thetas()), 1e-9);
    }

    /**
     * A triangle: A beats B 2 of 3, B beats C 2 of 3, A beats C 2 of 3. Reversing every result and
     * swapping A with C gives the same data, so θ_B = 0 and θ_A = −θ_C = t. A's gradient is
     * (2 − 3σ(t)) + (2 − 3σ(2t)) = 0; with x = e^t, σ(t) = x/(1+x) and σ(2t) = x²/(1+x²), which gives
     * 3x(1+x²) + 3x²(1+x) = 4(1+x)(1+x²), i.e. 2x³ − x² − x − 4 = 0, whose real root is x = 1.5971262567
     * (t = 0.4682059248, 81.3356998 Elo points). B's gradient (1 − 3σ(−t)) + (2 − 3σ(t)) = 3 − 3 = 0 for
     * any t.
     */
    @Test
    void triangleGradientIsZeroAtTheHandSolution() {
        List<Match> m = concat(List.of(repeat("A", "B", 1, 2), repeat("B", "A", 1, 1), repeat("B", "C", 1, 2),
                repeat("C", "B", 1, 1), repeat("A", "C", 1, 2), repeat("C", "A", 1, 1)));
        double x = 1.5971262567403472;
        assertEquals(0, 2 * x * x * x - x * x - x - 4, 1e-12);
        double t = Math.log(x);
        Map<String, Double> hand = Map.of("A", t, "B", 0.0, "C", -t);
        BradleyTerry.gradient(m, hand, 0).values().forEach(g -> assertEquals(0, g, 1e-12));
        BradleyTerry.Result r = BT.fit(m);
        assertEquals(t, r.thetas().get("A"), 1e-10);
        assertEquals(0, r.thetas().get("B"), 1e-10);
        assertEquals(1000 + 81.33569981500568, r.rating("A"), 1e-7);
        BradleyTerry.gradient(m, r.thetas(), 0).values().forEach(g -> assertEquals(0, g, 1e-9));
    }

    /** Lopsided but finite: A beats B 199 of 200 and B beats C 199 of 200, so each gap is ln 199 = 5.293. */
    @Test
    void lopsidedRecordsConvergeToTheClosedForm() {
        List<Match> m = concat(List.of(repeat("A", "B", 1, 199), repeat("B", "A", 1, 1), repeat("B", "C", 1, 199),
                repeat("C", "B", 1, 1)));
        BradleyTerry.Result r = BT.fit(m);
        assertTrue(r.converged(), "iterations " + r.iterations());
        assertEquals(Math.log(199), r.thetas().get("A") - r.thetas().get("B"), 1e-9);
        assertEquals(Math.log(199), r.thetas().get("B") - r.thetas().get("C"), 1e-9);
        assertEquals(1000, r.rating("B"), 1e-9);
        BradleyTerry.Result early = new BradleyTerry(1000, 400, 10, 0, 1e-10, 2).fit(m);
        assertEquals(2, early.iterations());
        assertTrue(!early.converged());
    }

    /** A tie is half a win to each side: a win and a tie (1.5 of 2) fit like 3 wins of 4. */
    @Test
    void tiesCountAsHalfAWin() {
        BradleyTerry.Result tie = BT.fit(List.of(new Match("A", "B", 1), new Match("B", "A", 0.5)));
        BradleyTerry.Result wins = BT.fit(concat(List.of(repeat("A", "B", 1, 3), repeat("B", "A", 1, 1))));
        assertEquals(Math.log(3), tie.thetas().get("A") - tie.thetas().get("B"), 1e-10);
        assertEquals(wins.rating("A"), tie.rating("A"), 1e-7);
        BradleyTerry.Result draws = BT.fit(repeat("A", "B", 0.5, 3));
        assertEquals(1000, draws.rating("A"), 1e-9);
        assertEquals(1000, draws.rating("B"), 1e-9);
    }

    /** An L2 prior pulls the ratings toward the mean and keeps the mean at initial. */
    @Test
    void priorShrinksTowardTheMean() {
        List<Match> m = concat(List.of(repeat("A", "B", 1, 3), repeat("A", "B", 0, 1), repeat("B", "C", 1, 2),
                repeat("C", "B", 1, 1)));
        BradleyTerry.Result free = BT.fit(m);
        BradleyTerry.Result shrunk = BT.withPrior(1).fit(m);
        assertTrue(shrunk.converged());
        assertTrue(Math.abs(shrunk.rating("A") - 1000) < Math.abs(free.rating("A") - 1000));
        assertTrue(Math.abs(shrunk.rating("C") - 1000) < Math.abs(free.rating("C") - 1000));
        assertEquals(3000, shrunk.ratings().values().stream().mapToDouble(Double::doubleValue).sum(), 1e-7);
        BradleyTerry.gradient(m, shrunk.thetas(), 1).values().forEach(g -> assertEquals(0, g, 1e-9));
        assertEquals(1500 * 3, BT.withInitial(1500).withPrior(1).fit(m).ratings().values().stream()
                .mapToDouble(Double::doubleValue).sum(), 1e-7);
    }

    @Test
    void aPlayerThatWonEverythingIsAnErrorWithoutAPrior() {
        List<Match> m = concat(List.of(repeat("A", "B", 1, 3), repeat("C", "A", 0, 2), List.of(new Match("B", "C", 1),
                new Match("C", "B", 1))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BT.fit(m));
        assertEquals("player A won every one of its 5 matches: its Bradley–Terry strength is infinite without a prior;"
                + " add a prior (--prior 0.01) or more matches", e.getMessage());
        BradleyTerry.Result r = BT.withPrior(0.01).fit(m);
        assertTrue(r.converged());
        assertEquals("A", r.ratings().keySet().iterator().next());
        assertTrue(Double.isFinite(r.rating("A")));

        List<Match> loser = concat(List.of(repeat("A", "B", 1, 1), repeat("B", "A", 1, 1), repeat("A", "Z", 1, 2),
                repeat("Z", "B", 0, 1)));
        e = assertThrows(IllegalArgumentException.class, () -> BT.fit(loser));
        assertTrue(e.getMessage().startsWith("player Z lost every one of its 3 matches"), e.getMessage());
    }

    @Test
    void groupsThatNeverMetOrNeverLostAreErrors() {
        List<Match> apart = List.of(new Match("A", "B", 1), new Match("B", "A", 1), new Match("C", "D", 1),
                new Match("D", "C", 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BT.fit(apart));
        assertTrue(e.getMessage().startsWith("the comparison graph falls into 2 groups that never played each other"
                + " (A, B | C, D)"), e.getMessage());
        List<Match> top = new ArrayList<>(apart);
        top.add(new Match("A", "C", 1));
        top.add(new Match("D", "B", 0.0));
        e = assertThrows(IllegalArgumentException.class, () -> BT.fit(top));
        assertTrue(e.getMessage().startsWith("players A, B never lost to any of the other 2 players: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("their Bradley–Terry strength is infinite without a prior;"
                + " add a prior (--prior 0.01) or more matches"), e.getMessage());
        List<Match> middle = List.of(new Match("A", "B", 1), new Match("B", "C", 1), new Match("C", "B", 0.5),
                new Match("C", "D", 1), new Match("D", "C", 0));
        e = assertThrows(IllegalArgumentException.class, () -> BT.fit(middle));
        assertTrue(e.getMessage().startsWith("player A won its only match; player D lost every one of its 2 matches:"
                + " their Bradley–Terry strength"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BT.fit(List.of()));
    }

    /** Resamples of a small set often lose a player's only loss; they are refitted with a tiny prior and counted. */
    @Test
    void bootstrapRefitsResamplesWithoutAnMle() {
        List<Match> m = concat(List.of(repeat("A", "B", 1, 3), repeat("A", "B", 0, 1), repeat("B", "C", 1, 2),
                repeat("C", "B", 1, 1)));
        Intervals iv = BT.bootstrap(m, 100, new Random(5));
        assertEquals(100, iv.rounds());
        assertTrue(iv.regularized() > 0 && iv.regularized() < 100, "regularized " + iv.regularized());
        assertEquals(1167.3696673471075, iv.of("A").point(), 1e-7); // the chain's closed form (chainHasAClosedForm)
        assertEquals(976.5211654592425, iv.of("B").point(), 1e-7);
        assertEquals(856.10916719365, iv.of("C").point(), 1e-7);
        assertEquals(List.of("A", "B", "C"), List.copyOf(iv.players().keySet()));
    }

    /**
     * The bootstrap replayed by hand on two players: A beats B in 30 of 40 matches. Each of 60 rounds
     * draws 40 matches with replacement from the same generator; with w wins of A in the resample the
     * MLE is θ_A − θ_B = ln(w/(40 − w)), i.e. R_A = 1000 + (400/ln 10)·ln(w/(40 − w))/2 and R_B = 2000 − R_A
     * (mean 1000); the interval is the type-7 2.5%–97.5% percentiles of those, the point ln 3 apart.
     */
    @Test
    void bootstrapOfTwoPlayersIsTheClosedFormPerResample() {
        List<Match> m = concat(List.of(repeat("A", "B", 1, 30), repeat("A", "B", 0, 10)));
        int rounds = 60;
        Random rng = new Random(4);
        double[] a = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            int w = 0;
            for (int i = 0; i < m.size(); i++) {
                w += (int) m.get(rng.nextInt(m.size())).scoreA();
            }
            a[round] = 1000 + 400 / Math.log(10) * Math.log(w / (40.0 - w)) / 2;
        }
        Arrays.sort(a);
        Intervals iv = BT.bootstrap(m, rounds, new Random(4));
        assertEquals(0, iv.regularized());
        assertEquals(1000 + 200 * Math.log10(3), iv.of("A").point(), 1e-7);
        assertEquals(EloRatingTest.typeSeven(a, 0.025), iv.of("A").lower(), 1e-7);
        assertEquals(EloRatingTest.typeSeven(a, 0.5), iv.of("A").median(), 1e-7);
        assertEquals(EloRatingTest.typeSeven(a, 0.975), iv.of("A").upper(), 1e-7);
        assertEquals(2000 - EloRatingTest.typeSeven(a, 0.975), iv.of("B").lower(), 1e-7);
    }

    @Test
    void configIsValidated() {
        assertEquals(new BradleyTerry(1000, 400, 10, 0, 1e-10, 100), BradleyTerry.defaults());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BT.withPrior(-1));
        assertTrue(e.getMessage().contains("prior: expected a number ≥ 0, found -1.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BT.withBase(0.5));
    }

    /**
     * 30 players with true strengths θ ~ N(0, 1), 2,000 comparisons between random pairs, each won with
     * the Bradley–Terry probability σ(θ_a − θ_b): the fit ranks the players like the truth (Spearman ≥ 0.9)
     * and the 95% bootstrap intervals (200 rounds) cover the true ratings (centred to mean 1000) at
     * roughly the nominal rate, averaged over five seeds.
     */
    @Test
    void recoversSimulatedStrengths() {
        double coverage = 0;
        int seeds = 5;
        for (int seed = 1; seed <= seeds; seed++) {
            Random rng = new Random(seed);
            int n = 30;
            double[] theta = new double[n];
            for (int i = 0; i < n; i++) {
                theta[i] = rng.nextGaussian();
            }
            double mean = Arrays.stream(theta).average().orElseThrow();
            Map<String, Double> truth = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                truth.put("m" + i, 1000 + 400 / Math.log(10) * (theta[i] - mean));
            }
            List<Match> matches = new ArrayList<>();
            for (int k = 0; k < 2000; k++) {
                int a = rng.nextInt(n);
                int b = (a + 1 + rng.nextInt(n - 1)) % n;
                boolean aWins = rng.nextDouble() < BradleyTerry.sigmoid(theta[a] - theta[b]);
                matches.add(new Match("m" + a, "m" + b, aWins ? 1 : 0));
            }
            BradleyTerry.Result fit = BT.fit(matches);
            assertTrue(fit.converged());
            assertEquals(1000 * n, fit.ratings().values().stream().mapToDouble(Double::doubleValue).sum(), 1e-6);
            double rho = Agreement.spearman(fit.ratings(), truth);
            Intervals iv = BT.bootstrap(matches, 200, new Random(seed + 100));
            double c = iv.coverage(truth);
            System.out.printf(Locale.ROOT, "Bradley–Terry seed %d: Spearman %.4f, 95%% bootstrap coverage %.3f,"
                    + " %d Newton steps, %d regularized resamples%n", seed, rho, c, fit.iterations(), iv.regularized());
            assertTrue(rho >= 0.9, "Spearman " + rho);
            coverage += c / seeds;
        }
        System.out.printf(Locale.ROOT, "Bradley–Terry mean coverage of the 95%% intervals: %.3f%n", coverage);
        assertTrue(coverage >= 0.8, "coverage " + coverage);
    }
}
