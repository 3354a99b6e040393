package dev.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.feedback.BradleyTerry;
import dev.rlhf4j.feedback.EloRating;
import dev.rlhf4j.feedback.Intervals;
import dev.rlhf4j.feedback.Match;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rlhf4j elo} and {@code rlhf4j bt} on small matches files. */
class RatingCommandsTest {

    @TempDir
    Path tmp;

    private Path file(String name, String content) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    /** A CSV line's fields (the tests' names need no quoting). */
    private static String[] fields(String line) {
        return line.split(",", -1);
    }

    /** The ratings CSV's rows by player: its fields after the name. */
    private static Map<String, String[]> rows(Path ratingsCsv) throws Exception {
        List<String> lines = Files.readAllLines(ratingsCsv);
        assertEquals("player,rating,lower,upper,matches,wins,losses,ties", lines.get(0));
        Map<String, String[]> rows = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = fields(line);
            rows.put(f[0], Arrays.copyOfRange(f, 1, f.length));
        }
        return rows;
    }

    /**
     * The sequence of EloRatingTest: A beats B, B beats C, C ties A → 1014.50, 1000.74, 984.77
     * (printed to 0.01); the CSV has the ratings to the last digit, here worked out by hand.
     */
    @Test
    void eloRatesInFileOrder() throws Exception {
        Path in = file("m.csv", "player_a,player_b,score_a\nA,B,1\nB,C,1\nC,A,0.5\n");
        Path out = tmp.resolve("ratings.csv");
        String[] r = CliTest.run("elo", "--input", in.toString(), "--out", out.toString());
        assertEquals("0", r[0], r[2]);
        // Elo by hand, K = 32: E_A = 1 / (1 + 10^((R_B - R_A) / 400)), R_A += K (S_A - E_A)
        double a = 1016, b = 984, c = 1000; // A beats B at 1000 each: E = 1/2, ±16
        double eb = 1 / (1 + Math.pow(10, (c - b) / 400)); // B beats C
        b += 32 * (1 - eb);
        c -= 32 * (1 - eb);
        double ec = 1 / (1 + Math.pow(10, (a - c) / 400)); // C ties A
        c += 32 * (0.5 - ec);
        a -= 32 * (0.5 - ec);
        Map<String, String[]> rows = rows(out);
        assertEquals(List.of("A", "B", "C"), List.copyOf(rows.keySet()));
        assertEquals(a, Double.parseDouble(rows.get("A")[0]), 1e-9, "A's rating to the last digits");
        assertEquals(b, Double.parseDouble(rows.get("B")[0]), 1e-9, "B's rating to the last digits");
        assertEquals(c, Double.parseDouble(rows.get("C")[0]), 1e-9, "C's rating to the last digits");
        assertEquals(List.of(",,2,1,0,1", ",,2,1,1,0", ",,2,0,1,1"), rows.values().stream()
                .map(f -> String.join(",", Arrays.copyOfRange(f, 1, f.length))).toList(), "no intervals; the records");
        assertTrue(r[1].contains("online Elo of 3 matches between 3 players in file order: K=32"), r[1]);
        assertTrue(r[1].contains("1014.5 "), "people see ratings to 0.01:\n" + r[1]);
        assertTrue(!r[1].contains(Double.toString(a)), "people see ratings to 0.01:\n" + r[1]);
        String[] k16 = CliTest.run("elo", "--input", in.toString(), "--output", out.toString(), "--k", "16");
        assertEquals("0", k16[0], k16[2]);
        assertTrue(Files.readAllLines(out).get(1).startsWith("A,1007."), Files.readString(out));
    }

    @Test
    void bootstrapIsSeeded() throws Exception {
        StringBuilder sb = new StringBuilder("player_a,player_b,score_a\n");
        for (int i = 0; i < 10; i++) {
            sb.append("A,B,1\nB,C,").append(i % 3 == 0 ? "0" : "1").append("\nC,A,").append(i % 4 == 0 ? "0.5" : "0").append('\n');
        }
        Path in = file("m.csv", sb.toString());
        for (String cmd : List.of("elo", "bt")) {
            Path a = tmp.resolve(cmd + "-a.csv");
            Path b = tmp.resolve(cmd + "-b.csv");
            assertEquals("0", CliTest.run(cmd, "--input", in.toString(), "--out", a.toString(), "--bootstrap", "40", "--seed", "3")[0]);
            assertEquals("0", CliTest.run(cmd, "--input", in.toString(), "--out", b.toString(), "--bootstrap", "40", "--seed", "3")[0]);
            assertEquals(Files.readString(a), Files.readString(b));
            String[] first = Files.readAllLines(a).get(1).split(",");
            assertEquals("A", first[0]);
            double rating = Double.parseDouble(first[1]);
            assertTrue(Double.parseDouble(first[2]) <= rating && rating <= Double.parseDouble(first[3]), cmd + ": " + Files.readString(a));
        }
    }

    /**
     * The chain of BradleyTerryTest: A beats B 3 of 4, B beats C 2 of 3 → 1167.37, 976.52, 856.11.
     * On a chain maximum likelihood matches the observed odds: R_A - R_B = 400 log10(3), R_B - R_C =
     * 400 log10(2), mean 1000; the CSV has these to the last digits.
     */
    @Test
    void btFitsTheMaximumLikelihoodRatings() throws Exception {
        Path in = file("m.csv", "player_a,player_b,score_a\nA,B,1\nA,B,1\nA,B,1\nB,A,1\nB,C,1\nC,B,0\nC,B,1\n");
        Path out = tmp.resolve("bt.csv");
        String[] r = CliTest.run("bt", "--input", in.toString(), "--out", out.toString(), "--bootstrap", "0");
        assertEquals("0", r[0], r[2]);
        double ab = 400 * Math.log10(3);
        double bc = 400 * Math.log10(2);
        double b = 1000 - (ab - bc) / 3; // (R_B + ab) + R_B + (R_B - bc) = 3000
        Map<String, String[]> rows = rows(out);
        assertEquals(List.of("A", "B", "C"), List.copyOf(rows.keySet()));
        assertEquals(b + ab, Double.parseDouble(rows.get("A")[0]), 1e-7, "A's rating to the last digits");
        assertEquals(b, Double.parseDouble(rows.get("B")[0]), 1e-7, "B's rating to the last digits");
        assertEquals(b - bc, Double.parseDouble(rows.get("C")[0]), 1e-7, "C's rating to the last digits");
        assertEquals(List.of(",,4,3,1,0", ",,7,3,4,0", ",,3,1,2,0"), rows.values().stream()
                .map(f -> String.join(",", Arrays.copyOfRange(f, 1, f.length))).toList(), "no intervals; the records");
        assertTrue(r[1].contains("1167.37 "), "people see ratings to 0.01:\n" + r[1]);
        assertTrue(r[1].contains("converged after"), r[1]);
        r = CliTest.run("bt", "--input", in.toString(), "--out", out.toString(), "--bootstrap", "50");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("were refitted with the prior 0.001"), r[1]);
    }

    /**
     * Ratings and interval bounds read back from the CSV are exactly the doubles the library
     * computes for the same matches, options and seed (a program reading the file loses nothing).
     */
    @Test
    void ratingsFilesKeepEveryDigit() throws Exception {
        StringBuilder sb = new StringBuilder("player_a,player_b,score_a\n");
        for (int i = 0; i < 10; i++) {
            sb.append("A,B,1\nB,C,").append(i % 3 == 0 ? "0" : "1").append("\nC,A,").append(i % 4 == 0 ? "0.5" : "0").append('\n');
        }
        Path in = file("m.csv", sb.toString());
        List<Match> matches = dev.rlhf4j.feedback.Matches.read(in);

        Path eloOut = tmp.resolve("elo.csv");
        assertEquals("0", CliTest.run("elo", "--input", in.toString(), "--out", eloOut.toString(), "--k", "4",
                "--bootstrap", "30", "--seed", "7")[0]);
        EloRating elo = new EloRating(4, 1000, 400, 10);
        assertSameNumbers(elo.rate(matches).ratings(), elo.bootstrap(matches, 30, Seeds.derive(7, "elo-bootstrap")), rows(eloOut));

        Path btOut = tmp.resolve("bt.csv");
        assertEquals("0", CliTest.run("bt", "--input", in.toString(), "--out", btOut.toString(), "--bootstrap", "30",
                "--seed", "7")[0]);
        BradleyTerry bt = BradleyTerry.defaults();
        assertSameNumbers(bt.fit(matches).ratings(), bt.bootstrap(matches, 30, Seeds.derive(7, "bt-bootstrap")), rows(btOut));
    }

    private static void assertSameNumbers(Map<String, Double> ratings, Intervals intervals, Map<String, String[]> rows) {
        assertEquals(ratings.keySet(), rows.keySet());
        ratings.forEach((player, rating) -> {
            String[] f = rows.get(player);
            Intervals.Interval i = intervals.of(player);
            assertEquals(List.of(rating, i.lower(), i.upper()),
                    List.of(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])), player);
            assertTrue(rating != Math.round(rating * 100) / 100.0, player + "'s rating " + rating + " needs more than 2 decimals");
        });
    }

    @Test
    void aPlayerThatWonEverythingNeedsAPrior() throws Exception {
        Path in = file("m.csv", "player_a,player_b,score_a\nA,B,1\nA,C,1\nB,C,1\nC,B,1\n");
        Path out = tmp.resolve("bt.csv");
        String[] r = CliTest.run("bt", "--input", in.toString(), "--out", out.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].startsWith("error: player A won every one of its 2 matches: its Bradley–Terry strength is infinite"
                + " without a prior; add a prior (--prior 0.01) or more matches"), r[2]);
        assertFalse(Files.exists(out));
        r = CliTest.run("bt", "--input", in.toString(), "--out", out.toString(), "--prior", "0.01", "--bootstrap", "10");
        assertEquals("0", r[0], r[2]);
        assertTrue(Files.readAllLines(out).get(1).startsWith("A,"));
    }

    @Test
    void badInputGetsAClearErrorNamingTheLine() throws Exception {
        Path in = file("bad.csv", "player_a,player_b,score_a\nA,B,1\nB,C,x\n");
        Path out = tmp.resolve("r.csv");
        for (String cmd : List.of("elo", "bt")) {
            String[] r = CliTest.run(cmd, "--input", in.toString(), "--out", out.toString());
            assertEquals("2", r[0], cmd);
            assertEquals("error: " + in + " line 3: field 'score_a': expected 1 (A wins), 0 (B wins) or 0.5 (tie), found 'x'",
                    r[2].strip(), cmd);
        }
        String[] r = CliTest.run("elo", "--input", tmp.resolve("nope.csv").toString(), "--out", out.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("file not found"), r[2]);
        r = CliTest.run("elo", "--input", file("empty.csv", "player_a,player_b,score_a\n").toString(), "--out", out.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("expected at least one match after the header, found none"), r[2]);
        r = CliTest.run("elo", "--input", in.toString(), "--out", out.toString(), "--k", "0");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("Elo k: expected a positive number, found 0.0"), r[2]);
        r = CliTest.run("bt", "--input", in.toString(), "--out", out.toString(), "--bootstrap", "-1");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--bootstrap: expected 0 or more resamples, found -1"), r[2]);
        assertFalse(Files.exists(out));
    }

    @Test
    void helpListsSeedAndOutput() {
        for (String cmd : List.of("elo", "bt")) {
            String[] r = CliTest.run(cmd, "--help");
            assertEquals("0", r[0], cmd);
            for (String option : List.of("--seed", "--output", "--out", "--input", "--bootstrap", "--initial", "--scale", "--base")) {
                assertTrue(r[1].contains(option), cmd + " --help lists " + option + ":\n" + r[1]);
            }
        }
        assertTrue(CliTest.run("bt", "--help")[1].contains("--prior"));
        assertTrue(CliTest.run("elo", "--help")[1].contains("--k"));
        assertTrue(CliTest.run("--help")[1].contains("elo"));
    }
}
