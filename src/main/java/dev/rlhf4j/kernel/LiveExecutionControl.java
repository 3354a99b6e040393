package dev.rlhf4j.kernel;

import dev.rlhf4j.core.InterruptedRunException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * Runs JShell snippets inside the kernel's own JVM, so a cell's value reaches the renderers as a
 * live object (a chart, a table), not as JShell's string for it.
 *
 * <ul>
 *   <li><b>Live values:</b> each snippet runs on one "cell" thread; its return value is kept under
 *       a key, and JShell is handed the key. {@link #takeValue(String)} gives the object back.
 *   <li><b>Interrupt:</b> {@link #interrupt()} interrupts the cell thread. That stops
 *       {@code sleep}, {@code wait}, blocking I/O and every long loop of the library, which checks
 *       the flag between its steps ({@code core.Interrupts}). A cell still busy after a grace period
 *       is a loop of the user's that never checks: Java 17–19 stop its thread
 *       ({@code Thread.stop}); Java 20 and later cannot, so the cell's output says that it did not
 *       stop, how to make such a loop stoppable, and that restarting the kernel ends it. A cell
 *       inside the library's code is given longer to reach its next check before that.
 *   <li><b>Redefinition:</b> JShell recompiles earlier snippets when a later one (a wildcard
 *       import, a replaced method) may change them. The stock in-process engine cannot redefine
 *       classes, so JShell replaces them with fresh classes and every variable among them silently
 *       becomes 0 or null (JJava issue #119). Here a recompiled variable wrapper whose static fields
 *       are unchanged keeps its loaded class and so its values; anything else (methods, classes)
 *       is replaced as JShell does, so new code takes effect.
 * </ul>
 */
final class LiveExecutionControl extends DirectExecutionControl {

    /** How long an interrupted cell may keep running before its thread is stopped. */
    static final long STOP_GRACE_MILLIS = 1500;
    /**
     * How long an interrupted cell that is inside the library's code (which checks for interrupts
     * between its steps) may keep running before it is treated as a loop that never checks: a step
     * stopped by force could leave a model half-updated or its native memory unreleased.
     */
    static final long LIBRARY_GRACE_MILLIS = 30_000;
    /** {@code Thread.stop} works up to Java 19; from Java 20 on it throws UnsupportedOperationException. */
    static final boolean CAN_STOP_THREADS = Runtime.version().feature() < 20;

    private final Map<String, Object> values = new HashMap<>();
    private final Map<String, byte[]> loaded = new ConcurrentHashMap<>();
    private final AtomicLong nextKey = new AtomicLong();
    private final ExecutorService cellExecutor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "rlhf4j-cell");
        t.setDaemon(true);
        return t;
    });
    private volatile Thread cellThread;
    private volatile boolean interrupted;

    /** Plugs this control into {@code JShell.builder().executionEngine(provider, Map.of())}. */
    ExecutionControlProvider provider() {
        LiveExecutionControl self = this;
        return new ExecutionControlProvider() {
            @Override
            public String name() {
                return "rlhf4j-live";
            }

            @Override
            public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
                return self;
            }
        };
    }

    /** Clears the interrupt flag and the kept values; called when a cell starts. */
    synchronized void startCell() {
        interrupted = false;
        values.clear();
    }

    /** Whether {@link #interrupt()} was called since the cell started. */
    boolean wasInterrupted() {
        return interrupted;
    }

    /** The live value JShell knows under {@code key} (null if none, or if the value was null). */
    synchronized Object takeValue(String key) {
        return values.remove(key);
    }

    /** Runs {@code task} on the cell thread and waits for it (used for kernel start-up work). */
    void runOnCellThread(Runnable task) throws InterruptedException, ExecutionException {
        cellExecutor.submit(task).get();
    }

    /**
     * Interrupts the running cell; stops its thread if it is still running after
     * {@link #STOP_GRACE_MILLIS}. Returns at once.
     */
    void interrupt() {
        interrupted = true;
        Thread t = cellThread;
        if (t == null) {
            return;
        }
        t.interrupt();
        Thread watchdog = new Thread(() -> stopIfStillRunning(t), "rlhf4j-interrupt");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    @SuppressWarnings({"deprecation", "removal"})
    private void stopIfStillRunning(Thread t) {
        long started = System.currentTimeMillis();
        while (cellThread == t && System.currentTimeMillis() < started + STOP_GRACE_MILLIS) {
            sleepQuietly(20);
        }
        while (cellThread == t && inLibrary(t) && System.currentTimeMillis() < started + LIBRARY_GRACE_MILLIS) {
            sleepQuietly(20); // the library's loop finishes its step and stops at its next check
        }
        if (cellThread != t || !interrupted) {
            return;
        }
        if (CAN_STOP_THREADS) {
            try {
                t.stop(); // the cell ignores interrupts (a busy loop); Java 17-19 can still stop it
                return;
            } catch (UnsupportedOperationException e) {
                // a JVM that refuses: say so below
            }
        }
        System.err.println(notStoppedMessage(Runtime.version().feature()));
        System.err.flush();
    }

    /** What a cell that ignores interrupts prints when this Java cannot stop its thread. */
    static String notStoppedMessage(int javaVersion) {
        return "rlhf4j: the cell did not stop. Its code never checks for interrupts (a loop such as"
                + " while (true) { ... }), and Java " + javaVersion + " cannot stop a thread by force (Java 17 to 19"
                + " could). Restart the kernel to end it (Kernel > Restart Kernel; the notebook's variables are"
                + " lost). To make a loop of your own stoppable, end it when Thread.interrupted() is true; the"
                + " library's training and sampling loops already do.";
    }

    /** Whether {@code t} is running the library's code (not the kernel's, nor only the user's). */
    static boolean inLibrary(Thread t) {
        for (StackTraceElement frame : t.getStackTrace()) {
            String c = frame.getClassName();
            if (c.startsWith("dev.rlhf4j.") && !c.startsWith("dev.rlhf4j.kernel.")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void load(ClassBytecodes[] cbcs)
            throws ClassInstallException, NotImplementedException, EngineTerminationException {
        super.load(cbcs);
        for (ClassBytecodes cbc : cbcs) {
            loaded.put(cbc.name(), cbc.bytecodes());
        }
    }

    @Override
    public void redefine(ClassBytecodes[] cbcs) throws NotImplementedException {
        if (!keepsVariables(cbcs)) {
            throw new NotImplementedException("redefine: replace the class instead");
        }
        for (ClassBytecodes cbc : cbcs) {
            loaded.put(cbc.name(), cbc.bytecodes()); // the loaded class (and its values) stays
        }
    }

    /** True when every class is a variable wrapper whose static fields did not change. */
    private boolean keepsVariables(ClassBytecodes[] cbcs) {
        for (ClassBytecodes cbc : cbcs) {
            byte[] old = loaded.get(cbc.name());
            if (old == null) {
                return false;
            }
            Set<String> before = ClassFields.staticFields(old);
            if (before.isEmpty() || !before.equals(ClassFields.staticFields(cbc.bytecodes()))) {
                return false;
            }
        }
        return cbcs.length > 0;
    }

    @Override
    protected String invoke(Method doitMethod) throws Exception {
        if (Thread.currentThread() == cellThread) { // a cell calling eval(...): already on the thread
            return keep(doitMethod.invoke(null));
        }
        Future<Object> run = cellExecutor.submit(() -> {
            Thread.interrupted(); // a flag left by an earlier interrupt must not hit this snippet
            cellThread = Thread.currentThread();
            if (interrupted) { // the interrupt came between two statements (while JShell compiled this one)
                cellThread = null;
                throw new InvocationTargetException(new InterruptedRunException("interrupted before the cell's next statement"));
            }
            try {
                return doitMethod.invoke(null);
            } finally {
                cellThread = null;
            }
        });
        Object value;
        try {
            value = getUninterruptibly(run);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof InvocationTargetException ite) {
                throw ite; // DirectExecutionControl turns this into the user's exception
            }
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw new InvocationTargetException(cause); // ThreadDeath from a stopped cell
        }
        return keep(value);
    }

    private synchronized String keep(Object value) {
        String key = "rlhf4j-value-" + nextKey.incrementAndGet();
        values.put(key, value);
        return key;
    }

    private static <T> T getUninterruptibly(Future<T> future) throws ExecutionException {
        boolean wasInterrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    wasInterrupted = true;
                }
            }
        } finally {
            if (wasInterrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop() {
        interrupt();
    }

    @Override
    public void close() {
        cellExecutor.shutdownNow();
    }
}
