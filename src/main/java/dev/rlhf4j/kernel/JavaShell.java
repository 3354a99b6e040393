package dev.rlhf4j.kernel;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.UnresolvedReferenceException;

/**
 * The Java side of the kernel: a JShell whose snippets run in this JVM
 * ({@link LiveExecutionControl}). It evaluates a whole cell, completes, documents and checks code.
 *
 * <p>A cell is split into JShell snippets (statements, declarations, expressions) and evaluated in
 * order; the first failure stops the cell. The value of the cell is the live object of its last
 * snippet when that snippet is an expression ({@code chart}, {@code 1 + 2}, {@code x}).
 */
final class JavaShell implements AutoCloseable {

    /** Where a snippet came from: which cell (its execution count) and its first line there. */
    private record Origin(int cell, int firstLine) {}

    private static final Pattern DISPLAY_CALL = Pattern.compile("(?s)(?:\\s|//[^\\n]*\\n|/\\*.*?\\*/)*(?:Notebook\\.)?display\\s*\\(");

    private final LiveExecutionControl control = new LiveExecutionControl();
    private final JShell jshell;
    private final SourceCodeAnalysis analysis;
    private final Map<String, Origin> origins = new ConcurrentHashMap<>();
    private final List<String> addedClasspath = new CopyOnWriteArrayList<>();

    JavaShell() {
        jshell = JShell.builder().executionEngine(control.provider(), Map.of()).build();
        // Compile once before JShell starts indexing the classpath on a background thread: if that
        // thread is the first to read the compiler's file manager, a jar added soon after can stay
        // invisible to the compiler ("package ... does not exist", seen on JDK 17).
        jshell.eval("import java.lang.*;");
        analysis = jshell.sourceCodeAnalysis();
    }

    /** The execution control, for interrupts and start-up work on the cell thread. */
    LiveExecutionControl control() {
        return control;
    }

    /**
     * Evaluates each line of {@code imports} (import declarations); the ones that do not compile
     * (a package the build does not have yet) are dropped silently. Returns those that failed.
     */
    List<String> importAll(List<String> imports) {
        List<String> failed = new ArrayList<>();
        for (String line : imports) {
            for (SnippetEvent e : jshell.eval(line)) {
                if (e.causeSnippet() == null && e.status() == Snippet.Status.REJECTED) {
                    jshell.drop(e.snippet());
                    failed.add(line);
                }
            }
        }
        return failed;
    }

    /**
     * Evaluates {@code cell} (execution count {@code count}) and returns the live value of its last
     * expression, or null when it has none.
     *
     * @throws CellError when a snippet does not compile, throws, or the cell is interrupted
     */
    Object eval(String cell, int count) {
        control.startCell();
        Object value = null;
        int offset = 0;
        while (offset < cell.length()) {
            String rest = cell.substring(offset);
            CompletionInfo info = analysis.analyzeCompletion(rest);
            if (info.completeness() == Completeness.EMPTY) {
                break;
            }
            boolean complete = info.completeness().isComplete() && info.source() != null;
            String source = complete ? info.source() : rest;
            int length = complete ? rest.length() - info.remaining().length() : rest.length();
            if (length <= 0) {
                length = rest.length();
            }
            value = evalSnippet(cell, offset, source, count);
            offset += length;
            if (control.wasInterrupted()) {
                throw CellError.interrupted();
            }
        }
        return value;
    }

    private Object evalSnippet(String cell, int offset, String source, int count) {
        Object value = null;
        List<SnippetEvent> events = jshell.eval(source);
        for (SnippetEvent e : events) {
            if (e.causeSnippet() != null) {
                continue; // an earlier snippet updated because of this one
            }
            Snippet snippet = e.snippet();
            origins.put(snippet.id(), new Origin(count, CellError.lineNumber(cell, codeStart(cell, offset))));
            if (e.status() == Snippet.Status.REJECTED) {
                throw compileError(cell, offset, snippet);
            }
            if (e.exception() != null) {
                throw control.wasInterrupted() ? CellError.interrupted(stopMessage(e.exception()))
                        : runtimeError(e.exception(), count);
            }
            warnIfUnresolved(e);
            value = isValue(snippet) && e.value() != null ? control.takeValue(e.value()) : null;
            if (value instanceof String && DISPLAY_CALL.matcher(source).lookingAt()) {
                value = null; // display(x) as the last line shows x, not also the display id it returns
            }
        }
        return value;
    }

