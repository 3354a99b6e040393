package dev.rlhf4j.core;

import java.util.Locale;

/**
 * Quick mode: the one switch that shrinks every run (iterations, sample counts) so tests, CI and
 * notebooks execute the whole path in seconds-to-minutes.
 *
 * <p>It is on when the environment variable {@code RLHF4J_QUICK} is {@code 1}/{@code true}, or the
 * system property {@code rlhf4j.quick} is {@code true}. This class is the only place that reads
 * either; every run size in the library asks {@link #pick(int, int)}.
 */
public final class RunSize {

    private RunSize() {}

    /** Whether quick mode is on (system property wins over the environment variable). */
    public static boolean isQuick() {
        String prop = System.getProperty("rlhf4j.quick");
        if (prop != null) {
            return truthy(prop);
        }
        String env = System.getenv("RLHF4J_QUICK");
        return env != null && truthy(env);
    }

    /** {@code quick} in quick mode, {@code full} otherwise. */
    public static int pick(int full, int quick) {
        return isQuick() ? quick : full;
    }

    /** A one-word label for logs and reports: {@code "quick"} or {@code "full"}. */
    public static String label() {
        return isQuick() ? "quick" : "full";
    }

    private static boolean truthy(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        return v.equals("1") || v.equals("true") || v.equals("yes") || v.equals("on");
    }
}
