package dev.rlhf4j.core;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Metrics of one run: a row per step or iteration, a column per metric name (TRL's names where
 * they exist, e.g. {@code env/reward_mean}). Rows are kept in memory for charts and, when a file is
 * given, appended to a CSV and flushed at once, so a killed run keeps every row it logged.
 *
 * <p>The columns are fixed by the first row; a later row may leave a column empty but may not add
 * one (a CSV header cannot grow in an append-only file).
 */
public final class MetricsLog implements Closeable {

    private final Path file;
    private final List<Map<String, Double>> rows = new ArrayList<>();
    private List<String> columns;
    private BufferedWriter out;

    private MetricsLog(Path file) {
        this.file = file;
    }

    /** A log kept in memory only. */
    public static MetricsLog inMemory() {
        return new MetricsLog(null);
    }

    /** A log that also appends to the CSV {@code file} (created with its header on first row). */
    public static MetricsLog toCsv(Path file) {
        return new MetricsLog(file);
    }

    /** Appends one row; keys are metric names, in the order they should appear as columns. */
    public synchronized void log(Map<String, ? extends Number> metrics) {
        Map<String, Double> row = new LinkedHashMap<>();
        metrics.forEach((k, v) -> row.put(k, v == null ? null : v.doubleValue()));
        if (columns == null) {
            columns = List.copyOf(row.keySet());
        } else {
            for (String k : row.keySet()) {
                if (!columns.contains(k)) {
                    throw new IllegalArgumentException("metric '" + k + "' is not a column of this log"
                            + (file == null ? "" : " (" + file + ")") + "; columns: " + columns);
                }
            }
        }
        rows.add(row);
        if (file != null) {
            appendCsv(row);
        }
    }

    /** The column names (empty before the first row). */
    public synchronized List<String> columns() {
        return columns == null ? List.of() : columns;
    }

    /** Every row logged so far. */
    public synchronized List<Map<String, Double>> rows() {
        return Collections.unmodifiableList(new ArrayList<>(rows));
    }

    /** One metric over all rows ({@code NaN} where a row left it empty). */
    public synchronized double[] column(String name) {
        double[] values = new double[rows.size()];
        for (int i = 0; i < values.length; i++) {
            Double v = rows.get(i).get(name);
            values[i] = v == null ? Double.NaN : v;
        }
        return values;
    }

    /** The last value of a metric, or {@code NaN}. */
    public synchronized double last(String name) {
        if (rows.isEmpty()) {
            return Double.NaN;
        }
        Double v = rows.get(rows.size() - 1).get(name);
        return v == null ? Double.NaN : v;
    }

    /** Number of rows. */
    public synchronized int size() {
        return rows.size();
    }

    /** The CSV file, or {@code null} for an in-memory log. */
    public Path file() {
        return file;
    }

    private void appendCsv(Map<String, Double> row) {
        try {
            if (out == null) {
                Path parent = file.toAbsolutePath().getParent();
                Files.createDirectories(parent);
                boolean fresh = !Files.exists(file) || Files.size(file) == 0;
                out = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                if (fresh) {
                    out.write(String.join(",", columns));
                    out.newLine();
                }
            }
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns.size(); i++) {
                if (i > 0) {
                    line.append(',');
                }
                Double v = row.get(columns.get(i));
                if (v != null) {
                    line.append(format(v));
                }
            }
            out.write(line.toString());
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("could not append to metrics file " + file, e);
        }
    }

    /** Formats a number for CSV: integers without a decimal point, others with 6 significant digits. */
    static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.6g", v).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2")
                .replace(".e", "e").replaceAll("\\.$", "");
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out = null;
        }
    }
}
