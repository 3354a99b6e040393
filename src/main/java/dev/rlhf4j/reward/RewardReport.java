package dev.rlhf4j.reward;

import java.util.List;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Tables and charts of reward-model training: loss and accuracy curves, reward histograms, objectives compared. */
public final class RewardReport {

    private RewardReport() {}

    /** Training and validation loss per epoch (the same per-ranking mean; training's over the epoch's rankings). */
    public static XYChart lossChart(List<RewardTrainer.Epoch> epochs, String title) {
        XYChart c = chart(title == null ? "Reward model loss" : title, "loss");
        List<RewardTrainer.Epoch> trained = epochs.stream().filter(e -> e.epoch() > 0).toList();
        if (!trained.isEmpty()) {
            c.addSeries("train", x(trained), trained.stream().mapToDouble(RewardTrainer.Epoch::trainLoss).toArray());
        }
        c.addSeries("validation", x(epochs), epochs.stream().mapToDouble(e -> e.valid().loss()).toArray());
        return c;
    }

    /** Validation pairwise accuracy per epoch, with the raters' ceiling and chance. */
    public static XYChart accuracyChart(List<RewardTrainer.Epoch> epochs, String title) {
        XYChart c = chart(title == null ? "Validation pairwise accuracy" : title, "accuracy");
        double[] x = x(epochs);
        c.addSeries("validation accuracy", x, epochs.stream().mapToDouble(e -> e.valid().accuracy()).toArray());
        double ceiling = epochs.get(epochs.size() - 1).valid().ceiling();
        double[] ends = {x[0], x[x.length - 1]};
        if (!Double.isNaN(ceiling)) {
            c.addSeries("rater ceiling", ends, new double[] {ceiling, ceiling}).setMarker(SeriesMarkers.NONE);
        }
        c.addSeries("chance", ends, new double[] {0.5, 0.5}).setMarker(SeriesMarkers.NONE);
        return c;
    }

    /** Histogram of the rewards of chosen and of rejected completions over strictly ordered pairs. */
    public static CategoryChart histogram(RewardTrainer.Evaluation e, int bins) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] xs : new double[][] {e.chosen(), e.rejected()}) {
            for (double v : xs) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (!(hi > lo)) {
            hi = lo + 1;
        }
        double width = (hi - lo) / bins;
        List<String> labels = new java.util.ArrayList<>();
        for (int b = 0; b < bins; b++) {
            labels.add(String.format("%.2f", lo + (b + 0.5) * width));
        }
        CategoryChart c = new CategoryChartBuilder().width(640).height(400)
                .title("Rewards of chosen vs rejected completions").xAxisTitle("reward").yAxisTitle("pairs").build();
        c.getStyler().setOverlapped(true);
        c.getStyler().setXAxisLabelRotation(45);
        c.addSeries("chosen", labels, counts(e.chosen(), lo, width, bins));
        c.addSeries("rejected", labels, counts(e.rejected(), lo, width, bins));
        return c;
    }

    private static List<Integer> counts(double[] xs, double lo, double width, int bins) {
        Integer[] n = new Integer[bins];
        java.util.Arrays.fill(n, 0);
        for (double v : xs) {
            int b = Math.min(bins - 1, Math.max(0, (int) ((v - lo) / width)));
            n[b]++;
        }
        return List.of(n);
    }

    /** One row per objective: validation accuracy, the ceiling and the gap, correlation with the true preference. */
    public static Table comparison(Map<String, RewardTrainer.Result> byObjective) {
        Table t = Table.create("reward objectives",
                StringColumn.create("objective"), DoubleColumn.create("val_accuracy"), DoubleColumn.create("rater_ceiling"),
                DoubleColumn.create("gap_to_ceiling"), DoubleColumn.create("truth_correlation"),
                DoubleColumn.create("val_margin"), IntColumn.create("val_pairs"), DoubleColumn.create("seconds"));
        for (Map.Entry<String, RewardTrainer.Result> e : byObjective.entrySet()) {
            RewardTrainer.Evaluation v = e.getValue().valid();
            List<RewardTrainer.Epoch> epochs = e.getValue().epochs();
            t.stringColumn("objective").append(e.getKey());
            t.doubleColumn("val_accuracy").append(round(v.accuracy()));
            t.doubleColumn("rater_ceiling").append(round(v.ceiling()));
            t.doubleColumn("gap_to_ceiling").append(round(v.ceiling() - v.accuracy()));
            t.doubleColumn("truth_correlation").append(round(v.truthCorrelation()));
            t.doubleColumn("val_margin").append(round(v.meanMargin()));
            t.intColumn("val_pairs").append(v.chosen().length);
            t.doubleColumn("seconds").append(round(epochs.get(epochs.size() - 1).seconds()));
        }
        return t;
    }

    private static double round(double v) {
        return Double.isNaN(v) ? v : Math.round(v * 1000) / 1000.0;
    }

    private static double[] x(List<RewardTrainer.Epoch> epochs) {
        return epochs.stream().mapToDouble(RewardTrainer.Epoch::epoch).toArray();
    }

    private static XYChart chart(String title, String y) {
        XYChart c = new XYChartBuilder().width(640).height(400).title(title).xAxisTitle("epoch").yAxisTitle(y).build();
        c.getStyler().setLegendVisible(true);
        return c;
    }
}
