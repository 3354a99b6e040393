package dev.rlhf4j.loop;

import ai.djl.Device;
import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.core.Devices;
import dev.rlhf4j.core.Interrupts;
import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.feedback.Rater;
import dev.rlhf4j.feedback.SimulatedRater;
import dev.rlhf4j.text.Csv;
import dev.rlhf4j.workshop.SampledTasks;
import dev.rlhf4j.workshop.WorkshopTask;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewPreference;
import dev.rlhf4j.world.ReviewWorld;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;
import java.util.Arrays;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * How many rankings does a room need? A pool of rankings by simulated people (the standard taste,
 * each with their own Bradley–Terry noise at the default temperature, as in a room) of tasks like a
 * workshop's (K completions from K decoding settings of the initial model); then, for each size N,
 * a workshop round trained on the first N of them ({@link WorkshopTraining}): the reward model's
 * validation accuracy and the tuned policy's win rate. The pool is ordered as the server hands out
 * tasks (every task once before any twice), so the first N rankings cover min(N, tasks) prompts.
 */
public final class WorkshopSizing {

    private WorkshopSizing() {}

    /** One size: its rankings and what a round trained on them achieved. */
    public record Row(int rankings, int prompts, double valAccuracy, double winRate, double winLower, double winUpper,
            double klEnd, double seconds) {}

    /**
     * Trains one round per size into {@code out/N} and writes {@code sizing.csv}.
     *
     * @param sizes the numbers of rankings, each at least {@link WorkshopTraining#MIN_RANKINGS}
     * @param people simulated people in the room
     * @param k completions per task
     */
    public static List<Row> run(List<Integer> sizes, int people, int k, WorkshopTraining.Settings s, Path out,
            Pipeline.Listener listener) {
        int max = sizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
        for (int n : sizes) {
            if (n < WorkshopTraining.MIN_RANKINGS) {
                throw new IllegalArgumentException("sizes: each needs at least " + WorkshopTraining.MIN_RANKINGS
                        + " rankings, found " + n);
            }
        }
        List<FeedbackRecord> pool = pool(max, people, k, s);
        List<Row> rows = new ArrayList<>();
        for (int n : sizes) {
            Interrupts.check("before the round on " + n + " rankings");
            List<FeedbackRecord> first = pool.subList(0, n);
            WorkshopTraining.Result r = WorkshopTraining.train(first, s, out.resolve(Integer.toString(n)), listener);
            int prompts = (int) first.stream().map(FeedbackRecord::task).distinct().count();
            rows.add(new Row(n, prompts, r.valAccuracy(), r.winRate().rate(), r.winRate().lower(),
                    r.winRate().upper(), r.klEnd(), r.rewardSeconds() + r.ppoSeconds()));
            StringBuilder csv = new StringBuilder("rankings,tasks,val_accuracy,win_rate,win_lower,win_upper,kl_end,seconds\n");
            for (Row row : rows) {
                csv.append(Csv.row(row.rankings(), row.prompts(), row.valAccuracy(), row.winRate(), row.winLower(),
                        row.winUpper(), row.klEnd(), row.seconds())).append('\n');
            }
            AtomicFiles.writeString(out.resolve("sizing.csv"), csv.toString());
        }
        return rows;
    }

