package dev.rlhf4j.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MatchesTest {

    @TempDir
    Path tmp;

    @Test
    void roundTripsQuotedNamesAndSkipsBlankLines() throws Exception {
        List<Match> matches = List.of(new Match("c1", "c2", 1), new Match("gpt, small", "say \"hi\"", 0.5),
                new Match("c2", "c1", 0));
        Path file = tmp.resolve("matches.csv");
        Matches.write(file, matches);
        assertEquals("player_a,player_b,score_a\nc1,c2,1\n\"gpt, small\",\"say \"\"hi\"\"\",0.5\nc2,c1,0\n",
                Files.readString(file));
        assertEquals(matches, Matches.read(file));
        Files.writeString(file, "player_a,player_b,score_a\n\nA,B,1.0\n   \nB,A,0\n");
        assertEquals(List.of(new Match("A", "B", 1), new Match("B", "A", 0)), Matches.read(file));
    }

    @Test
    void errorsNameFileLineFieldExpectedAndFound() throws Exception {
        assertError("player,opponent,score\n", "line 1: expected the header 'player_a,player_b,score_a', found 'player,opponent,score'");
        assertError("", "line 1: expected the header");
        assertError("player_a,player_b,score_a\nA,B,1\nA,B\n", "line 3: expected 3 fields (player_a,player_b,score_a), found 2");
        assertError("player_a,player_b,score_a\n,B,1\n", "line 2: field 'player_a': expected a player name, found ''");
        assertError("player_a,player_b,score_a\nA, ,1\n", "line 2: field 'player_b': expected a player name, found ''");
        assertError("player_a,player_b,score_a\nA,A,1\n", "line 2: field 'player_b': expected a player other than player_a, found 'A'");
        assertError("player_a,player_b,score_a\nA,B,2\n", "line 2: field 'score_a': expected 1 (A wins), 0 (B wins) or 0.5 (tie), found '2'");
        assertError("player_a,player_b,score_a\nA,B,win\n", "line 2: field 'score_a': expected 1 (A wins), 0 (B wins) or 0.5 (tie), found 'win'");
        assertError("player_a,player_b,score_a\n\"A,B,1\n", "line 2: expected a closing quote in field 1");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Matches.read(tmp.resolve("nope.csv")));
        assertTrue(e.getMessage().startsWith("file not found: "), e.getMessage());
    }

    private void assertError(String content, String expected) throws Exception {
        Path file = tmp.resolve("bad.csv");
        Files.writeString(file, content);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Matches.read(file));
        assertTrue(e.getMessage().startsWith(file + " " + expected), e.getMessage());
    }

    @Test
    void tallyCountsWinsLossesAndTies() {
        Map<String, Matches.Tally> t = Matches.tally(List.of(new Match("A", "B", 1), new Match("B", "C", 0.5),
                new Match("C", "A", 1)));
        assertEquals(List.of("A", "B", "C"), List.copyOf(t.keySet()));
        assertEquals(new Matches.Tally(2, 1, 1, 0), t.get("A"));
        assertEquals(new Matches.Tally(2, 0, 1, 1), t.get("B"));
        assertEquals(new Matches.Tally(2, 1, 0, 1), t.get("C"));
        assertEquals(0.75, t.get("C").score());
    }
}
