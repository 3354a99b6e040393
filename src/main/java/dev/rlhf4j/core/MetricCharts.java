package dev.rlhf4j.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * What the training charts of PPO, DPO and GRPO share: a chart of metric rows (a {@link MetricsLog}'s
 * rows, TRL's names) against a step column, series that skip missing and non-finite values, and the
 * PNG files a run writes. Each stage's report decides which metrics go on which chart.
 */
public final class MetricCharts {

    /** A series with more points than this is drawn as a line without markers. */
    static final int MARKER_LIMIT = 30;

    private MetricCharts() {}

    /** A 640×400 chart with the legend below the plot, where it covers no line. */
    public static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart c = new XYChartBuilder().width(640).height(400).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle)
                .build();
        ChartStyle.legendBelow(c);
        return c;
    }

    /** x of every row: its {@code xKey} value, or its 1-based index where it has none. */
    public static double[] xs(List<Map<String, Double>> rows, String xKey) {
        double[] x = new double[rows.size()];
        for (int i = 0; i < x.length; i++) {
            Double v = rows.get(i).get(xKey);
            x[i] = v == null || v.isNaN() ? i + 1 : v;
        }
        return x;
    }

    /** {@link #add(XYChart, String, List, String, ToDoubleFunction, int)} of one metric column. */
    public static XYSeries add(XYChart c, String name, List<Map<String, Double>> rows, String xKey, String metric,
            int axis) {
        return add(c, name, rows, xKey, r -> {
            Double v = r.get(metric);
            return v == null ? Double.NaN : v;
        }, axis);
    }

    /**
     * Adds the finite values of {@code f} over the rows against {@code xKey} as a series on y-axis group
     * {@code axis} (0 left, 1 right); a missing or non-finite value leaves a gap. Returns null, adding
     * nothing, when no value is finite.
     */
    public static XYSeries add(XYChart c, String name, List<Map<String, Double>> rows, String xKey,
            ToDoubleFunction<Map<String, Double>> f, int axis) {
        double[] x = xs(rows, xKey);
        List<Double> px = new ArrayList<>();
        List<Double> py = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            double y = f.applyAsDouble(rows.get(i));
            if (Double.isFinite(y)) {
                px.add(x[i]);
                py.add(y);
            }
        }
        if (py.isEmpty()) {
            return null;
        }
        XYSeries s = c.addSeries(name, px, py);
        s.setYAxisGroup(axis);
        if (py.size() > MARKER_LIMIT) {
            s.setMarker(SeriesMarkers.NONE);
        }
        return s;
    }

    /** Puts y-axis group 1 on the right with {@code title}. */
    public static void rightAxis(XYChart c, String title) {
        c.setYAxisGroupTitle(1, title);
        c.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
    }

    /** Writes each chart as {@code dir/<key>.png} (each atomically); returns the paths in the map's order. */
    public static List<Path> writePngs(Map<String, XYChart> charts, Path dir) {
        List<Path> paths = new ArrayList<>();
        for (Map.Entry<String, XYChart> e : charts.entrySet()) {
            Path file = dir.resolve(e.getKey() + ".png");
            AtomicFiles.write(file, out -> BitmapEncoder.saveBitmap(e.getValue(), out, BitmapEncoder.BitmapFormat.PNG));
            paths.add(file);
        }
        return paths;
    }
}