    /** {@code n} rankings: n/2 tasks, each ranked by two different people, every task once before any twice. */
    static List<FeedbackRecord> pool(int n, int people, int k, WorkshopTraining.Settings s) {
        List<Prompt> prompts = ReviewWorld.readPrompts(s.data().resolve("prompts.csv"));
        List<Prompt> train = prompts.stream().filter(p -> !p.heldOut()).toList();
        Device device = Devices.resolve(s.device());
        int tasks = (n + 1) / 2;
        List<WorkshopTask> made;
        try (SampledTasks maker = new SampledTasks(s.initial(), s.initial().getFileName().toString(), train, device)) {
            made = maker.make(1, tasks, k, s.seed());
        }
        List<SimulatedRater> room = new ArrayList<>();
        for (int i = 0; i < people; i++) {
            room.add(new SimulatedRater(String.format("person-%03d", i + 1), ReviewPreference.defaults(),
                    SimulatedRater.DEFAULT_TEMPERATURE, SimulatedRater.DEFAULT_TIE_MARGIN,
                    Seeds.child(s.seed(), "sizing-person-" + i)));
        }
        List<FeedbackRecord> out = new ArrayList<>();
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        for (int pass = 0; pass < 2 && out.size() < n; pass++) {
            for (int t = 0; t < made.size() && out.size() < n; t++) {
                WorkshopTask task = made.get(t);
                Prompt p = train.stream().filter(q -> q.id().equals(task.promptId())).findFirst().orElseThrow();
                SimulatedRater who = room.get((t + pass * (people / 2 + 1)) % people);
                Rater.Answer a = who.rank(task.rankingTask(p));
                out.add(FeedbackRecord.of(String.format("f%05d", out.size() + 1), task.rankingTask(p), a.ranking(), who,
                        t0.plusSeconds(out.size())));
            }
        }
        return out;
    }

    /** The rows as a table. */
    public static Table table(List<Row> rows) {
        Table t = Table.create("rankings a room needs",
                IntColumn.create("rankings", rows.stream().mapToInt(Row::rankings).toArray()),
                IntColumn.create("tasks", rows.stream().mapToInt(Row::prompts).toArray()),
                DoubleColumn.create("val_accuracy", rows.stream().mapToDouble(Row::valAccuracy).toArray()),
                DoubleColumn.create("win_rate", rows.stream().mapToDouble(Row::winRate).toArray()),
                DoubleColumn.create("win_lower", rows.stream().mapToDouble(Row::winLower).toArray()),
                DoubleColumn.create("win_upper", rows.stream().mapToDouble(Row::winUpper).toArray()),
                DoubleColumn.create("seconds", rows.stream().mapToDouble(Row::seconds).toArray()));
        for (String c : List.of("val_accuracy", "win_rate", "win_lower", "win_upper")) {
            t.doubleColumn(c).setPrintFormatter(new java.text.DecimalFormat("0.000"), "");
        }
        t.doubleColumn("seconds").setPrintFormatter(new java.text.DecimalFormat("0"), "");
        return t;
    }

    /**
     * The planning chart: the reward model's validation accuracy and the new policy's win rate
     * (with its 95% interval) against the number of rankings the room gave.
     */
    public static XYChart chart(List<Row> rows) {
        XYChart c = new XYChartBuilder().width(720).height(400).title("How many rankings a room needs")
                .xAxisTitle("rankings (log scale)").yAxisTitle("share").build();
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        c.getStyler().setYAxisMin(0.4);
        c.getStyler().setYAxisMax(1.0);
        c.getStyler().setYAxisDecimalPattern("0.00");
        c.getStyler().setXAxisDecimalPattern("#,##0");
        double[] x = rows.stream().mapToDouble(Row::rankings).toArray();
        c.addSeries("reward model: validation accuracy", x, rows.stream().mapToDouble(Row::valAccuracy).toArray());
        java.awt.Color win = new java.awt.Color(0xD9, 0x5F, 0x02);
        c.addSeries("tuned policy: win rate vs initial", x, rows.stream().mapToDouble(Row::winRate).toArray())
                .setLineColor(win).setFillColor(win);
        // The bootstrap interval is not symmetric, so its ends are drawn as dotted lines, not error bars.
        c.addSeries("win rate: 95% interval", x, rows.stream().mapToDouble(Row::winLower).toArray())
                .setMarker(SeriesMarkers.NONE).setLineStyle(SeriesLines.DOT_DOT).setLineColor(win);
        c.addSeries(" ", x, rows.stream().mapToDouble(Row::winUpper).toArray())
                .setMarker(SeriesMarkers.NONE).setLineStyle(SeriesLines.DOT_DOT).setLineColor(win).setShowInLegend(false);
        double[] half = new double[x.length];
        Arrays.fill(half, 0.5);
        c.addSeries("chance", x, half).setMarker(SeriesMarkers.NONE).setLineStyle(SeriesLines.DASH_DASH)
                .setLineColor(java.awt.Color.GRAY);
        return c;
    }
}
