package dev.rlhf4j.kernel;

import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.messages.publish.PublishClearOutput;

/**
 * The cell's {@code System.out}, {@code System.err} and {@code System.in}, connected to the
 * notebook while a cell runs.
 *
 * <p>What a cell prints is collected and sent every {@value #FLUSH_MILLIS} ms (as IPython does),
 * before anything is displayed, and at the end of the cell; so a loop printing thousands of lines
 * sends a few messages, and a progress bar's {@code \r} updates show while the cell runs. Reading
 * {@code System.in} first sends the output, so a prompt shows before the input box.
 */
final class KernelIO extends JupyterIO {

    static final long FLUSH_MILLIS = 200;

    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rlhf4j-flush");
        t.setDaemon(true);
        return t;
    });
    private final InputStream promptingIn = new FilterInputStream(in) {
        @Override
        public int read() throws IOException {
            flush();
            return super.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            flush();
            return super.read(b, off, len);
        }
    };

    private final PrintStream cellOut = new PrintStream(new BufferedOutputStream(out, 1 << 16), false, StandardCharsets.UTF_8);
    private final PrintStream cellErr = new PrintStream(new BufferedOutputStream(err, 1 << 16), false, StandardCharsets.UTF_8);
    private PrintStream savedOut;
    private PrintStream savedErr;
    private InputStream savedIn;
    private ScheduledFuture<?> flushing;
    private volatile ShellReplyEnvironment env;
    private volatile boolean stdinEnabled;

    KernelIO(Charset encoding) {
        super(encoding);
    }

    /** Connects the standard streams to the notebook for the cell answering {@code env}. */
    synchronized void attach(ShellReplyEnvironment env, boolean allowStdin) {
        this.env = env;
        this.stdinEnabled = allowStdin;
        setEnv(env);
        setJupyterInEnabled(allowStdin);
        savedOut = System.out;
        savedErr = System.err;
        savedIn = System.in;
        System.setOut(cellOut);
        System.setErr(cellErr);
        System.setIn(promptingIn);
        flushing = flusher.scheduleWithFixedDelay(this::flush, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Flushes what the cell printed and gives the standard streams back. */
    synchronized void detach(ShellReplyEnvironment env) {
        if (flushing != null) {
            flushing.cancel(false);
            flushing = null;
        }
        flush();
        if (savedOut != null) {
            System.setOut(savedOut);
            System.setErr(savedErr);
            System.setIn(savedIn);
            savedOut = null;
        }
        retractEnv(env);
        this.env = null;
    }

    /** Sends what the cell printed so far to the notebook. */
    void flush() {
        cellOut.flush();
        cellErr.flush();
    }

    /**
     * Asks the notebook user for a line of text, showing {@code prompt} by the input box.
     *
     * @throws IllegalStateException outside a cell, or when the client takes no input (nbclient)
     */
    String readLine(String prompt, boolean password) {
        ShellReplyEnvironment e = env;
        if (e == null || !stdinEnabled) {
            throw new IllegalStateException("this notebook client does not take input"
                    + " (a notebook run by nbconvert or nbclient cannot answer); put the answer in the code instead");
        }
        flush();
        String line = e.readFromStdIn(prompt, password);
        return line.endsWith(System.lineSeparator()) ? line.substring(0, line.length() - System.lineSeparator().length()) : line;
    }

    /** Clears the cell's output, at once or ({@code wait}) when the next output arrives. */
    void clearOutput(boolean wait) {
        ShellReplyEnvironment e = env;
        if (e != null) {
            flush();
            e.publish(wait ? PublishClearOutput.BEFORE_NEXT_OUTPUT : PublishClearOutput.NOW);
        }
    }

    /** Stops the periodic flushing thread. */
    void close() {
        flusher.shutdownNow();
    }
}
