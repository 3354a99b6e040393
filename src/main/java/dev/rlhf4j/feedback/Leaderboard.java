package dev.rlhf4j.feedback;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * An Arena-style leaderboard: players best first with their rating, its 95% bootstrap interval
 * (when there is one) and their record. As a table and as the ratings CSV that {@code rlhf4j elo}
 * and {@code rlhf4j bt} write: {@code player,rating,lower,upper,matches,wins,losses,ties},
 * {@code lower} and {@code upper} empty without a bootstrap. The table, which people read, rounds
 * ratings to 0.01; the CSV, which programs read, keeps every digit (a rating read back is the
 * rating computed).
 *
 * @param title what was rated, e.g. "Elo (K=32)"
 * @param rows the players, best first
 */
public record Leaderboard(String title, List<Row> rows) {

    /**
     * One player.
     *
     * @param player the player's name
     * @param rating its rating
     * @param lower the 2.5% bootstrap percentile (NaN without a bootstrap)
     * @param upper the 97.5% bootstrap percentile (NaN without a bootstrap)
     * @param tally its matches, wins, losses and ties
     */
    public record Row(String player, double rating, double lower, double upper, Matches.Tally tally) {}

    /** Copies the rows. */
    public Leaderboard {
        rows = List.copyOf(rows);
    }

    /**
     * The leaderboard of {@code ratings}.
     *
     * @param ratings the ratings, in any order (the leaderboard sorts them best first)
     * @param intervals bootstrap intervals, or null for none
     * @param matches the rated matches, for each player's record
     */
    public static Leaderboard of(String title, Map<String, Double> ratings, Intervals intervals, List<Match> matches) {
        Map<String, Matches.Tally> tallies = Matches.tally(matches);
        List<Row> rows = new ArrayList<>();
        bestFirst(ratings).forEach((p, r) -> {
            Intervals.Interval i = intervals == null ? null : intervals.players().get(p);
            rows.add(new Row(p, r, i == null ? Double.NaN : i.lower(), i == null ? Double.NaN : i.upper(),
                    tallies.getOrDefault(p, new Matches.Tally(0, 0, 0, 0))));
        });
        return new Leaderboard(title, rows);
    }

    /** {@code ratings} sorted best first; equal ratings keep their order. */
    public static Map<String, Double> bestFirst(Map<String, Double> ratings) {
        List<Map.Entry<String, Double>> entries = new ArrayList<>(ratings.entrySet());
        entries.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
        Map<String, Double> out = new LinkedHashMap<>();
        entries.forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** The players, best first. */
    public List<String> players() {
        return rows.stream().map(Row::player).toList();
    }

    /**
     * The leaderboard as a table for people: player, rating, lower, upper, matches, wins, losses,
     * ties, ratings rounded to 0.01.
     */
    public Table table() {
        return table(true);
    }

    /** The table, ratings rounded to 0.01 or not. */
    private Table table(boolean rounded) {
        Table t = Table.create(title, StringColumn.create("player"), DoubleColumn.create("rating"),
                DoubleColumn.create("lower"), DoubleColumn.create("upper"), IntColumn.create("matches"),
                IntColumn.create("wins"), IntColumn.create("losses"), IntColumn.create("ties"));
        for (Row r : rows) {
            t.stringColumn("player").append(r.player());
            t.doubleColumn("rating").append(rounded ? round(r.rating()) : r.rating());
            appendOrMissing(t.doubleColumn("lower"), r.lower(), rounded);
            appendOrMissing(t.doubleColumn("upper"), r.upper(), rounded);
            t.intColumn("matches").append(r.tally().matches());
            t.intColumn("wins").append(r.tally().wins());
            t.intColumn("losses").append(r.tally().losses());
            t.intColumn("ties").append(r.tally().ties());
        }
        return t;
    }

    /** The ratings CSV (header and one line per player, best first), ratings unrounded. */
    public String csv() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        table(false).write().csv(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Writes {@link #csv()} to {@code file} atomically. */
    public void write(Path file) {
        dev.rlhf4j.core.AtomicFiles.writeString(file, csv());
    }

    private static void appendOrMissing(DoubleColumn c, double v, boolean rounded) {
        if (Double.isNaN(v)) {
            c.appendMissing();
        } else {
            c.append(rounded ? round(v) : v);
        }
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
