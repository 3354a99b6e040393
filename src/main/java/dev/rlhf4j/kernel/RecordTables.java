package dev.rlhf4j.kernel;

import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Records as Tablesaw tables, which the kernel shows as HTML: a list of records (rankings, the
 * rows of a leaderboard, samples) becomes one row per record and a column per component; a single
 * record (a config, a training result) becomes a {@code field | value} table.
 *
 * <p>The library's results are records, so they all show this way without registering anything.
 * In a notebook the table is also there to work with: {@code RecordTables.of(results).sortOn("-reward")}.
 */
public final class RecordTables {

    private RecordTables() {}

    /** One row per record, a column per component (numbers and booleans keep their types). */
    public static Table of(List<? extends Record> rows) {
        if (rows.isEmpty()) {
            return Table.create("(empty)");
        }
        Class<?> type = rows.get(0).getClass();
        for (Record r : rows) {
            if (r.getClass() != type) {
                throw new IllegalArgumentException("records: expected all of type " + type.getSimpleName()
                        + ", found " + r.getClass().getSimpleName());
            }
        }
        Table table = Table.create(type.getSimpleName());
        for (RecordComponent c : type.getRecordComponents()) {
            table.addColumns(column(c, rows));
        }
        return table;
    }

    /** A {@code field | value} table of one record. */
    public static Table of(Record record) {
        RecordComponent[] components = record.getClass().getRecordComponents();
        StringColumn field = StringColumn.create("field");
        StringColumn value = StringColumn.create("value");
        for (RecordComponent c : components) {
            field.append(c.getName());
            value.append(text(read(c, record)));
        }
        return Table.create(record.getClass().getSimpleName(), field, value);
    }

    /**
     * The records of {@code values} as a table, when it holds records of one type (a view for
     * {@link Renderers}); null otherwise.
     */
    static Table ofCollection(Collection<?> values) {
        if (values.isEmpty() || values.size() > 100_000) {
            return null;
        }
        Class<?> type = null;
        for (Object v : values) {
            if (!(v instanceof Record) || (type != null && v.getClass() != type)) {
                return null;
            }
            type = v.getClass();
        }
        @SuppressWarnings("unchecked")
        List<? extends Record> rows = List.copyOf((Collection<? extends Record>) values);
        return of(rows);
    }

    private static Column<?> column(RecordComponent c, List<? extends Record> rows) {
        Class<?> t = c.getType();
        String name = c.getName();
        if (t == double.class || t == float.class || t == Double.class || t == Float.class) {
            DoubleColumn col = DoubleColumn.create(name);
            rows.forEach(r -> appendNumber(col, read(c, r)));
            return col;
        }
        if (t == int.class || t == short.class || t == byte.class || t == Integer.class) {
            IntColumn col = IntColumn.create(name);
            rows.forEach(r -> {
                Object v = read(c, r);
                if (v == null) {
                    col.appendMissing();
                } else {
                    col.append(((Number) v).intValue());
                }
            });
            return col;
        }
        if (t == long.class || t == Long.class) {
            LongColumn col = LongColumn.create(name);
            rows.forEach(r -> {
                Object v = read(c, r);
                if (v == null) {
                    col.appendMissing();
                } else {
                    col.append(((Number) v).longValue());
                }
            });
            return col;
        }
        if (t == boolean.class || t == Boolean.class) {
            BooleanColumn col = BooleanColumn.create(name);
            rows.forEach(r -> {
                Object v = read(c, r);
                if (v == null) {
                    col.appendMissing();
                } else {
                    col.append((Boolean) v);
                }
            });
            return col;
        }
        StringColumn col = StringColumn.create(name);
        rows.forEach(r -> col.append(text(read(c, r))));
        return col;
    }

    private static void appendNumber(DoubleColumn col, Object v) {
        if (v == null) {
            col.appendMissing();
        } else {
            col.append(((Number) v).doubleValue());
        }
    }

    private static Object read(RecordComponent c, Record r) {
        try {
            var accessor = c.getAccessor();
            accessor.setAccessible(true); // records declared in a cell are not public
            return accessor.invoke(r);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "(" + e.getClass().getSimpleName() + ")";
        }
    }

    /** {@code String.valueOf}, with arrays spelled out (at most 20 elements). */
    static String text(Object v) {
        if (v == null || !v.getClass().isArray()) {
            return String.valueOf(v);
        }
        int n = Array.getLength(v);
        Object[] shown = new Object[Math.min(n, 20)];
        for (int i = 0; i < shown.length; i++) {
            shown[i] = Array.get(v, i);
        }
        String list = Arrays.deepToString(shown);
        return n > shown.length ? list.substring(0, list.length() - 1) + ", ... (" + n + ")]" : list;
    }
}
