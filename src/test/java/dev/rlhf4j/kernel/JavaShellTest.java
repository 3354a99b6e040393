package dev.rlhf4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The JShell layer on its own, in this JVM: values, state, errors, interrupts, completion. */
class JavaShellTest {

    static JavaShell shell;
    static int cell;

    @BeforeAll
    static void start() {
        shell = new JavaShell();
        List<String> failed = shell.importAll(List.of("import java.util.*;", "import dev.rlhf4j.no.such.pkg.*;"));
        assertEquals(List.of("import dev.rlhf4j.no.such.pkg.*;"), failed);
    }

    @AfterAll
    static void stop() {
        shell.close();
    }

    static Object eval(String code) {
        return shell.eval(code, ++cell);
    }

    @Test
    void lastExpressionIsTheLiveValue() {
        assertEquals(3, eval("1 + 2"));
        assertInstanceOf(BufferedImage.class, eval("new java.awt.image.BufferedImage(2, 2, 1)"));
        assertEquals("abc", eval("String s = \"ab\";\ns + \"c\""));
        assertNull(eval("int unused = 5;"), "a declaration has no value");
        assertNull(eval("System.out.print(\"\")"), "a void call has no value");
        eval("String display(Object o) { return \"an-id\"; }");
        assertNull(eval("display(42)"), "display(...) returns an id that is not shown");
    }

    @Test
    void variablesSurviveLaterImports() {
        eval("int kept = 41;\nString word = \"abc\";\nclass Box { int v = 7; }\nBox box = new Box();");
        eval("// a comment before the import\nimport java.util.concurrent.*;");
        eval("\n\nimport java.time.*;");
        assertEquals(41, eval("kept"));
        assertEquals("abc", eval("word"));
        assertEquals(7, eval("box.v"));
    }

    @Test
    void redefinedMethodTakesEffectAndKeepsDependentValues() {
        eval("int base() { return 1; }\nint twice() { return 2 * base(); }\nint early = base();");
        eval("int base() { return 5; }");
        assertEquals(10, eval("twice()"));
        assertEquals(1, eval("early"), "a variable computed before keeps its value");
    }

    @Test
    void compileErrorShowsLineCodeAndCaret() {
        CellError e = assertThrows(CellError.class, () -> eval("int a = 1;\nint b = a + missing;"));
        assertEquals("CompileError", e.ename());
        assertEquals("cannot find symbol", e.evalue());
        String text = String.join("\n", e.traceback());
        assertTrue(text.contains("line 2: cannot find symbol"), text);
        assertTrue(text.contains("    int b = a + missing;\n                ^^^^^^^"), text);
        assertTrue(!text.contains("location: class"), text);
    }

    @Test
    void runtimeErrorShowsUserFramesOnly() {
        eval("int half(int n) {\n  return 10 / n;\n}");
        int defined = cell;
        CellError e = assertThrows(CellError.class, () -> eval("int zero = 0;\nhalf(zero)"));
        assertEquals("ArithmeticException", e.ename());
        assertEquals("/ by zero", e.evalue());
        String text = String.join("\n", e.traceback());
        assertTrue(text.contains("at half (cell [" + defined + "], line 2)"), text);
        assertTrue(text.contains("at line 2"), text);
        assertTrue(!text.contains("jdk.jshell") && !text.contains("REPL.") && !text.contains("dev.rlhf4j.kernel"), text);
    }

    @Test
    void framesCountLinesAfterCommentsAndBlankLines() {
        CellError e = assertThrows(CellError.class, () -> eval("int one = 1;\n\n// divide\nint bad = one / (one - 1);"));
        assertTrue(e.traceback().contains("    at line 4"), e.traceback().toString());
    }

    @Test
    void causesAreShown() {
        CellError e = assertThrows(CellError.class,
                () -> eval("throw new RuntimeException(\"outer\", new IllegalStateException(\"inner\"));"));
        String text = String.join("\n", e.traceback());
        assertTrue(text.contains("Caused by: java.lang.IllegalStateException: inner"), text);
    }

    @Test
    void unresolvedReferenceIsExplained() {
        eval("void later() { notYet(); }");
        CellError e = assertThrows(CellError.class, () -> eval("later()"));
        assertEquals("UnresolvedReference", e.ename());
        assertTrue(e.evalue().contains("method notYet()"), e.evalue());
    }

    @Test
    void incompleteCellIsACompileError() {
        CellError e = assertThrows(CellError.class, () -> eval("for (int i = 0; i < 3; i++) {"));
        assertEquals("CompileError", e.ename());
    }

    /** The system property that ends the busy loop of {@link #busyLoopStopsOrSaysItCannot()}. */
    static final String RELEASE = "rlhf4j.test.release";

