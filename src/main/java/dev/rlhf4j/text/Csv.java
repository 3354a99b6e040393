package dev.rlhf4j.text;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The RFC 4180 subset our files use: comma-separated fields, a field quoted when it contains a
 * comma or a quote, quotes doubled inside quoted fields. Line breaks inside a field are not used
 * (and not accepted). Shared by the text files ({@code prompts.csv}, {@code reviews.csv}) and the
 * feedback files (matches, ratings).
 */
public final class Csv {

    private Csv() {}

    /** One CSV row (no line break) of {@code fields}, quoted as needed. */
    public static String row(Object... fields) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            String f = String.valueOf(fields[i]);
            if (f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("CSV field with a line break: " + f);
            }
            if (f.indexOf(',') >= 0 || f.indexOf('"') >= 0) {
                sb.append('"').append(f.replace("\"", "\"\"")).append('"');
            } else {
                sb.append(f);
            }
        }
        return sb.toString();
    }

    /**
     * The fields of one CSV line.
     *
     * @throws IllegalArgumentException naming {@code file} and {@code lineNo} on a broken quote
     */
    public static List<String> parse(String line, Path file, int lineNo) {
        List<String> fields = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        int i = 0;
        while (true) {
            if (i < line.length() && line.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= line.length()) {
                        throw new IllegalArgumentException(file + " line " + lineNo
                                + ": expected a closing quote in field " + (fields.size() + 1)
                                + ", found the end of the line");
                    }
                    char c = line.charAt(i++);
                    if (c == '"' && i < line.length() && line.charAt(i) == '"') {
                        f.append('"');
                        i++;
                    } else if (c == '"') {
                        break;
                    } else {
                        f.append(c);
                    }
                }
                if (i < line.length() && line.charAt(i) != ',') {
                    throw new IllegalArgumentException(file + " line " + lineNo
                            + ": expected ',' after the quoted field " + (fields.size() + 1)
                            + ", found '" + line.charAt(i) + "'");
                }
            } else {
                while (i < line.length() && line.charAt(i) != ',') {
                    f.append(line.charAt(i++));
                }
            }
            fields.add(f.toString());
            f.setLength(0);
            if (i >= line.length()) {
                return fields;
            }
            i++; // the comma
        }
    }
}
