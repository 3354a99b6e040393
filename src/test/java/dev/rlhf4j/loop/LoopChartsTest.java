package dev.rlhf4j.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlhf4j.core.ChartLabels;
import dev.rlhf4j.eval.Evaluation;
import dev.rlhf4j.ppo.PpoRun;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;

/** The loop's and the hacking lab's charts, from made-up rounds and runs (no training). */
class LoopChartsTest {

    private static final List<RlhfLoop.Round> ROUNDS = List.of(
            new RlhfLoop.Round(1, 1152, 0.776, 0.835, 1.383, 0.37, 1.541, 2.84, 0.904, 0.863, 0.941, Path.of("r1")),
            new RlhfLoop.Round(2, 1280, 0.791, 0.815, 0.643, 1.52, 1.800, 4.58, 0.922, 0.885, 0.956, Path.of("r2")));

    /**
     * One chart per quantity, each on its own axis: round 0 is the initial model, the win rate has its
     * interval and the 0.5 line, the accuracy sits under the raters' ceiling, legends below the plots.
     */
    @Test
    void eachQuantityHasItsOwnChartFromRoundZero() {
        Map<String, XYChart> charts = RlhfLoop.charts(ROUNDS);
        assertEquals(List.of("rounds-true-preference", "rounds-win-rate", "rounds-accuracy"), List.copyOf(charts.keySet()));

        XYChart pref = charts.get("rounds-true-preference");
        assertArrayEquals(new double[] {0, 1, 2}, pref.getSeriesMap().get(RlhfLoop.TRUE_PREFERENCE).getXData());
        assertArrayEquals(new double[] {0.37, 1.541, 1.8}, pref.getSeriesMap().get(RlhfLoop.TRUE_PREFERENCE).getYData());
        assertEquals(List.of("0.37", "1.54", "1.80"), ChartLabels.texts(pref));

        XYChart win = charts.get("rounds-win-rate");
        assertEquals(List.of(RlhfLoop.EVEN, RlhfLoop.WIN_INTERVAL, RlhfLoop.WIN_RATE), List.copyOf(win.getSeriesMap().keySet()));
        assertArrayEquals(new double[] {0.5, 0.904, 0.922}, win.getSeriesMap().get(RlhfLoop.WIN_RATE).getYData());
        double[] iy = win.getSeriesMap().get(RlhfLoop.WIN_INTERVAL).getYData();
        assertEquals(6, iy.length, "two segments, each lower, upper and a break");
        assertEquals(0.863, iy[0]);
        assertEquals(0.941, iy[1]);
        assertEquals(0.885, iy[3]);
        assertEquals(0.956, iy[4]);
        assertArrayEquals(new double[] {0.5, 0.5}, win.getSeriesMap().get(RlhfLoop.EVEN).getYData());
        assertEquals(List.of("0.904", "0.922"), ChartLabels.texts(win));

        XYChart acc = charts.get("rounds-accuracy");
        assertArrayEquals(new double[] {0.835, 0.815}, acc.getSeriesMap().get(RlhfLoop.CEILING).getYData());
        assertArrayEquals(new double[] {0.776, 0.791}, acc.getSeriesMap().get(RlhfLoop.ACCURACY).getYData());
        assertTrue(acc.getStyler().getYAxisMax() <= 1 && acc.getStyler().getYAxisMin() > 0.5, "its own axis, not 0 … 1.8");

        for (XYChart c : List.of(win, acc)) {
            assertEquals(Styler.LegendPosition.OutsideS, c.getStyler().getLegendPosition(), c.getTitle());
        }
        assertEquals("0", pref.getStyler().getXAxisDecimalPattern(), "whole rounds on the x-axis");
    }

    /** The hacking lab's charts keep their legends below the plot, off the lines. */
    @Test
    void hackingLabLegendsSitBelowThePlot() {
        List<Map<String, Double>> rows = List.of(
                Map.of("iteration", 1.0, "env/reward_mean", 0.1, "env/true_reward_mean", 0.2, "objective/kl", 0.0),
                Map.of("iteration", 2.0, "env/reward_mean", 0.5, "env/true_reward_mean", 0.3, "objective/kl", 1.5));
        Evaluation.WinRate w = new Evaluation.WinRate(0.6, 0.5, 0.7, 10, 6, 0, 0.4, 0.3);
        PpoRun.Result r = new PpoRun.Result(w, 0.1, 0.5, 1.5, 0.2, 0.3, 2, 1, List.of(), Path.of("p"), rows);
        List<HackingLab.Arm> arms = List.of(new HackingLab.Arm("beta=0", r), new HackingLab.Arm("adaptive beta", r));
        for (XYChart c : List.of(HackingLab.chart(arms), HackingLab.klChart(arms))) {
            assertEquals(Styler.LegendPosition.OutsideS, c.getStyler().getLegendPosition(), c.getTitle());
        }
        assertEquals(4, HackingLab.chart(arms).getSeriesMap().size());
    }
}
