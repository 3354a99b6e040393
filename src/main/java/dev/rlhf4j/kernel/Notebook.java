package dev.rlhf4j.kernel;

import java.util.UUID;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;

/**
 * The notebook API every cell has (statically imported at start-up), named as in IJava:
 *
 * <pre>{@code
 * display(chart);                        // show now, not only as the cell's value
 * String id = display("epoch 0");        // ... and keep the id
 * updateDisplay(id, "epoch 1");          // replace that output in place (live progress)
 * display("<b>bold</b>", "text/html");   // choose the MIME type
 * String name = input("Your name: ");    // ask the notebook user for a line
 * clearOutput(true);                     // clear the cell's output when the next one comes
 * }</pre>
 *
 * <p>Outside a running kernel (a test, the command line) {@code display} prints the value's text.
 */
public final class Notebook {

    private Notebook() {}

    /** What the kernel would show for {@code value} (its MIME bundle). */
    public static DisplayData render(Object value) {
        Kernel k = Kernel.current();
        return k != null ? k.getRenderer().render(value) : Renderers.render(value);
    }

    /** {@code value} rendered as the given MIME types (e.g. {@code "text/html"}), plus text. */
    public static DisplayData render(Object value, String... mimeTypes) {
        Kernel k = Kernel.current();
        return (k != null ? k.getRenderer() : Renderers.current()).renderAs(value, mimeTypes);
    }

    /** Shows {@code value} below the cell now; returns the id for {@link #updateDisplay}. */
    public static String display(Object value) {
        return publish(render(value));
    }

    /** Shows {@code value} as the given MIME types; returns the id for {@link #updateDisplay}. */
    public static String display(Object value, String... mimeTypes) {
        return publish(render(value, mimeTypes));
    }

    /** Replaces the output shown by {@code display} under {@code id} with {@code value}. */
    public static void updateDisplay(String id, Object value) {
        update(id, render(value));
    }

    /** Replaces the output under {@code id} with {@code value} as the given MIME types. */
    public static void updateDisplay(String id, Object value, String... mimeTypes) {
        update(id, render(value, mimeTypes));
    }

    /**
     * Asks the notebook user for a line of text (an input box under the cell, {@code prompt} beside
     * it) and returns it without the line end.
     *
     * @throws IllegalStateException when the client cannot answer (a notebook run by nbconvert)
     */
    public static String input(String prompt) {
        Kernel k = Kernel.current();
        if (k == null) {
            throw new IllegalStateException("input(...) needs a running notebook kernel");
        }
        return k.kernelIO().readLine(prompt, false);
    }

    /**
     * Clears what the cell has shown so far; with {@code wait}, only when the next output arrives
     * (no flicker in a loop that redraws a chart).
     */
    public static void clearOutput(boolean wait) {
        Kernel k = Kernel.current();
        if (k != null) {
            k.kernelIO().clearOutput(wait);
        }
    }

    private static String publish(DisplayData data) {
        if (data.getDisplayId() == null) {
            data.setDisplayId(UUID.randomUUID().toString());
        }
        Kernel k = Kernel.current();
        if (k == null) {
            System.out.println(data.getData(MIMEType.TEXT_PLAIN));
        } else {
            k.kernelIO().flush(); // what was printed before shows before the display
            k.display(data);
        }
        return data.getDisplayId();
    }

    private static void update(String id, DisplayData data) {
        Kernel k = Kernel.current();
        if (k == null) {
            System.out.println(data.getData(MIMEType.TEXT_PLAIN));
        } else {
            k.kernelIO().flush();
            k.getIO().display.updateDisplay(id, data);
        }
    }
}
