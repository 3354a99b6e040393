package dev.rlhf4j.feedback;

import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.text.Csv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The matches file of Elo and Bradley–Terry: a CSV with the header
 * {@code player_a,player_b,score_a} and one match per line, {@code score_a} being 1 (A wins), 0 (B
 * wins) or 0.5 (a tie). Online Elo applies the matches in file order. Fields holding a comma or a
 * quote are quoted as RFC 4180 says ({@link Csv}); blank lines are ignored.
 *
 * <pre>
 * player_a,player_b,score_a
 * c1,c2,1
 * c2,c3,0.5
 * </pre>
 */
public final class Matches {

    /** The header line. */
    public static final String HEADER = "player_a,player_b,score_a";

    /**
     * What one player did in a list of matches.
     *
     * @param matches matches played
     * @param wins matches won
     * @param losses matches lost
     * @param ties matches tied
     */
    public record Tally(int matches, int wins, int losses, int ties) {

        /** The player's score fraction: (wins + ties/2) / matches. */
        public double score() {
            return matches == 0 ? Double.NaN : (wins + 0.5 * ties) / matches;
        }

        Tally plus(double score) {
            return new Tally(matches + 1, wins + (score == 1 ? 1 : 0), losses + (score == 0 ? 1 : 0),
                    ties + (score == 0.5 ? 1 : 0));
        }
    }

    private Matches() {}

    /**
     * Reads a matches file.
     *
     * @throws IllegalArgumentException naming the file, the line, the field, what was expected and
     *     what was found (bad header, wrong number of fields, empty player, a player playing itself,
     *     a score other than 0, 0.5 or 1)
     * @throws UncheckedIOException when the file is missing or unreadable
     */
    public static List<Match> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("file not found: " + file, e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        }
        String header = lines.isEmpty() ? "" : lines.get(0).strip().replace("\uFEFF", "");
        if (!header.equals(HEADER)) {
            throw new IllegalArgumentException(file + " line 1: expected the header '" + HEADER + "', found '"
                    + header + "'");
        }
        List<Match> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.isBlank()) {
                out.add(parse(line, file, i + 1));
            }
        }
        return out;
    }

    /** One match from one CSV line; errors name {@code file} and {@code lineNo}. */
    static Match parse(String line, Path file, int lineNo) {
        List<String> f = Csv.parse(line, file, lineNo);
        String where = file + " line " + lineNo;
        if (f.size() != 3) {
            throw new IllegalArgumentException(where + ": expected 3 fields (" + HEADER + "), found " + f.size()
                    + " in '" + line + "'");
        }
        String a = f.get(0).strip();
        String b = f.get(1).strip();
        String s = f.get(2).strip();
        if (a.isEmpty()) {
            throw error(where, "player_a", "a player name", a);
        }
        if (b.isEmpty()) {
            throw error(where, "player_b", "a player name", b);
        }
        if (a.equals(b)) {
            throw error(where, "player_b", "a player other than player_a", b);
        }
        double score;
        try {
            score = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw error(where, "score_a", "1 (A wins), 0 (B wins) or 0.5 (tie)", s);
        }
        if (score != 0 && score != 0.5 && score != 1) {
            throw error(where, "score_a", "1 (A wins), 0 (B wins) or 0.5 (tie)", s);
        }
        return new Match(a, b, score);
    }

    private static IllegalArgumentException error(String where, String field, String expected, String found) {
        return new IllegalArgumentException(where + ": field '" + field + "': expected " + expected + ", found '"
                + found + "'");
    }

    /** Writes {@code matches} atomically, in list order, quoting names with commas or quotes. */
    public static void write(Path file, List<Match> matches) {
        AtomicFiles.writeString(file, toCsv(matches));
    }

    /** The file content of {@code matches}: the header and one line per match. */
    public static String toCsv(List<Match> matches) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Match m : matches) {
            sb.append(Csv.row(m.playerA(), m.playerB(), score(m.scoreA()))).append('\n');
        }
        return sb.toString();
    }

    private static String score(double s) {
        return s == 0.5 ? "0.5" : s == 1 ? "1" : "0";
    }

    /** Every player's matches, wins, losses and ties, in order of first appearance. */
    public static Map<String, Tally> tally(List<Match> matches) {
        Map<String, Tally> out = new LinkedHashMap<>();
        for (Match m : matches) {
            out.merge(m.playerA(), new Tally(0, 0, 0, 0).plus(m.scoreA()), (t, u) -> t.plus(m.scoreA()));
            out.merge(m.playerB(), new Tally(0, 0, 0, 0).plus(m.scoreB()), (t, u) -> t.plus(m.scoreB()));
        }
        return out;
    }

    /** The players of {@code matches} in order of first appearance. */
    public static List<String> players(List<Match> matches) {
        return new ArrayList<>(tally(matches).keySet());
    }
}