    /**
     * The library's own account of an interruption ("interrupted after iteration 3 of 10; the
     * checkpoint of ..."), or null when the cell stopped some other way.
     */
    private static String stopMessage(jdk.jshell.JShellException e) {
        return e instanceof jdk.jshell.EvalException ee
                && dev.rlhf4j.core.InterruptedRunException.class.getName().equals(ee.getExceptionClassName())
                ? ee.getMessage() : null;
    }

    /** Where the code after {@code offset} starts: JShell counts a snippet's lines from there. */
    static int codeStart(String cell, int offset) {
        int i = offset;
        while (i < cell.length()) {
            if (Character.isWhitespace(cell.charAt(i))) {
                i++;
            } else if (cell.startsWith("//", i)) {
                int end = cell.indexOf('\n', i);
                i = end < 0 ? cell.length() : end + 1;
            } else if (cell.startsWith("/*", i)) {
                int end = cell.indexOf("*/", i + 2);
                i = end < 0 ? cell.length() : end + 2;
            } else {
                break;
            }
        }
        return i;
    }

    private static boolean isValue(Snippet snippet) {
        return switch (snippet.subKind()) {
            case VAR_VALUE_SUBKIND, TEMP_VAR_EXPRESSION_SUBKIND, OTHER_EXPRESSION_SUBKIND -> true;
            default -> false;
        };
    }

    private CellError compileError(String cell, int offset, Snippet snippet) {
        List<CellError.Problem> problems = new ArrayList<>();
        jshell.diagnostics(snippet).filter(Diag::isError).forEach(d -> problems.add(new CellError.Problem(
                d.getMessage(Locale.ROOT),
                offset + (int) d.getStartPosition(),
                offset + (int) d.getEndPosition(),
                offset + (int) d.getPosition())));
        return CellError.compile(cell, problems);
    }

    private CellError runtimeError(JShellException ex, int count) {
        if (ex instanceof UnresolvedReferenceException ure) {
            return CellError.unresolved(describe(ure.getSnippet()), missing(ure.getSnippet()));
        }
        if (ex instanceof EvalException ee) {
            List<CellError.Cause> causes = new ArrayList<>();
            for (Throwable c = ee.getCause(); c != null; c = c.getCause()) {
                String name = c instanceof EvalException ce ? ce.getExceptionClassName() : c.getClass().getName();
                causes.add(new CellError.Cause(name, c.getMessage(), frames(c, count)));
            }
            return CellError.runtime(ee.getExceptionClassName(), ee.getMessage(), frames(ee, count), causes);
        }
        return CellError.runtime(ex.getClass().getName(), ex.getMessage(), frames(ex, count), List.of());
    }

    /** The exception's frames: snippet frames as notebook lines, then library frames as usual. */
    private List<CellError.Frame> frames(Throwable t, int count) {
        List<CellError.Frame> frames = new ArrayList<>();
        for (StackTraceElement f : t.getStackTrace()) {
            String file = f.getFileName();
            if (file != null && file.startsWith("#")) {
                String method = f.getMethodName();
                String klass = f.getClassName();
                String name = (klass.isEmpty() ? "" : klass + ".") + method;
                String where = where(file.substring(1), f.getLineNumber(), count);
                frames.add(new CellError.Frame(name.isEmpty() ? where : name + " (" + where + ")", true));
            } else if (!isKernelFrame(f)) {
                frames.add(new CellError.Frame(f.toString(), false));
            }
        }
        return frames;
    }

    private static boolean isKernelFrame(StackTraceElement f) {
        String c = f.getClassName();
        return c.startsWith("dev.rlhf4j.kernel.") || c.startsWith("jdk.jshell.")
                || c.startsWith("java.util.concurrent.") || c.startsWith("jdk.internal.reflect.")
                || c.startsWith("java.lang.reflect.Method") || c.equals("java.lang.Thread")
                || c.startsWith("org.dflib.jjava.");
    }

    private String where(String snippetId, int line, int count) {
        Origin o = origins.get(snippetId);
        if (o == null) {
            return "line " + line;
        }
        int cellLine = o.firstLine() + line - 1;
        return o.cell() == count ? "line " + cellLine : "cell [" + o.cell() + "], line " + cellLine;
    }

    private void warnIfUnresolved(SnippetEvent e) {
        if (e.snippet() instanceof DeclarationSnippet d && e.status() == Snippet.Status.RECOVERABLE_DEFINED) {
            System.err.println("note: " + describe(d) + " is declared, but it cannot be used until "
                    + String.join(" and ", missing(d)) + " is declared");
        }
    }

    private String describe(DeclarationSnippet d) {
        return switch (d.kind()) {
            case METHOD -> "method " + d.name() + "()";
            case VAR -> "variable " + d.name();
            default -> d.name();
        };
    }

    private List<String> missing(DeclarationSnippet d) {
        return jshell.unresolvedDependencies(d).toList();
    }

