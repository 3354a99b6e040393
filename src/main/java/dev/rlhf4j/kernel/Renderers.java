package dev.rlhf4j.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Base64;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.common.Image;
import org.dflib.jjava.jupyter.kernel.display.common.Text;
import org.dflib.jjava.jupyter.kernel.display.common.Url;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.FloatColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * How the kernel shows the value of a cell, and what {@code display(x)} publishes.
 *
 * <p>Built in: an XChart chart (any {@link Chart}) as a PNG image; a {@code BufferedImage} (any
 * {@code RenderedImage}) as PNG; a Tablesaw {@link Table} or {@link Column} as an HTML table with a
 * text version; a record, or a list of records of one type, as a table ({@link RecordTables}) —
 * which is how the library's results and configs show; a {@link CharSequence} as text. Anything
 * else shows as {@code toString()}.
 *
 * <p>Other types hook in with a <em>view</em>: a function that turns the value into something
 * shown already (a table, a chart, an image, or {@link DisplayData} such as {@link #html(String)}).
 * The library's result types are registered this way, and a notebook can add its own:
 *
 * <pre>{@code
 * Renderers.register(Leaderboard.class, board -> board.toTable());
 * Renderers.register(Point.class, p -> Renderers.html("<b>" + p + "</b>"));
 * }</pre>
 */
public final class Renderers {

    /** Tables with more rows show the first {@link #HEAD_ROWS} and last {@link #TAIL_ROWS}. */
    public static final int MAX_ROWS = 20;
    static final int HEAD_ROWS = 10;
    static final int TAIL_ROWS = 5;

    private static final Map<Class<?>, Function<Object, ?>> VIEWS = new ConcurrentHashMap<>();
    private static final Set<Class<?>> HOOKED = ConcurrentHashMap.newKeySet();
    private static final ThreadLocal<Integer> DEPTH = ThreadLocal.withInitial(() -> 0);
    private static volatile Renderer installed;

    private Renderers() {}

    /**
     * Shows values of {@code type} (and its subtypes) as what {@code view} returns for them; a later
     * registration for the same type replaces the earlier one.
     */
    @SuppressWarnings("unchecked")
    public static synchronized <T> void register(Class<T> type, Function<? super T, ?> view) {
        VIEWS.put(type, (Function<Object, ?>) view);
        Renderer r = installed;
        if (r != null && HOOKED.add(type)) {
            hook(r, type);
        }
    }

    /** HTML for a view or for {@code display(...)}; its text version is the HTML source. */
    public static DisplayData html(String html) {
        DisplayData data = new DisplayData(html);
        data.putHTML(html);
        return data;
    }

    /** What the kernel would publish for {@code value}: its MIME types and data. */
    public static DisplayData render(Object value) {
        return current().render(value);
    }

    /** The kernel's renderer, or (outside a kernel) one made once with the built-ins. */
    static Renderer current() {
        Renderer r = installed;
        return r != null ? r : newRenderer();
    }

    /** A renderer with every built-in and every registered view (what the kernel uses). */
    public static Renderer newRenderer() {
        Renderer r = new Renderer();
        Image.registerAll(r);
        Url.registerAll(r);
        Text.registerAll(r);
        install(r);
        return r;
    }

    /** Adds the built-ins and the views to {@code renderer} and makes it the one new views join. */
    static synchronized void install(Renderer renderer) {
        renderer.createRegistration(Chart.class)
                .preferring(MIMEType.IMAGE_PNG)
                .register((chart, ctx) -> {
                    ctx.renderIfRequested(MIMEType.IMAGE_PNG, () -> chartPng(chart));
                    ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> chartText(chart));
                });
        renderer.createRegistration(Table.class)
                .preferring(MIMEType.TEXT_HTML)
                .register((table, ctx) -> {
                    ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> tableHtml(table));
                    ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> tableText(table));
                });
        renderer.createRegistration(Column.class)
                .preferring(MIMEType.TEXT_HTML)
                .register((column, ctx) -> {
                    Table table = Table.create(column.name(), column.copy());
                    ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> tableHtml(table));
                    ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> tableText(table));
                });
        registerDefaultViews();
        installed = renderer;
        HOOKED.clear();
        HOOKED.addAll(VIEWS.keySet());
        VIEWS.keySet().forEach(type -> hook(renderer, type));
    }

    /** Records and lists of records as tables, unless a notebook registered its own views. */
    private static void registerDefaultViews() {
        VIEWS.putIfAbsent(Record.class, r -> RecordTables.of((Record) r));
        VIEWS.putIfAbsent(Collection.class, c -> RecordTables.ofCollection((Collection<?>) c));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void hook(Renderer renderer, Class<?> type) {
        renderer.createRegistration((Class) type).register((value, ctx) -> {
            Function<Object, ?> view = VIEWS.get(type);
            int depth = DEPTH.get();
            Object shown = view == null ? null : view.apply(value);
            if (shown == null || depth > 8 || shown.getClass() == value.getClass()) {
                return; // nothing better than toString()
            }
            DEPTH.set(depth + 1);
            try {
                DisplayData data = shown instanceof DisplayData d ? d : ctx.getRenderer().render(shown);
                ctx.getOutputContainer().assign(data);
            } finally {
                DEPTH.set(depth);
            }
        });
    }

    /** The chart as a base64 PNG (what Jupyter's {@code image/png} wants). */
    public static String chartPng(Chart<?, ?> chart) {
        try {
            byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
            return Base64.getEncoder().encodeToString(png);
        } catch (IOException e) {
            throw new UncheckedIOException("could not draw the chart as PNG", e);
        }
    }

    private static String chartText(Chart<?, ?> chart) {
        String title = chart.getTitle() == null || chart.getTitle().isBlank() ? "" : " \"" + chart.getTitle() + "\"";
        return chart.getClass().getSimpleName() + title + " (" + chart.getWidth() + "x" + chart.getHeight() + ")";
    }

    /** The table as text: Tablesaw's own print-out (at most 20 rows). */
    public static String tableText(Table table) {
        return table.print();
    }

    /**
     * The table as an HTML table: column names, the rows (the first {@value #HEAD_ROWS} and the
     * last {@value #TAIL_ROWS} when there are more than {@value #MAX_ROWS}), then its size.
     */
    public static String tableHtml(Table table) {
        int rows = table.rowCount();
        StringBuilder b = new StringBuilder("<table class=\"dataframe\">\n");
        if (table.name() != null && !table.name().isBlank()) {
            b.append("<caption>").append(escape(table.name())).append("</caption>\n");
        }
        b.append("<thead><tr><th></th>");
        for (Column<?> c : table.columns()) {
            b.append("<th title=\"").append(escape(c.type().name())).append("\">").append(escape(c.name())).append("</th>");
        }
        b.append("</tr></thead>\n<tbody>\n");
        if (rows <= MAX_ROWS) {
            appendRows(b, table, 0, rows);
        } else {
            appendRows(b, table, 0, HEAD_ROWS);
            b.append("<tr><th>&hellip;</th>").append("<td>&hellip;</td>".repeat(table.columnCount())).append("</tr>\n");
            appendRows(b, table, rows - TAIL_ROWS, rows);
        }
        b.append("</tbody>\n</table>\n");
        b.append("<p>").append(rows).append(rows == 1 ? " row" : " rows").append(" &times; ")
                .append(table.columnCount()).append(table.columnCount() == 1 ? " column" : " columns").append("</p>");
        return b.toString();
    }

    private static void appendRows(StringBuilder b, Table table, int from, int to) {
        for (int r = from; r < to; r++) {
            b.append("<tr><th>").append(r).append("</th>");
            for (Column<?> c : table.columns()) {
                String align = c instanceof NumericColumn<?> ? " style=\"text-align:right\"" : "";
                b.append("<td").append(align).append('>').append(escape(cell(c, r))).append("</td>");
            }
            b.append("</tr>\n");
        }
    }

    /**
     * A cell as shown: decimals to 4 significant digits (Tablesaw's default print-out keeps all of
     * them), unless the column has a print formatter of its own.
     */
    static String cell(Column<?> c, int r) {
        String own = c.getString(r);
        if (c instanceof DoubleColumn d && !d.isMissing(r)
                && own.equals(DoubleColumn.create("", new double[] {d.getDouble(r)}).getString(0))) {
            return compact(d.getDouble(r));
        }
        if (c instanceof FloatColumn f && !f.isMissing(r)
                && own.equals(FloatColumn.create("", new float[] {f.getFloat(r)}).getString(0))) {
            return compact(f.getFloat(r));
        }
        return own;
    }

    /** {@code 0.1235}, {@code 1016}, {@code 1016.3}, {@code -2.5e-07}: readable on a projector. */
    static String compact(double v) {
        double a = Math.abs(v);
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        if (v == Math.rint(v) && a < 1e15) {
            return Long.toString((long) v);
        }
        if (a >= 1000 && a < 1e15) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1e-4) {
            return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
        }
        return String.format(Locale.ROOT, "%.3e", v);
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }
}
