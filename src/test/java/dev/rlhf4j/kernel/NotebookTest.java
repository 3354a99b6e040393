package dev.rlhf4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.Test;

/** The notebook API outside a kernel (a test, the command line): text, and a clear error for input. */
class NotebookTest {

    @Test
    void displayPrintsTextOutsideAKernel() {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            String id = Notebook.display(java.util.List.of(1, 2));
            assertFalse(id.isBlank());
            Notebook.updateDisplay(id, "done");
        } finally {
            System.setOut(saved);
        }
        assertEquals("[1, 2]\ndone\n", out.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"));
    }

    @Test
    void renderAsChosenTypes() {
        assertEquals("<b>x</b>", Notebook.render("<b>x</b>", "text/html").getData(MIMEType.TEXT_HTML));
    }

    @Test
    void inputNeedsAKernel() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Notebook.input("name? "));
        assertEquals("input(...) needs a running notebook kernel", e.getMessage());
    }
}