    /**
     * Completions at {@code cursor}: the replacement texts, best first, and the range
     * {@code [start, cursor)} they replace.
     */
    Completion complete(String code, int cursor) {
        int start = snippetStart(code, cursor);
        int[] anchor = new int[1];
        Set<String> typed = new LinkedHashSet<>();
        Set<String> other = new LinkedHashSet<>();
        for (SourceCodeAnalysis.Suggestion s : analysis.completionSuggestions(code.substring(start), cursor - start, anchor)) {
            (s.matchesType() ? typed : other).add(s.continuation());
        }
        typed.addAll(other);
        return new Completion(List.copyOf(typed), start + anchor[0], cursor);
    }

    /** Completion candidates and the range of the cell they replace. */
    record Completion(List<String> matches, int start, int end) {}

    /**
     * Signatures (and javadoc where the JDK has sources) of what is at {@code cursor}, or of the
     * variable there with its type and value; null when nothing is found.
     */
    String inspect(String code, int cursor) {
        int start = snippetStart(code, cursor);
        String snippet = code.substring(start);
        int at = cursor - start;
        int end = at;
        while (end < snippet.length() && Character.isJavaIdentifierPart(snippet.charAt(end))) {
            end++;
        }
        List<SourceCodeAnalysis.Documentation> docs = analysis.documentation(snippet, end, true);
        if (docs.isEmpty() && (end >= snippet.length() || snippet.charAt(end) != '(')) {
            String call = snippet.substring(0, end) + "(";
            docs = analysis.documentation(call, call.length(), true);
        }
        String name = identifierBefore(snippet, end);
        StringBuilder text = new StringBuilder();
        for (SourceCodeAnalysis.Documentation d : docs) {
            if (d.signature().startsWith(name + ":")) {
                continue; // a variable: shown below with its value
            }
            text.append(d.signature()).append('\n');
            if (d.javadoc() != null && !d.javadoc().isBlank()) {
                text.append(d.javadoc().strip()).append("\n\n");
            }
        }
        jshell.variables().filter(v -> v.name().equals(name) && jshell.status(v).isActive()).forEach(v -> {
            String value = jshell.varValue(v);
            if (value.length() > 500) {
                value = value.substring(0, 500) + " ...";
            }
            text.append(v.typeName()).append(' ').append(v.name()).append(" = ").append(value).append('\n');
        });
        return text.length() == 0 ? null : text.toString().strip();
    }

    private static String identifierBefore(String s, int end) {
        int start = end;
        while (start > 0 && Character.isJavaIdentifierPart(s.charAt(start - 1))) {
            start--;
        }
        return s.substring(start, end);
    }

    /** Where the snippet containing {@code cursor} starts (complete snippets before it are skipped). */
    private int snippetStart(String code, int cursor) {
        String before = code.substring(0, Math.min(cursor, code.length()));
        int start = 0;
        while (start < before.length()) {
            CompletionInfo info = analysis.analyzeCompletion(before.substring(start));
            if (!info.completeness().isComplete() || info.remaining().isBlank()) {
                break;
            }
            start = before.length() - info.remaining().length();
        }
        while (start < before.length() && Character.isWhitespace(before.charAt(start))) {
            start++;
        }
        return start;
    }

    /** Whether {@code code} can run as is. */
    enum Readiness { COMPLETE, INCOMPLETE, INVALID }

    /** Whether {@code code} is complete, needs more lines, or cannot compile whatever follows. */
    Readiness readiness(String code) {
        String rest = code;
        while (true) {
            CompletionInfo info = analysis.analyzeCompletion(rest);
            switch (info.completeness()) {
                case EMPTY:
                    return Readiness.COMPLETE;
                case DEFINITELY_INCOMPLETE:
                case CONSIDERED_INCOMPLETE:
                    return Readiness.INCOMPLETE;
                case UNKNOWN:
                    return Readiness.INVALID;
                default:
                    if (info.remaining().isBlank()) {
                        return Readiness.COMPLETE;
                    }
                    rest = info.remaining();
            }
        }
    }

    /** Adds a jar or folder to the classpath of the compiler and of the cells. */
    void addToClasspath(String path) {
        jshell.addToClasspath(path);
        addedClasspath.add(path);
    }

    /** What was added with {@link #addToClasspath(String)}, in order. */
    List<String> addedClasspath() {
        return List.copyOf(addedClasspath);
    }

    /** Interrupts the running cell (see {@link LiveExecutionControl#interrupt()}). */
    void interrupt() {
        control.interrupt();
    }

    @Override
    public void close() {
        jshell.close();
    }
}
