package dev.rlhf4j.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Why a cell failed, as a learner should read it: a name ({@code ename}), a one-line message
 * ({@code evalue}) and traceback lines that point at lines of the notebook's cells, not at JShell's
 * generated classes.
 *
 * <p>Three kinds: a compile error ({@link #compile}) shows each problem with the offending line and
 * a caret under the code; a runtime error ({@link #runtime}) shows the exception's class, message,
 * causes and the frames down to the user's code; an interrupt ({@link #interrupted()}).
 */
public final class CellError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Frames shown per exception before "... n more". */
    static final int MAX_FRAMES = 24;

    private static final String RED = "\u001b[0;31m";
    private static final String RESET = "\u001b[0m";

    private final String ename;
    private final List<String> traceback;

    CellError(String ename, String evalue, List<String> traceback) {
        super(evalue);
        this.ename = ename;
        this.traceback = List.copyOf(traceback);
    }

    /** The error's name, as Jupyter's {@code ename} (e.g. {@code ArithmeticException}). */
    public String ename() {
        return ename;
    }

    /** The one-line message, as Jupyter's {@code evalue}. */
    public String evalue() {
        return getMessage();
    }

    /** The lines Jupyter shows under the error. */
    public List<String> traceback() {
        return traceback;
    }

    /**
     * One compile problem: its message (as javac writes it) and its start, end and caret position,
     * counted in characters from the start of the cell.
     */
    record Problem(String message, int start, int end, int position) {}

    /** Compile errors in {@code cell}, each shown with its line and a caret under the code. */
    static CellError compile(String cell, List<Problem> problems) {
        List<String> lines = new ArrayList<>();
        for (Problem p : problems) {
            int pos = clamp(p.position() >= 0 ? p.position() : p.start(), cell.length());
            int start = clamp(p.start() >= 0 ? p.start() : pos, cell.length());
            int end = clamp(Math.max(p.end(), start + 1), cell.length());
            int lineStart = cell.lastIndexOf('\n', pos - 1) + 1;
            int lineEnd = cell.indexOf('\n', pos);
            if (lineEnd < 0) {
                lineEnd = cell.length();
            }
            int lineNo = lineNumber(cell, pos);
            List<String> message = messageLines(p.message());
            lines.add(RED + "error" + RESET + " in line " + lineNo + ": " + message.get(0));
            message.subList(1, message.size()).forEach(lines::add);
            String code = cell.substring(lineStart, lineEnd);
            int from = Math.max(start, lineStart) - lineStart;
            int to = Math.min(end, lineEnd) - lineStart;
            lines.add("    " + code);
            lines.add("    " + " ".repeat(from) + "^".repeat(Math.max(1, to - from)));
        }
        String first = problems.isEmpty() ? "the cell does not compile" : messageLines(problems.get(0).message()).get(0);
        return new CellError("CompileError", first, lines);
    }

    /**
     * A runtime exception from a cell. {@code where} names a snippet frame's place in the notebook
     * (e.g. "line 3" or "cell [2], line 3").
     */
    static CellError runtime(String className, String message, List<Frame> frames, List<Cause> causes) {
        String simple = className.substring(Math.max(className.lastIndexOf('.'), className.lastIndexOf('$')) + 1);
        List<String> lines = new ArrayList<>();
        lines.add(RED + className + RESET + (message == null || message.isEmpty() ? "" : ": " + message));
        addFrames(lines, frames);
        for (Cause c : causes) {
            lines.add("Caused by: " + c.className() + (c.message() == null || c.message().isEmpty() ? "" : ": " + c.message()));
            addFrames(lines, c.frames());
        }
        return new CellError(simple, message == null ? "" : message, lines);
    }

    /** A stack frame already translated for a learner ("h (line 2)", "dev.rlhf4j.model.Gpt.forward(Gpt.java:88)"). */
    record Frame(String text, boolean userCode) {}

    /** One "Caused by" in an exception's chain. */
    record Cause(String className, String message, List<Frame> frames) {}

    /** A cell stopped by the notebook's interrupt button. */
    static CellError interrupted() {
        return interrupted(null);
    }

    /**
     * A cell stopped by the notebook's interrupt button; {@code detail} is the library's account of
     * where it stopped ("interrupted after iteration 3 of 10; the checkpoint ..."), or null.
     */
    static CellError interrupted(String detail) {
        String where = detail == null ? "" : " (" + detail + ")";
        return new CellError("Interrupted", "the cell was interrupted" + where,
                List.of(RED + "Interrupted" + RESET + ": the cell was stopped" + where
                        + "; variables keep the values they had."));
    }

    /** A call to something declared with references that do not exist yet. */
    static CellError unresolved(String what, List<String> missing) {
        String message = what + " cannot be used until " + String.join(" and ", missing)
                + (missing.size() == 1 ? " is" : " are") + " declared";
        return new CellError("UnresolvedReference", message, List.of(RED + "UnresolvedReference" + RESET + ": " + message));
    }

    /** The 1-based line of {@code offset} in {@code text}. */
    static int lineNumber(String text, int offset) {
        int line = 1;
        for (int i = 0; i < Math.min(offset, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private static void addFrames(List<String> lines, List<Frame> frames) {
        int shown = Math.min(frames.size(), MAX_FRAMES);
        for (int i = 0; i < shown; i++) {
            lines.add("    at " + frames.get(i).text());
        }
        if (frames.size() > shown) {
            lines.add("    ... " + (frames.size() - shown) + " more");
        }
    }

    /** javac's message split in lines, without JShell's empty "location: class" line. */
    private static List<String> messageLines(String message) {
        List<String> out = new ArrayList<>();
        for (String line : message.split("\\R")) {
            if (!line.trim().toLowerCase(Locale.ROOT).equals("location: class")) {
                out.add(line);
            }
        }
        if (out.isEmpty()) {
            out.add("the cell does not compile");
        }
        return out;
    }

    private static int clamp(int value, int max) {
        return Math.max(0, Math.min(value, max));
    }
}
