package dev.rlhf4j.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class LeaderboardTest {

    private static final List<Match> MATCHES = List.of(new Match("A", "B", 1), new Match("B", "C", 1),
            new Match("C", "A", 0.5));

    /** The CSV keeps every digit of the ratings; the table people read rounds them to 0.01. */
    @Test
    void csvWithoutIntervalsLeavesLowerAndUpperEmpty() {
        Map<String, Double> ratings = EloRating.defaults().rate(MATCHES).ratings();
        Leaderboard board = Leaderboard.of("Elo", ratings, null, MATCHES);
        assertEquals(List.of("A", "B", "C"), board.players());
        List<String> lines = board.csv().lines().toList();
        assertEquals("player,rating,lower,upper,matches,wins,losses,ties", lines.get(0));
        assertEquals(List.of("A", "B", "C"), lines.subList(1, 4).stream().map(l -> l.split(",")[0]).toList());
        assertEquals(List.of(",,,2,1,0,1", ",,,2,1,1,0", ",,,2,0,1,1"),
                lines.subList(1, 4).stream().map(l -> l.substring(l.indexOf(',', l.indexOf(',') + 1))).toList(),
                "after the rating: empty lower and upper, then the record");
        for (String line : lines.subList(1, 4)) {
            String player = line.split(",")[0];
            assertEquals(ratings.get(player), Double.parseDouble(line.split(",")[1]), player + " in " + line);
        }
        assertEquals(List.of(1014.5, 1000.74, 984.77), board.table().doubleColumn("rating").asList());
    }

    @Test
    void tableCarriesIntervalsAndQuotesNames() {
        Map<String, Double> ratings = Map.of("x, y", 1100.0, "z", 900.0);
        List<Match> m = List.of(new Match("x, y", "z", 1));
        Intervals iv = Intervals.of(Leaderboard.bestFirst(ratings),
                Map.of("x, y", List.of(1050.0, 1100.0, 1150.0), "z", List.of(850.0, 900.0, 950.0)), 3, 0);
        Leaderboard board = Leaderboard.of("BT", ratings, iv, m);
        Table t = board.table();
        assertEquals(List.of("player", "rating", "lower", "upper", "matches", "wins", "losses", "ties"), t.columnNames());
        assertEquals(1052.5, t.doubleColumn("lower").get(0));
        assertEquals(1147.5, t.doubleColumn("upper").get(0));
        assertEquals("\"x, y\",1100.0,1052.5,1147.5,1,1,0,0", board.csv().lines().toList().get(1));
    }

    @Test
    void percentileInterpolatesLinearly() {
        double[] v = {1, 2, 3, 4};
        assertEquals(1.075, Intervals.percentile(v, 0.025), 1e-12); // h = 3·0.025 = 0.075
        assertEquals(2.5, Intervals.percentile(v, 0.5), 1e-12);
        assertEquals(3.925, Intervals.percentile(v, 0.975), 1e-12);
        assertEquals(Double.NaN, Intervals.percentile(new double[0], 0.5));
        Intervals iv = EloRating.defaults().bootstrap(MATCHES, 10, new Random(1));
        assertEquals(1.0, iv.coverage(Map.of("A", iv.of("A").median())));
    }
}
