package dev.rlhf4j.core;

import java.awt.Color;
import java.awt.Graphics2D;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Annotation;
import org.knowm.xchart.style.Styler;

/**
 * Looks the stage charts share so that they tell the truth at a glance: a legend below the plot (never
 * over the data), colours that stay apart for every reader (Okabe and Ito's colour-blind-safe palette,
 * "Color Universal Design", 2008) and labels written next to the points they name.
 */
public final class ChartStyle {

    /** Okabe–Ito's palette, without its yellow (too pale on white): blue, vermillion, green, purple, orange, sky, black, grey. */
    public static final Color[] PALETTE = {new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73),
        new Color(0xCC79A7), new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000), new Color(0x999999)};

    private ChartStyle() {}

    /** The {@code i}-th colour of {@link #PALETTE} (it repeats after 8). */
    public static Color colour(int i) {
        return PALETTE[Math.floorMod(i, PALETTE.length)];
    }

    /** {@code c} with the same hue and the given opacity (0 transparent … 255 opaque). */
    public static Color faded(Color c, int alpha) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
    }

    /** Puts the legend under the plot, its entries side by side, so that it covers no data. */
    public static void legendBelow(XYChart c) {
        c.getStyler().setLegendVisible(true);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    }

    /** Colours a series line and markers alike. */
    public static XYSeries paint(XYSeries s, Color colour) {
        s.setLineColor(colour);
        s.setMarkerColor(colour);
        return s;
    }

    /**
     * Writes {@code text} centred {@code lift} pixels above the data point ({@code x}, {@code y}), so
     * that it names the point without covering its marker.
     */
    public static Label label(XYChart c, String text, double x, double y, int lift) {
        Label l = new Label(text, x, y, lift);
        c.addAnnotation(l);
        return l;
    }

    /** A text written above a data point; it keeps its text and point, so that tests can read them back. */
    public static final class Label extends Annotation {

        private final String text;
        private final double x;
        private final double y;
        private final int lift;

        Label(String text, double x, double y, int lift) {
            super(false);
            this.text = text;
            this.x = x;
            this.y = y;
            this.lift = lift;
        }

        /** The text shown. */
        public String text() {
            return text;
        }

        /** The labelled point's x, in data units. */
        public double x() {
            return x;
        }

        /** The labelled point's y, in data units. */
        public double y() {
            return y;
        }

        @Override
        public void paint(Graphics2D g) {
            if (!isVisible) {
                return;
            }
            g.setColor(styler.getAnnotationTextFontColor());
            g.setFont(styler.getAnnotationTextFont());
            int width = g.getFontMetrics().stringWidth(text);
            g.drawString(text, getXAxisScreenValue(x) - width / 2, getYAxisScreenValue(y) - lift);
        }
    }
}
