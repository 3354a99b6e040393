package dev.rlhf4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CellErrorTest {

    static final String RED = "\u001b[0;31m";
    static final String RESET = "\u001b[0m";

    @Test
    void compileProblemsPointAtTheirLine() {
        String cell = "int a = 1;\nint b = a +  oops;\nint c = 3;";
        int start = cell.indexOf("oops");
        CellError e = CellError.compile(cell, List.of(new CellError.Problem(
                "cannot find symbol\n  symbol:   variable oops\n  location: class ", start, start + 4, start)));
        assertEquals("CompileError", e.ename());
        assertEquals("cannot find symbol", e.evalue());
        assertEquals(List.of(
                RED + "error" + RESET + " in line 2: cannot find symbol",
                "  symbol:   variable oops",
                "    int b = a +  oops;",
                "                 ^^^^"), e.traceback());
    }

    @Test
    void problemAtTheEndOfTheCell() {
        String cell = "foo(";
        CellError e = CellError.compile(cell, List.of(new CellError.Problem("reached end of file while parsing", 4, 4, 4)));
        assertEquals("    foo(", e.traceback().get(1));
        assertEquals("        ^", e.traceback().get(2));
    }

    @Test
    void runtimeErrorsListFramesAndCauses() {
        List<CellError.Frame> frames = IntStream.range(0, 30).mapToObj(i -> new CellError.Frame("f" + i + " (line 1)", true)).toList();
        CellError e = CellError.runtime("java.lang.IllegalStateException", "bad state", frames,
                List.of(new CellError.Cause("java.io.IOException", "disk", List.of(new CellError.Frame("read (line 3)", true)))));
        assertEquals("IllegalStateException", e.ename());
        assertEquals("bad state", e.evalue());
        List<String> tb = e.traceback();
        assertEquals(RED + "java.lang.IllegalStateException" + RESET + ": bad state", tb.get(0));
        assertEquals("    at f0 (line 1)", tb.get(1));
        assertEquals("    ... 6 more", tb.get(CellError.MAX_FRAMES + 1));
        assertEquals("Caused by: java.io.IOException: disk", tb.get(CellError.MAX_FRAMES + 2));
        assertEquals("    at read (line 3)", tb.get(CellError.MAX_FRAMES + 3));
    }

    @Test
    void nestedClassNamesGiveSimpleNames() {
        assertEquals("MagicError", CellError.runtime("dev.rlhf4j.kernel.Magics$MagicError", "m", List.of(), List.of()).ename());
    }

    @Test
    void lineNumbers() {
        assertEquals(1, CellError.lineNumber("abc", 2));
        assertEquals(3, CellError.lineNumber("a\nb\nc", 4));
    }
}
