package dev.rlhf4j.feedback;

import dev.rlhf4j.core.ChartStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The charts of stage 2, as XChart {@link XYChart}s (render with {@code BitmapEncoder} or a notebook's
 * {@code display}): an Arena-style leaderboard with 95% bootstrap intervals, Elo trajectories over
 * the matches, Elo against Bradley–Terry, and any rating against a known truth.
 */
public final class FeedbackCharts {

    /** Series of the leaderboard chart: one marker per player. */
    public static final String RATING = "rating";
    /** Series of the leaderboard chart: one vertical segment per player, broken by nulls. */
    public static final String INTERVAL = "95% interval";
    /** Series of the scatter charts: one point per player. */
    public static final String PLAYERS = "players";
    /** Suffix of the trajectories chart's faint series: the rating after every match. */
    public static final String EACH_MATCH = " (each match)";
    /** Series of the Elo vs Bradley–Terry chart: the diagonal. */
    public static final String DIAGONAL = "y = x";

    /** Leaderboards of at most this many players write each rating next to its marker. */
    static final int LABELLED_PLAYERS = 8;

    private FeedbackCharts() {}

    /**
     * The leaderboard: players best first along x (1, 2, …, labelled with their names), their rating
     * as a marker (its value written beside it, up to {@value #LABELLED_PLAYERS} players) and, when the
     * leaderboard has intervals, the 95% interval as a vertical segment.
     */
    public static XYChart leaderboard(Leaderboard board) {
        List<Leaderboard.Row> rows = board.rows();
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("leaderboard chart: no players");
        }
        XYChart c = chart(board.title() + " leaderboard", "player (best first)", "rating");
        List<String> names = board.players();
        c.getStyler().setxAxisTickLabelsFormattingFunction(x -> {
            int i = (int) Math.round(x) - 1;
            return Math.abs(x - Math.round(x)) < 1e-9 && i >= 0 && i < names.size() ? names.get(i) : "";
        });
        c.getStyler().setXAxisLabelRotation(45);
        double[] x = new double[rows.size()];
        double[] y = new double[rows.size()];
        List<Double> ix = new ArrayList<>();
        List<Double> iy = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Leaderboard.Row r = rows.get(i);
            x[i] = i + 1;
            y[i] = r.rating();
            if (!Double.isNaN(r.lower())) {
                ix.addAll(List.of(i + 1.0, i + 1.0, i + 1.0));
                iy.addAll(java.util.Arrays.asList(r.lower(), r.upper(), null)); // null breaks the line
            }
        }
        if (!ix.isEmpty()) {
            c.addSeries(INTERVAL, ix, iy).setMarker(SeriesMarkers.NONE);
        }
        c.addSeries(RATING, x, y).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        if (rows.size() <= LABELLED_PLAYERS) {
            for (int i = 0; i < rows.size(); i++) { // each rating beside its marker, the last one's on its left
                double side = i == rows.size() - 1 ? -0.12 : 0.12;
                c.addAnnotation(new AnnotationText(String.format(Locale.ROOT, "%.0f", y[i]), x[i] + side, y[i], false));
            }
        }
        return c;
    }

    /**
     * Online Elo ratings over the matches, one colour per player for the {@code top} best players by
     * final rating: every match as a faint line, and the mean over {@code max(1, matches / 20)}
     * consecutive matches as a bold one, so that players who separate are seen to
     * separate while the wandering stays visible. See {@link #trajectories(EloRating.Ratings, int, int)}.
     */
    public static XYChart trajectories(EloRating.Ratings ratings, int top) {
        return trajectories(ratings, top, Math.max(1, ratings.matches() / 20));
    }

    /**
     * Online Elo ratings over the matches (x = 1 … number of matches), for the {@code top} best players
     * by final rating, each in its own colour: a bold line (the series named by the player) is the
     * mean over {@code window} consecutive matches, m(t) = (1/w)·Σ_{s=t−w+1..t} R(s) with
     * w = min(window, t), drawn at the middle of those matches ({@link #middles}), and, when {@code window > 1}, a faint line of the same colour (series
     * "{@code player} (each match)", not in the legend) is the rating after every match.
     */
    public static XYChart trajectories(EloRating.Ratings ratings, int top, int window) {
        if (ratings.matches() == 0) {
            throw new IllegalArgumentException("Elo trajectories: no matches were rated");
        }
        if (top < 1) {
            throw new IllegalArgumentException("Elo trajectories: expected at least 1 player to show, found " + top);
        }
        if (window < 1) {
            throw new IllegalArgumentException("Elo trajectories: expected a window of at least 1 match, found " + window);
        }
        String y = window > 1 ? "rating (bold: mean over " + window + " matches)" : "rating";
        XYChart c = chart("Elo ratings over the matches", "match", y);
        c.getStyler().setXAxisDecimalPattern("#,##0");
        c.getStyler().setYAxisDecimalPattern("#,##0");
        double[] x = new double[ratings.matches()];
        for (int t = 0; t < x.length; t++) {
            x[t] = t + 1;
        }
        List<String> shown = ratings.players().stream().limit(top).toList();
        for (int i = 0; i < shown.size() && window > 1; i++) {
            XYSeries raw = c.addSeries(shown.get(i) + EACH_MATCH, x, ratings.trajectories().get(shown.get(i)));
            raw.setMarker(SeriesMarkers.NONE).setShowInLegend(false);
            raw.setLineColor(ChartStyle.faded(ChartStyle.colour(i), 60));
            raw.setLineWidth(1f);
        }
        for (int i = 0; i < shown.size(); i++) {
            double[] smooth = trailingMean(ratings.trajectories().get(shown.get(i)), window);
            XYSeries s = c.addSeries(shown.get(i), window > 1 ? middles(x.length, window) : x, smooth);
            s.setMarker(SeriesMarkers.NONE);
            ChartStyle.paint(s, ChartStyle.colour(i)).setLineWidth(2.5f);
        }
        return c;
    }

    /**
     * Where each trailing mean is drawn: the middle of its window, (first + last) / 2 with last = t and
     * first = max(1, t − window + 1), so that the smoothed line does not lag behind the matches.
     */
    static double[] middles(int matches, int window) {
        double[] x = new double[matches];
        for (int t = 1; t <= matches; t++) {
            x[t - 1] = (Math.max(1, t - window + 1) + t) / 2.0;
        }
        return x;
    }

    /** m(t) = (1/w)·Σ_{s=t−w+1..t} v(s), w = min(window, t + 1): the mean of the last {@code window} values. */
    public static double[] trailingMean(double[] v, int window) {
        double[] m = new double[v.length];
        double sum = 0;
        for (int t = 0; t < v.length; t++) {
            sum += v[t];
            if (t >= window) {
                sum -= v[t - window];
            }
            m[t] = sum / Math.min(window, t + 1);   // mean of v[t−w+1 .. t]
        }
        return m;
    }

    /**
     * Each player's Elo rating (y) against its Bradley–Terry rating (x), every point labelled with its
     * player, with the diagonal y = x: points off the diagonal show what the order of the matches and
     * the K-factor did to online Elo.
     */
    public static XYChart eloVsBradleyTerry(Map<String, Double> elo, Map<String, Double> bradleyTerry) {
        XYChart c = scatter("Elo vs Bradley–Terry", "Bradley–Terry rating", "Elo rating", bradleyTerry, elo, PLAYERS);
        double[] xs = c.getSeriesMap().get(PLAYERS).getXData();
        double[] ys = c.getSeriesMap().get(PLAYERS).getYData();
        List<String> players = bradleyTerry.keySet().stream().filter(elo::containsKey).toList();
        for (int i = 0; i < players.size(); i++) {
            ChartStyle.label(c, players.get(i), xs[i], ys[i], 8);
        }
        double lo = Math.min(min(xs), min(ys));
        double hi = Math.max(max(xs), max(ys));
        c.addSeries(DIAGONAL, new double[] {lo, hi}, new double[] {lo, hi}).setMarker(SeriesMarkers.NONE);
        c.getStyler().setXAxisDecimalPattern("#,##0");
        c.getStyler().setYAxisDecimalPattern("#,##0");
        return c;
    }

    /**
     * A rating (y) against a known truth (x), e.g. simulated true strengths or the simulated human's
     * utility, with Spearman's ρ in the title. The truth may be on any scale; the points are "players".
     */
    public static XYChart ratingVsTruth(Map<String, Double> rating, Map<String, Double> truth) {
        return ratingVsTruth(rating, truth, PLAYERS);
    }

    /**
     * {@link #ratingVsTruth(Map, Map)} with the legend naming what the points are ({@code points}, e.g.
     * "completions"), the series' name.
     */
    public static XYChart ratingVsTruth(Map<String, Double> rating, Map<String, Double> truth, String points) {
        String title = String.format(Locale.ROOT, "Rating vs truth (Spearman ρ = %.3f)", Agreement.spearman(rating, truth));
        return scatter(title, "truth", "rating", truth, rating, points);
    }

    /** The players rated in both maps, x from {@code xs} and y from {@code ys}, as one scatter series. */
    private static XYChart scatter(String title, String xTitle, String yTitle, Map<String, Double> xs,
            Map<String, Double> ys, String series) {
        List<String> players = xs.keySet().stream().filter(ys::containsKey).toList();
        if (players.isEmpty()) {
            throw new IllegalArgumentException(title + ": no player is in both ratings (" + xs.keySet() + " and "
                    + ys.keySet() + ")");
        }
        XYChart c = chart(title, xTitle, yTitle);
        c.addSeries(series, players.stream().mapToDouble(xs::get).toArray(), players.stream().mapToDouble(ys::get).toArray())
                .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        return c;
    }

    private static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart c = new XYChartBuilder().width(640).height(400).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        ChartStyle.legendBelow(c);
        return c;
    }

    private static double min(double[] v) {
        return java.util.Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double max(double[] v) {
        return java.util.Arrays.stream(v).max().orElse(Double.NaN);
    }
}
