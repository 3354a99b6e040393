package dev.rlhf4j.core;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.internal.chartpart.Chart;

/** Test helper: the {@link ChartStyle.Label}s of a chart (XChart keeps annotations in a protected field without a getter). */
public final class ChartLabels {

    private ChartLabels() {}

    /** The chart's point labels, in the order they were added. */
    public static List<ChartStyle.Label> of(Chart<?, ?> c) {
        try {
            Field f = Chart.class.getDeclaredField("annotations");
            f.setAccessible(true);
            List<ChartStyle.Label> out = new ArrayList<>();
            for (Object o : (List<?>) f.get(c)) {
                if (o instanceof ChartStyle.Label l) {
                    out.add(l);
                }
            }
            return out;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("XChart's Chart.annotations field is gone", e);
        }
    }

    /** The texts of {@link #of}. */
    public static List<String> texts(Chart<?, ?> c) {
        return of(c).stream().map(ChartStyle.Label::text).toList();
    }
}
