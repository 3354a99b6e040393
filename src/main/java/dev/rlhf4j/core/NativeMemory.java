package dev.rlhf4j.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How glibc's {@code malloc} should treat libtorch's tensors, as environment variables that must be
 * set before the JVM starts: {@code ./rlhf4j}, the kernelspec of {@code rlhf4j kernel install}, the
 * benchmarks and the tests' JVM all set {@link #ENV}.
 *
 * <p>Why: with glibc's defaults, a tensor of more than about 128 KB (a batch's {@code [B, T, V]}
 * logits are 1–9 MB) comes from memory that is handed back to the kernel when it is freed, so the
 * next tensor of that size page-faults on every 4 KB page it touches, and on a virtual machine a
 * fault costs 10–20 µs. PPO's no-grad forward of the policy and the reference faulted 3,000–10,000
 * times per iteration (12–40 MB) and took 108–179 ms; with these settings it faults 250–480 times
 * and takes 90–101 ms (measured on 2 cores, see {@code bench/README.md}). The settings:
 *
 * <ul>
 *   <li>{@code MALLOC_ARENA_MAX=1}: every thread allocates from the main heap, which only shrinks
 *       under the trim threshold (the per-thread arenas also unmap whole heaps that come free);</li>
 *   <li>{@code MALLOC_MMAP_THRESHOLD_=32 MiB}: blocks up to 32 MiB (every activation of the bundled
 *       models) come from that heap, not from a fresh {@code mmap} each time;</li>
 *   <li>{@code MALLOC_TRIM_THRESHOLD_=1 GiB}: freed memory stays with the process for the next
 *       tensor. The resident size then stays at its peak instead of falling back after it; the peak
 *       itself does not grow.</li>
 * </ul>
 *
 * <p>Only glibc (Linux) reads them; elsewhere they do nothing. In {@code ./rlhf4j} and the benchmarks a
 * variable the user already set wins; in the kernelspec, edit {@code kernel.json}'s {@code env}.
 */
public final class NativeMemory {

    /** The variables and their values, in the order the launchers set them. */
    public static final Map<String, String> ENV;

    static {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("MALLOC_ARENA_MAX", "1");
        env.put("MALLOC_MMAP_THRESHOLD_", String.valueOf(32 << 20));
        env.put("MALLOC_TRIM_THRESHOLD_", String.valueOf(1 << 30));
        ENV = Collections.unmodifiableMap(env);
    }

    private NativeMemory() {}
}
