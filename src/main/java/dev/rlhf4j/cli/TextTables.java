package dev.rlhf4j.cli;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

/** Tables printed in a terminal: decimals to 3 places, so the columns stay narrow. */
final class TextTables {

    private TextTables() {}

    /** {@code table.print()} with every decimal column shown to 3 places (the table itself is unchanged). */
    static String print(Table table) {
        Table copy = table.copy();
        for (var c : copy.columns()) {
            if (c instanceof DoubleColumn d) {
                d.setPrintFormatter(new DecimalFormat("0.000", DecimalFormatSymbols.getInstance(Locale.ROOT)), "");
            }
        }
        return copy.print();
    }
}