    /**
     * A loop that never checks for interrupts: Java 17-19 stop its thread; Java 20+ cannot, and the
     * cell's stderr says so (with the advice to restart the kernel) while the cell keeps running.
     */
    @Test
    void busyLoopStopsOrSaysItCannot() throws Exception {
        System.setProperty(RELEASE, "false");
        java.io.PrintStream savedErr = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            CompletableFuture<Object> run = CompletableFuture.supplyAsync(
                    () -> eval("long spins = 0;\nwhile (!Boolean.getBoolean(\"" + RELEASE + "\")) { spins++; }"));
            Thread.sleep(700);
            long asked = System.nanoTime();
            shell.interrupt();
            if (!LiveExecutionControl.CAN_STOP_THREADS) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!err.toString(java.nio.charset.StandardCharsets.UTF_8).contains("did not stop")) {
                    assertTrue(System.nanoTime() < deadline, "no word that the cell did not stop: " + err);
                    Thread.sleep(20);
                }
                String said = err.toString(java.nio.charset.StandardCharsets.UTF_8);
                assertTrue(said.contains("Java " + Runtime.version().feature() + " cannot stop") && said.contains("Restart the kernel"), said);
                assertTrue(!run.isDone(), "the loop still runs: only a restart ends it");
                System.setProperty(RELEASE, "true"); // here the test ends the loop; a learner restarts the kernel
            }
            Exception e = assertThrows(Exception.class, () -> run.get(20, TimeUnit.SECONDS));
            assertEquals("Interrupted", ((CellError) e.getCause()).ename());
            assertTrue(System.nanoTime() - asked < TimeUnit.SECONDS.toNanos(5), "stopped within 5 s");
            assertEquals(2, eval("1 + 1"), "the shell still works after the busy loop");
        } finally {
            System.setProperty(RELEASE, "true");
            System.setErr(savedErr);
        }
    }

    @Test
    void interruptStopsSleepAndBusyLoop() throws Exception {
        List<String> cells = LiveExecutionControl.CAN_STOP_THREADS
                ? List.of("Thread.sleep(120_000);", "long spins = 0;\nwhile (true) { spins++; }")
                : List.of("Thread.sleep(120_000);"); // Java 20+: see busyLoopStopsOrSaysItCannot
        for (String code : cells) {
            CompletableFuture<Object> run = CompletableFuture.supplyAsync(() -> eval(code));
            Thread.sleep(700);
            long asked = System.nanoTime();
            shell.interrupt();
            Exception e = assertThrows(Exception.class, () -> run.get(20, TimeUnit.SECONDS));
            assertInstanceOf(CellError.class, e.getCause());
            assertEquals("Interrupted", ((CellError) e.getCause()).ename());
            assertTrue(System.nanoTime() - asked < TimeUnit.SECONDS.toNanos(5), code);
            assertEquals(2, eval("1 + 1"), "the shell still works after: " + code);
        }
    }

    @Test
    void completesInsideMultiSnippetCells() {
        JavaShell.Completion c = shell.complete("int n = 1;\nSystem.out.printl", 28);
        assertEquals(List.of("println("), c.matches());
        assertEquals(22, c.start());
        assertEquals(28, c.end());
        assertTrue(shell.complete("Math.ab", 7).matches().contains("abs("));
    }

    @Test
    void inspectShowsSignaturesAndVariables() {
        assertTrue(shell.inspect("Math.abs", 8).contains("int Math.abs(int a)"));
        eval("double learningRate = 3e-4;");
        assertEquals("double learningRate = 3.0E-4", shell.inspect("learningRate", 5));
        assertNull(shell.inspect("   ", 1));
    }

    @Test
    void readiness() {
        assertEquals(JavaShell.Readiness.COMPLETE, shell.readiness("1 + 2"));
        assertEquals(JavaShell.Readiness.COMPLETE, shell.readiness("int a = 1;\nint b = 2;"));
        assertEquals(JavaShell.Readiness.INCOMPLETE, shell.readiness("for (int i = 0; i < 3; i++) {"));
        assertEquals(JavaShell.Readiness.INCOMPLETE, shell.readiness("int a = 1;\nfoo("));
        assertEquals(JavaShell.Readiness.INVALID, shell.readiness(")"));
    }

    @Test
    void classFieldsReadsStaticFieldsOfAClassFile() throws Exception {
        byte[] bytes;
        try (var in = Holder.class.getResourceAsStream("JavaShellTest$Holder.class")) {
            bytes = in.readAllBytes();
        }
        assertEquals(java.util.Set.of("COUNT:I", "NAME:Ljava/lang/String;", "BIG:J"), ClassFields.staticFields(bytes));
    }

    @SuppressWarnings("unused")
    static final class Holder {
        static int COUNT = 1;
        static String NAME = "x";
        static long BIG = 1L << 40;
        double notStatic = 2.5;
    }
}
