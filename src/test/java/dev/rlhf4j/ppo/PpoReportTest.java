package dev.rlhf4j.ppo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlhf4j.core.MetricsLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import tech.tablesaw.api.Table;

class PpoReportTest {

    /** Four iterations with hand-checkable values: metric = iteration·scale + offset. */
    static List<Map<String, Double>> rows(boolean withTrue) {
        List<Map<String, Double>> rows = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("iteration", (double) i);
            m.put("env/reward_mean", 0.5 * i);
            m.put("env/reward_std", 0.1 * i);
            if (withTrue) {
                m.put("env/true_reward_mean", -1.0 + i);
            }
            m.put("objective/kl", 2.0 * i);
            m.put("objective/kl_coef", 0.2 + 0.01 * i);
            m.put("objective/entropy", 10.0 - i);
            m.put("objective/entropy_exact", 12.0 - 2 * i);
            m.put("ppo/loss/policy", -0.01 * i);
            m.put("ppo/loss/value", 1.0 / i);
            m.put("ppo/policy/clipfrac", 0.05 * i);
            m.put("ppo/val/clipfrac", 0.02 * i);
            m.put("ppo/policy/approxkl", 0.001 * i);
            m.put("ppo/val/var_explained", 0.2 * i - 0.5);
            rows.add(m);
        }
        return rows;
    }

    static XYSeries series(XYChart c, String name) {
        XYSeries s = c.getSeriesMap().get(name);
        assertTrue(s != null, "no series '" + name + "' in " + c.getSeriesMap().keySet());
        return s;
    }

    static final double[] ITERATIONS = {1, 2, 3, 4};

    @Test
    void rewardChartHasMeanStdBandAndTrueReward() {
        XYChart c = PpoReport.rewardChart(rows(true));
        assertEquals(List.of(PpoReport.REWARD, PpoReport.REWARD_PLUS_STD, PpoReport.REWARD_MINUS_STD, PpoReport.TRUE_REWARD),
                List.copyOf(c.getSeriesMap().keySet()));
        assertArrayEquals(ITERATIONS, series(c, PpoReport.REWARD).getXData());
        assertArrayEquals(new double[] {0.5, 1.0, 1.5, 2.0}, series(c, PpoReport.REWARD).getYData(), 1e-12);
        assertArrayEquals(new double[] {0.6, 1.2, 1.8, 2.4}, series(c, PpoReport.REWARD_PLUS_STD).getYData(), 1e-12);
        assertArrayEquals(new double[] {0.4, 0.8, 1.2, 1.6}, series(c, PpoReport.REWARD_MINUS_STD).getYData(), 1e-12);
        assertArrayEquals(new double[] {0, 1, 2, 3}, series(c, PpoReport.TRUE_REWARD).getYData(), 1e-12);
        assertEquals(1, series(c, PpoReport.TRUE_REWARD).getYAxisGroup(), "true preference on its own axis");
        assertEquals(0, series(c, PpoReport.REWARD).getYAxisGroup());
    }

    @Test
    void rewardChartWithoutTrueRewardHasNoSuchSeries() {
        XYChart c = PpoReport.rewardChart(rows(false));
        assertFalse(c.getSeriesMap().containsKey(PpoReport.TRUE_REWARD));
        assertEquals(3, c.getSeriesMap().size());
    }

    @Test
    void klChartPutsBetaOnTheRightAxisAndDrawsTheTarget() {
        XYChart c = PpoReport.klChart(rows(false), 6.0);
        assertArrayEquals(new double[] {2, 4, 6, 8}, series(c, PpoReport.KL).getYData(), 1e-12);
        assertArrayEquals(new double[] {0.21, 0.22, 0.23, 0.24}, series(c, PpoReport.BETA).getYData(), 1e-12);
        assertEquals(1, series(c, PpoReport.BETA).getYAxisGroup());
        assertEquals(0, series(c, PpoReport.KL).getYAxisGroup());
        assertArrayEquals(new double[] {1, 4}, series(c, PpoReport.KL_TARGET).getXData());
        assertArrayEquals(new double[] {6, 6}, series(c, PpoReport.KL_TARGET).getYData());
        assertEquals("β", c.getYAxisGroupTitle(1));
        assertFalse(PpoReport.klChart(rows(false)).getSeriesMap().containsKey(PpoReport.KL_TARGET));
    }

    @Test
    void lossClipEntropyAndVarianceCharts() {
        List<Map<String, Double>> rows = rows(false);
        XYChart loss = PpoReport.lossChart(rows);
        assertArrayEquals(new double[] {-0.01, -0.02, -0.03, -0.04}, series(loss, PpoReport.POLICY_LOSS).getYData(), 1e-12);
        assertArrayEquals(new double[] {1, 0.5, 1 / 3.0, 0.25}, series(loss, PpoReport.VALUE_LOSS).getYData(), 1e-12);
        XYChart clip = PpoReport.clipChart(rows);
        assertEquals(List.of(PpoReport.CLIPFRAC, PpoReport.VALUE_CLIPFRAC, PpoReport.APPROX_KL),
                List.copyOf(clip.getSeriesMap().keySet()));
        assertArrayEquals(new double[] {0.05, 0.1, 0.15, 0.2}, series(clip, PpoReport.CLIPFRAC).getYData(), 1e-12);
        assertArrayEquals(new double[] {0.001, 0.002, 0.003, 0.004}, series(clip, PpoReport.APPROX_KL).getYData(), 1e-12);
        assertEquals(1, series(clip, PpoReport.APPROX_KL).getYAxisGroup());
        XYChart entropy = PpoReport.entropyChart(rows);
        assertEquals(List.of(PpoReport.ENTROPY, PpoReport.ENTROPY_EXACT), List.copyOf(entropy.getSeriesMap().keySet()));
        assertArrayEquals(new double[] {9, 8, 7, 6}, series(entropy, PpoReport.ENTROPY).getYData());
        assertArrayEquals(new double[] {10, 8, 6, 4}, series(entropy, PpoReport.ENTROPY_EXACT).getYData());
        assertArrayEquals(new double[] {-0.3, -0.1, 0.1, 0.3},
                series(PpoReport.varianceExplainedChart(rows), PpoReport.VAR_EXPLAINED).getYData(), 1e-12);
    }

    @Test
    void missingValuesLeaveGapsAndMissingMetricsLeaveSeriesOut() {
        List<Map<String, Double>> rows = rows(false);
        rows.get(1).remove("objective/kl");
        rows.get(2).put("objective/kl", Double.NaN);
        rows.forEach(r -> r.remove("ppo/val/clipfrac"));
        XYChart kl = PpoReport.klChart(rows);
        assertArrayEquals(new double[] {1, 4}, series(kl, PpoReport.KL).getXData());
        assertArrayEquals(new double[] {2, 8}, series(kl, PpoReport.KL).getYData());
        assertFalse(PpoReport.clipChart(rows).getSeriesMap().containsKey(PpoReport.VALUE_CLIPFRAC));
        assertTrue(PpoReport.entropyChart(List.of()).getSeriesMap().isEmpty(), "no rows yet: an empty chart");
    }

    @Test
    void xIsTheRowIndexWithoutAnIterationColumn() {
        List<Map<String, Double>> rows = rows(false);
        rows.forEach(r -> r.remove("iteration"));
        assertArrayEquals(ITERATIONS, series(PpoReport.entropyChart(rows), PpoReport.ENTROPY).getXData());
    }

    @Test
    void chartsOfAMetricsLogAreWrittenAsPngs(@TempDir Path dir) throws Exception {
        MetricsLog log = MetricsLog.inMemory();
        rows(true).forEach(log::log);
        assertEquals(List.of("reward", "kl", "loss", "clip", "entropy", "variance-explained"),
                List.copyOf(PpoReport.charts(log).keySet()));
        List<Path> paths = PpoReport.writePngs(log, dir.resolve("charts"));
        assertEquals(6, paths.size());
        for (Path p : paths) {
            byte[] bytes = Files.readAllBytes(p);
            assertTrue(bytes.length > 1000, p + " is a real image");
            assertEquals((byte) 0x89, bytes[0]);
            assertEquals('P', bytes[1]);
        }
        assertEquals(dir.resolve("charts/reward.png"), paths.get(0));
    }

    @Test
    void samplesTableHasBeforeAfterColumns() {
        Table t = Samples.table(List.of("the pasta was", "our server"), List.of("cold .", "rude ."),
                List.of("great .", "kind ."), new double[] {-1, -2}, new double[] {1, 2}, new double[] {0.1, 0.2},
                new double[] {0.8, 0.9});
        assertEquals(List.of(Samples.PROMPT, Samples.BEFORE, Samples.AFTER, Samples.REWARD_BEFORE, Samples.REWARD_AFTER,
                Samples.TRUE_BEFORE, Samples.TRUE_AFTER), t.columnNames());
        assertEquals(2, t.rowCount());
        assertEquals("great .", t.stringColumn(Samples.AFTER).get(0));
        assertEquals(-2, t.doubleColumn(Samples.REWARD_BEFORE).get(1));
        assertEquals(0.9, t.doubleColumn(Samples.TRUE_AFTER).get(1));
        Table plain = Samples.table(List.of("a"), List.of("b"), List.of("c"), new double[] {0}, new double[] {1});
        assertEquals(5, plain.columnCount());
    }

    @Test
    void samplesTableNamesTheListOfTheWrongLength() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Samples.table(List.of("a", "b"),
                List.of("x", "y"), List.of("z"), new double[2], new double[2]));
        assertTrue(e.getMessage().contains("completions after") && e.getMessage().contains("found 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Samples.table(List.of("a"), List.of("x"), List.of("z"),
                new double[1], new double[1], new double[1], null));
    }
}
