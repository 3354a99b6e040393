package dev.rlhf4j.feedback;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlhf4j.core.ChartLabels;
import dev.rlhf4j.core.ChartStyle;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

class FeedbackChartsTest {

    private static final List<Match> MATCHES = List.of(new Match("A", "B", 1), new Match("B", "C", 1),
            new Match("C", "A", 0.5), new Match("D", "C", 0), new Match("A", "D", 1), new Match("B", "D", 0.5));

    @Test
    void leaderboardHasAMarkerAndASegmentPerPlayer(@TempDir Path tmp) throws Exception {
        EloRating elo = EloRating.defaults();
        EloRating.Ratings r = elo.rate(MATCHES);
        Leaderboard board = Leaderboard.of("Elo", r.ratings(), elo.bootstrap(MATCHES, 50, new Random(1)), MATCHES);
        XYChart c = FeedbackCharts.leaderboard(board);
        assertEquals(List.of(FeedbackCharts.INTERVAL, FeedbackCharts.RATING), List.copyOf(c.getSeriesMap().keySet()));
        assertArrayEquals(new double[] {1, 2, 3, 4}, c.getSeriesMap().get(FeedbackCharts.RATING).getXData());
        assertArrayEquals(r.ratings().values().stream().mapToDouble(Double::doubleValue).toArray(),
                c.getSeriesMap().get(FeedbackCharts.RATING).getYData());
        double[] iy = c.getSeriesMap().get(FeedbackCharts.INTERVAL).getYData();
        assertEquals(12, iy.length);
        assertEquals(board.rows().get(0).lower(), iy[0]);
        assertEquals(board.rows().get(0).upper(), iy[1]);
        assertEquals(board.players().get(1), c.getStyler().getxAxisTickLabelsFormattingFunction().apply(2.0));
        assertEquals("", c.getStyler().getxAxisTickLabelsFormattingFunction().apply(2.5));
        Path png = tmp.resolve("board.png");
        BitmapEncoder.saveBitmap(c, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        assertTrue(Files.size(png) > 1000);

        XYChart plain = FeedbackCharts.leaderboard(Leaderboard.of("Elo", r.ratings(), null, MATCHES));
        assertEquals(List.of(FeedbackCharts.RATING), List.copyOf(plain.getSeriesMap().keySet()));
    }

    @Test
    void trajectoriesShowTheTopPlayersOverTheMatches() {
        EloRating.Ratings r = EloRating.defaults().rate(MATCHES);
        XYChart c = FeedbackCharts.trajectories(r, 2);
        assertEquals(r.players().subList(0, 2), List.copyOf(c.getSeriesMap().keySet()));
        String best = r.players().get(0);
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, c.getSeriesMap().get(best).getXData());
        assertArrayEquals(r.trajectories().get(best), c.getSeriesMap().get(best).getYData());
        assertEquals(4, FeedbackCharts.trajectories(r, 10).getSeriesMap().size());
        assertThrows(IllegalArgumentException.class, () -> FeedbackCharts.trajectories(r, 0));
        assertThrows(IllegalArgumentException.class, () -> FeedbackCharts.trajectories(r, 2, 0));
    }

    /** The trailing mean by hand: partial windows at the start average what there is. */
    @Test
    void trailingMeanByHand() {
        assertArrayEquals(new double[] {1, 1.5, 2.5, 3.5, 6}, FeedbackCharts.trailingMean(new double[] {1, 2, 3, 4, 8}, 2), 1e-12);
        assertArrayEquals(new double[] {3, 4, 5}, FeedbackCharts.trailingMean(new double[] {3, 5, 7}, 5), 1e-12);
    }

