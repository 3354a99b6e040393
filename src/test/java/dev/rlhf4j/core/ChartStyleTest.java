package dev.rlhf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Color;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;

class ChartStyleTest {

    /** The training charts (PPO, DPO, GRPO) keep their legends below the plot, off the lines. */
    @Test
    void metricChartsPutTheLegendBelow() {
        XYChart c = MetricCharts.chart("t", "x", "y");
        assertEquals(Styler.LegendPosition.OutsideS, c.getStyler().getLegendPosition());
        assertEquals(Styler.LegendLayout.Horizontal, c.getStyler().getLegendLayout());
    }

    /** Eight colours, no two alike, and the ninth series starts over. */
    @Test
    void thePaletteHasDistinctColours() {
        assertEquals(8, Arrays.stream(ChartStyle.PALETTE).distinct().count());
        assertEquals(ChartStyle.colour(0), ChartStyle.colour(8));
        Color faded = ChartStyle.faded(ChartStyle.colour(1), 60);
        assertEquals(60, faded.getAlpha());
        assertEquals(ChartStyle.colour(1).getRGB() & 0xFFFFFF, faded.getRGB() & 0xFFFFFF);
    }

    /** A label keeps its text and point, and the chart still draws with it. */
    @Test
    void labelsKeepTheirPoint() {
        XYChart c = MetricCharts.chart("t", "x", "y");
        c.addSeries("s", new double[] {1, 2}, new double[] {3, 4});
        ChartStyle.label(c, "two", 2, 4, 8);
        List<ChartStyle.Label> labels = ChartLabels.of(c);
        assertEquals(List.of("two"), labels.stream().map(ChartStyle.Label::text).toList());
        assertEquals(2, labels.get(0).x());
        assertEquals(4, labels.get(0).y());
        assertEquals(640, BitmapEncoder.getBufferedImage(c).getWidth());
    }
}
