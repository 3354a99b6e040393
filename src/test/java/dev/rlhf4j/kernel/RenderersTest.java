package dev.rlhf4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.IntStream;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.QuickChart;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class RenderersTest {

    static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    static byte[] pngBytes(DisplayData data) {
        return Base64.getDecoder().decode((String) data.getData(MIMEType.IMAGE_PNG));
    }

    @Test
    void xchartChartsArePngs() {
        XYChart chart = QuickChart.getChart("Reward", "step", "reward", "mean", new double[] {0, 1, 2}, new double[] {0.1, 0.5, 0.4});
        DisplayData data = Renderers.newRenderer().render(chart);
        assertArrayEquals(PNG, Arrays.copyOf(pngBytes(data), 8));
        assertEquals("XYChart \"Reward\" (600x400)", data.getData(MIMEType.TEXT_PLAIN));

        var bars = new CategoryChartBuilder().width(200).height(100).build();
        bars.addSeries("wins", new double[] {1, 2}, new double[] {3, 4});
        assertArrayEquals(PNG, Arrays.copyOf(pngBytes(Renderers.newRenderer().render(bars)), 8));
    }

    @Test
    void decimalsInHtmlTablesShowFourSignificantDigits() {
        assertEquals("0.1235", Renderers.compact(0.123456789));
        assertEquals("1016", Renderers.compact(1016.0));
        assertEquals("1016.3", Renderers.compact(1016.2999));
        assertEquals("-2.500e-07", Renderers.compact(-2.5e-7));
        assertEquals("12.35", Renderers.compact(12.345678));
        assertEquals("NaN", Renderers.compact(Double.NaN));
        Table t = Table.create("t", DoubleColumn.create("x", 0.123456789, Double.NaN));
        String html = (String) Renderers.newRenderer().render(t).getData(MIMEType.TEXT_HTML);
        assertTrue(html.contains(">0.1235</td>"), html);
        assertTrue(html.contains("<tr><th>1</th><td style=\"text-align:right\"></td>"), html); // missing stays empty
        DoubleColumn own = DoubleColumn.create("y", 0.123456789);
        own.setPrintFormatter(new java.text.DecimalFormat("0.0"), "");
        String formatted = (String) Renderers.newRenderer().render(Table.create("t", own)).getData(MIMEType.TEXT_HTML);
        assertTrue(formatted.contains(">0.1</td>"), formatted); // a formatter of its own wins
    }

    @Test
    void imagesArePngs() {
        DisplayData data = Renderers.newRenderer().render(new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB));
        assertArrayEquals(PNG, Arrays.copyOf(pngBytes(data), 8));
    }

    @Test
    void tablesAreHtmlWithEscapedCellsAndText() {
        Table t = Table.create("scores", StringColumn.create("model", "<base>", "tuned & co"), DoubleColumn.create("elo", 1000.0, 1042.5));
        DisplayData data = Renderers.newRenderer().render(t);
        String html = (String) data.getData(MIMEType.TEXT_HTML);
        assertTrue(html.startsWith("<table class=\"dataframe\">\n<caption>scores</caption>"), html);
        assertTrue(html.contains("<th title=\"STRING\">model</th><th title=\"DOUBLE\">elo</th>"), html);
        assertTrue(html.contains("<tr><th>0</th><td>&lt;base&gt;</td><td style=\"text-align:right\">1000</td></tr>"), html);
        assertTrue(html.contains("tuned &amp; co"), html);
        assertTrue(html.endsWith("<p>2 rows &times; 2 columns</p>"), html);
        assertTrue(((String) data.getData(MIMEType.TEXT_PLAIN)).contains("tuned & co"));
    }

    @Test
    void longTablesShowHeadAndTail() {
        Table t = Table.create("big", IntColumn.create("i", IntStream.range(0, 100).toArray()));
        String html = Renderers.tableHtml(t);
        assertTrue(html.contains("<tr><th>9</th>"));
        assertFalse(html.contains("<tr><th>10</th>"));
        assertTrue(html.contains("<tr><th>&hellip;</th><td>&hellip;</td></tr>"));
        assertTrue(html.contains("<tr><th>95</th>") && html.contains("<tr><th>99</th>"));
        assertFalse(html.contains("<tr><th>94</th>"));
        assertTrue(html.contains("100 rows &times; 1 column"));
    }

    @Test
    void columnsShowAsOneColumnTables() {
        String html = (String) Renderers.newRenderer().render(DoubleColumn.create("loss", 0.5, 0.25)).getData(MIMEType.TEXT_HTML);
        assertTrue(html.contains("<th title=\"DOUBLE\">loss</th>"), html);
    }

    record Score(String name, double value) {}

    record Wrapped(String text) {}

    @Test
    void registeredViewsRenderTheirTypes() {
        Renderers.register(Score.class, s -> Table.create("score", StringColumn.create("name", s.name()), DoubleColumn.create("value", s.value())));
        Renderers.register(Wrapped.class, w -> Renderers.html("<i>" + w.text() + "</i>"));
        var renderer = Renderers.newRenderer();
        assertTrue(((String) renderer.render(new Score("base", 0.5)).getData(MIMEType.TEXT_HTML)).contains("<td>base</td>"));
        assertEquals("<i>hi</i>", renderer.render(new Wrapped("hi")).getData(MIMEType.TEXT_HTML));

        Renderers.register(Wrapped.class, w -> Renderers.html("<b>" + w.text() + "</b>"));
        assertEquals("<b>hi</b>", renderer.render(new Wrapped("hi")).getData(MIMEType.TEXT_HTML), "the later view replaces the earlier");
    }

    record Sample(String text, double reward, int tokens, boolean finished, int[] ids) {}

    @Test
    void recordsAndListsOfRecordsAreTables() {
        var renderer = Renderers.newRenderer();
        List<Sample> samples = List.of(new Sample("great pasta", 0.75, 3, true, new int[] {4, 5}), new Sample("meh", -0.5, 1, false, new int[0]));
        String html = (String) renderer.render(samples).getData(MIMEType.TEXT_HTML);
        assertTrue(html.contains("<caption>Sample</caption>"), html);
        assertTrue(html.contains("<th title=\"STRING\">text</th><th title=\"DOUBLE\">reward</th><th title=\"INTEGER\">tokens</th>"
                + "<th title=\"BOOLEAN\">finished</th><th title=\"STRING\">ids</th>"), html);
        assertTrue(html.contains("<td>great pasta</td><td style=\"text-align:right\">0.75</td>"), html);
        assertTrue(html.contains("<td>[4, 5]</td>"), html);

        String one = (String) renderer.render(samples.get(1)).getData(MIMEType.TEXT_HTML);
        assertTrue(one.contains("<tr><th>1</th><td>reward</td><td>-0.5</td></tr>"), one);

        assertEquals(null, renderer.render(List.of(1, 2)).getData(MIMEType.TEXT_HTML), "a list of numbers stays text");
        assertEquals(null, renderer.render(List.of()).getData(MIMEType.TEXT_HTML));
        Table t = RecordTables.of(samples).sortDescendingOn("reward");
        assertEquals("great pasta", t.stringColumn("text").get(0));
        assertEquals("[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, ... (30)]",
                RecordTables.text(IntStream.range(0, 30).toArray()));
    }

    @Test
    void otherValuesAreText() {
        assertEquals("[1, 2]", Renderers.newRenderer().render(java.util.List.of(1, 2)).getData(MIMEType.TEXT_PLAIN));
    }
}
