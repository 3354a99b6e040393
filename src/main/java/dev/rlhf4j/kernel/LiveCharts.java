package dev.rlhf4j.kernel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * Charts that redraw in place under the running cell while something trains: each chart is drawn
 * from all the rows so far, so a notebook watches reward and loss move iteration by iteration.
 *
 * <pre>{@code
 * var live = LiveCharts.of(PpoReport::rewardChart, PpoReport::lossChart, PpoReport::klChart)
 *         .withStatus(rows -> "iteration " + rows.size());
 * // or PPO's whole dashboard: LiveCharts.of(PpoReport.dashboard()).withStatus(PpoReport::status)
 * trainer.addListener((iteration, metrics, rollout) -> live.add(metrics));
 * for (int i = 0; i < config.steps(); i++) trainer.step();
 * live.finish();
 * }</pre>
 *
 * <p>Drawing a PNG costs tens of milliseconds, so charts are redrawn at most once per
 * {@linkplain #every interval} (2 s by default) and always by {@link #finish()}. When drawing is slow
 * (PPO's five charts take about a quarter of a second in a kernel on two cores) the next drawing
 * waits longer, so that drawing takes at most 5% of the time: 19 times the last drawing's duration,
 * but never more than 10 s. Before this, redrawing every 2 s took 9 of notebook 04's 69 s of PPO.
 * Outside a kernel
 * (the command line, a test) nothing is shown until {@code finish()}, which prints each chart's
 * text form once.
 *
 * @param <R> one row of what is charted, e.g. one PPO iteration's metrics
 */
public final class LiveCharts<R> {

    private static final long MAX_WAIT_NANOS = 10_000_000_000L;

    private final List<Function<List<R>, ? extends Chart<?, ?>>> charts;
    private final List<R> rows = new ArrayList<>();
    private final boolean inKernel = Kernel.current() != null;
    private final List<String> ids = new ArrayList<>();
    private Function<List<R>, String> status;
    private String statusId;
    private long intervalNanos = 2_000_000_000L;
    private long lastDraw;
    private long lastDrawCost;
    private boolean dirty;
    private int draws;

    private LiveCharts(List<? extends Function<List<R>, ? extends Chart<?, ?>>> charts) {
        if (charts.isEmpty()) {
            throw new IllegalArgumentException("LiveCharts needs at least one chart");
        }
        this.charts = List.copyOf(charts);
    }

    /** Live charts, each drawn by its function from the rows so far; shown when the first row comes. */
    @SafeVarargs
    public static <R> LiveCharts<R> of(Function<List<R>, ? extends Chart<?, ?>>... charts) {
        return new LiveCharts<>(List.of(charts));
    }

    /** Live charts from a list of chart functions, such as a stage's dashboard ({@code PpoReport.dashboard()}). */
    public static <R> LiveCharts<R> of(List<? extends Function<List<R>, ? extends Chart<?, ?>>> charts) {
        return new LiveCharts<>(List.copyOf(charts));
    }

    /** A line of text above the charts, made from the rows so far (redrawn with them). */
    public LiveCharts<R> withStatus(Function<List<R>, String> status) {
        this.status = status;
        return this;
    }

    /** Redraws at most once per {@code seconds} (0: after every row). */
    public LiveCharts<R> every(double seconds) {
        if (!(seconds >= 0)) {
            throw new IllegalArgumentException("interval must be >= 0 seconds, got " + seconds);
        }
        this.intervalNanos = (long) (seconds * 1e9);
        return this;
    }

    /** Adds a row; redraws when the interval has passed since the last drawing. */
    public void add(R row) {
        rows.add(row);
        dirty = true;
        long now = System.nanoTime();
        if (inKernel && (draws == 0 || now - lastDraw >= waitAfter(intervalNanos, lastDrawCost))) {
            draw();
            lastDraw = System.nanoTime();
            lastDrawCost = lastDraw - now;
        }
    }

    /**
     * How long after a drawing that took {@code drawCost} the next may come: the interval, or 19 times
     * the drawing (drawing then takes at most 5% of the time), at most 10 s; an interval of 0 always
     * redraws.
     */
    static long waitAfter(long intervalNanos, long drawCost) {
        if (intervalNanos == 0) {
            return 0;
        }
        return Math.max(intervalNanos, Math.min(MAX_WAIT_NANOS, 19 * drawCost));
    }

    /** Draws the final state (if anything changed since the last drawing) and returns the rows. */
    public List<R> finish() {
        if (dirty && !rows.isEmpty()) {
            draw();
        }
        return rows();
    }

    /** The rows so far (a read-only view). */
    public List<R> rows() {
        return Collections.unmodifiableList(rows);
    }

    /** How many times the charts were drawn (the first drawing included). */
    public int draws() {
        return draws;
    }

    private void draw() {
        List<R> snapshot = rows();
        if (status != null) {
            String line = status.apply(snapshot);
            if (statusId == null) {
                statusId = Notebook.display(line);
            } else {
                Notebook.updateDisplay(statusId, line);
            }
        }
        for (int i = 0; i < charts.size(); i++) {
            Chart<?, ?> chart = charts.get(i).apply(snapshot);
            if (i < ids.size()) {
                Notebook.updateDisplay(ids.get(i), chart);
            } else {
                ids.add(Notebook.display(chart));
            }
        }
        dirty = false;
        draws++;
    }
}
