package dev.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    /** The sequence of EloRatingTest: A beats B, B beats C, C ties A → 1014.50, 1000.74, 984.77. */
    @Test
    void eloRatesInFileOrder() throws Exception {
        Path in = file("m.csv", "player_a,player_b,score_a\nA,B,1\nB,C,1\nC,A,0.5\n");
        Path out = tmp.resolve("ratings.csv");
        String[] r = CliTest.run("elo", "--input", in.toString(), "--out", out.toString());
        assertEquals("0", r[0], r[2]);
        assertEquals(List.of("player,rating,lower,upper,matches,wins,losses,ties", "A,1014.5,,,2,1,0,1",
                "B,1000.74,,,2,1,1,0", "C,984.77,,,2,0,1,1"), Files.readAllLines(out));
        assertTrue(r[1].contains("online Elo of 3 matches between 3 players in file order: K=32"), r[1]);
        assertTrue(r[1].contains("1014.5"), r[1]);
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

    /** The chain of BradleyTerryTest: A beats B 3 of 4, B beats C 2 of 3 → 1167.37, 976.52, 856.11. */
    @Test
    void btFitsTheMaximumLikelihoodRatings() throws Exception {
        Path in = file("m.csv", "player_a,player_b,score_a\nA,B,1\nA,B,1\nA,B,1\nB,A,1\nB,C,1\nC,B,0\nC,B,1\n");
        Path out = tmp.resolve("bt.csv");
        String[] r = CliTest.run("bt", "--input", in.toString(), "--out", out.toString(), "--bootstrap", "0");
        assertEquals("0", r[0], r[2]);
        assertEquals(List.of("player,rating,lower,upper,matches,wins,losses,ties", "A,1167.37,,,4,3,1,0",
                "B,976.52,,,7,3,4,0", "C,856.11,,,3,1,2,0"), Files.readAllLines(out));
        assertTrue(r[1].contains("converged after"), r[1]);
        r = CliTest.run("bt", "--input", in.toString(), "--out", out.toString(), "--bootstrap", "50");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("were refitted with the prior 0.001"), r[1]);
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
