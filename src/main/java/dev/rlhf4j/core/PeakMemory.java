package dev.rlhf4j.core;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The peak memory of a stretch of work in this JVM, measured two ways, since DJL keeps tensors in
 * native (PyTorch) memory that the Java heap never sees:
 *
 * <ul>
 *   <li><b>Java heap:</b> every heap {@link MemoryPoolMXBean}'s peak is reset at {@link #start()} and
 *       read at {@link Window#peakHeapBytes()}; the sum of the pools' peaks (eden, survivor, old) is an
 *       upper bound of the heap's peak, since the pools need not peak at the same moment.</li>
 *   <li><b>Process resident set (Linux):</b> the kernel's high-water mark {@code VmHWM} in
 *       {@code /proc/self/status}, reset to the current RSS at {@link #start()} by writing {@code 5} to
 *       {@code /proc/self/clear_refs} (Linux ≥ 4.0). It counts native tensors, the JVM's own heap
 *       reservation and code, so it includes what was resident before the window began. Where the
 *       reset or the file is unavailable it is {@code -1}. GPU memory is in neither figure.</li>
 * </ul>
 */
public final class PeakMemory {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private PeakMemory() {}

    /** An open measurement window. */
    public static final class Window {
        private final boolean rssReset;

        private Window(boolean rssReset) {
            this.rssReset = rssReset;
        }

        /** Σ over heap pools of the peak used bytes since {@link #start()}. */
        public long peakHeapBytes() {
            long sum = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                    sum += pool.getPeakUsage().getUsed();
                }
            }
            return sum;
        }

        /** The process's peak resident set since {@link #start()} in bytes, or -1 where it cannot be reset and read. */
        public long peakRssBytes() {
            return rssReset ? statusKb("VmHWM") * 1024 : -1;
        }
    }

    /** Resets the heap pools' peaks and the process's RSS high-water mark, and opens a window. */
    public static Window start() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
        boolean reset;
        try {
            Files.writeString(CLEAR_REFS, "5"); // 5: reset the peak RSS to the current RSS (proc(5), clear_refs)
            reset = statusKb("VmHWM") >= 0;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            reset = false;
        }
        return new Window(reset);
    }

    /** A {@code kB} field of {@code /proc/self/status}, or -1 when absent. */
    static long statusKb(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
