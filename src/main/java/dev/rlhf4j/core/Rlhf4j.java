package dev.rlhf4j.core;

import ai.djl.engine.Engine;

/**
 * Library-wide setup, done once before DJL's engine starts: DJL runs offline (natives come from the
 * jars on the classpath, nothing is downloaded at run time) and does not make its usage-tracking
 * call. Users set nothing; every entry point calls {@link #init()}.
 *
 * <p>Set the environment variable {@code RLHF4J_ALLOW_DOWNLOAD=1} to let DJL download natives (the
 * CUDA route in the README needs it once).
 */
public final class Rlhf4j {

    private static volatile boolean initialised;

    private Rlhf4j() {}

    /** Configures DJL (offline, no tracking, our thread settings) and starts the PyTorch engine. */
    public static synchronized Engine init() {
        if (!initialised) {
            if (!"1".equals(System.getenv("RLHF4J_ALLOW_DOWNLOAD"))) {
                setIfAbsent("ai.djl.offline", "true");
            }
            setIfAbsent("OPT_OUT_TRACKING", "true");
            setIfAbsent("java.awt.headless", "true");
            initialised = true;
        }
        return Engine.getEngine("PyTorch");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