    /**
     * Smoothed trajectories: one bold line per player in its own colour (the legend's), the faint
     * every-match line of the same hue out of the legend, readable match numbers, the legend below the plot.
     */
    @Test
    void smoothedTrajectoriesSeparateThePlayers() {
        EloRating.Ratings r = EloRating.defaults().rate(MATCHES);
        XYChart c = FeedbackCharts.trajectories(r, 4, 3);
        List<String> players = r.players();
        List<String> expected = new ArrayList<>();
        players.forEach(p -> expected.add(p + FeedbackCharts.EACH_MATCH));
        expected.addAll(players);
        assertEquals(expected, List.copyOf(c.getSeriesMap().keySet()));
        Set<Color> colours = new HashSet<>();
        for (String p : players) {
            XYSeries bold = c.getSeriesMap().get(p);
            XYSeries faint = c.getSeriesMap().get(p + FeedbackCharts.EACH_MATCH);
            assertTrue(bold.isShowInLegend() && !faint.isShowInLegend(), p);
            assertEquals(bold.getLineColor().getRGB() & 0xFFFFFF, faint.getLineColor().getRGB() & 0xFFFFFF, p + ": same hue");
            assertTrue(faint.getLineColor().getAlpha() < 255, p + ": the every-match line is faint");
            colours.add(bold.getLineColor());
            assertArrayEquals(FeedbackCharts.trailingMean(r.trajectories().get(p), 3), bold.getYData(), 1e-12);
            assertArrayEquals(r.trajectories().get(p), faint.getYData(), 1e-12);
        }
        assertEquals(players.size(), colours.size(), "every player has its own colour");
        // Each mean sits at the middle of its matches: 1, 1.5, then 2, 3, 4, 5 for a window of 3.
        assertArrayEquals(new double[] {1, 1.5, 2, 3, 4, 5}, c.getSeriesMap().get(players.get(0)).getXData(), 1e-12);
        assertEquals("#,##0", c.getStyler().getXAxisDecimalPattern());
        assertEquals(Styler.LegendPosition.OutsideS, c.getStyler().getLegendPosition());
    }

    @Test
    void eloAgainstBradleyTerryWithTheDiagonal() {
        List<Match> m = new ArrayList<>(MATCHES);
        m.add(new Match("C", "A", 1));
        m.add(new Match("D", "B", 1));
        Map<String, Double> elo = EloRating.defaults().rate(m).ratings();
        Map<String, Double> bt = BradleyTerry.defaults().fit(m).ratings();
        XYChart c = FeedbackCharts.eloVsBradleyTerry(elo, bt);
        assertEquals(List.of(FeedbackCharts.PLAYERS, FeedbackCharts.DIAGONAL), List.copyOf(c.getSeriesMap().keySet()));
        double[] x = c.getSeriesMap().get(FeedbackCharts.PLAYERS).getXData();
        double[] y = c.getSeriesMap().get(FeedbackCharts.PLAYERS).getYData();
        List<String> order = List.copyOf(bt.keySet());
        for (int i = 0; i < order.size(); i++) {
            assertEquals(bt.get(order.get(i)), x[i]);
            assertEquals(elo.get(order.get(i)), y[i]);
        }
        double[] d = c.getSeriesMap().get(FeedbackCharts.DIAGONAL).getYData();
        assertArrayEquals(d, c.getSeriesMap().get(FeedbackCharts.DIAGONAL).getXData());
        // Every point carries its player's name, at the point.
        List<ChartStyle.Label> labels = ChartLabels.of(c);
        assertEquals(order, labels.stream().map(ChartStyle.Label::text).toList());
        for (int i = 0; i < order.size(); i++) {
            assertEquals(x[i], labels.get(i).x(), order.get(i));
            assertEquals(y[i], labels.get(i).y(), order.get(i));
        }
        assertEquals(Styler.LegendPosition.OutsideS, c.getStyler().getLegendPosition());
    }

    @Test
    void ratingAgainstTruthNamesSpearmanInTheTitle() {
        Map<String, Double> truth = Map.of("a", 1.0, "b", 2.0, "c", 3.0);
        Map<String, Double> rating = Map.of("a", 900.0, "b", 1100.0, "c", 1000.0, "d", 5.0);
        XYChart c = FeedbackCharts.ratingVsTruth(rating, truth);
        assertEquals("Rating vs truth (Spearman ρ = 0.500)", c.getTitle());
        assertEquals(3, c.getSeriesMap().get(FeedbackCharts.PLAYERS).getXData().length);
        assertThrows(IllegalArgumentException.class, () -> FeedbackCharts.ratingVsTruth(Map.of("x", 1.0), truth));
        XYChart named = FeedbackCharts.ratingVsTruth(rating, truth, "completions");
        assertEquals(List.of("completions"), List.copyOf(named.getSeriesMap().keySet()), "the legend names what the dots are");
    }
}
