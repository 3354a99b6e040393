package dev.rlhf4j.core;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the bundled files ({@code datasets/...}) whether the program runs from the repository root,
 * from {@code notebooks/}, or anywhere else through the {@code ./rlhf4j} launcher (which sets the
 * system property {@code rlhf4j.home} to the repository root).
 */
public final class Home {

    private Home() {}

    /**
     * {@code relative} as given when it exists from the working directory; else resolved against
     * {@code rlhf4j.home} or the parent folder (a notebook runs in {@code notebooks/}); else as given.
     */
    public static Path resolve(String relative) {
        Path p = Path.of(relative);
        if (p.isAbsolute() || Files.exists(p)) {
            return p;
        }
        String home = System.getProperty("rlhf4j.home");
        if (home != null && Files.exists(Path.of(home).resolve(relative))) {
            return Path.of(home).resolve(relative);
        }
        Path up = Path.of("..").resolve(relative);
        if (Files.exists(up)) {
            return up.normalize();
        }
        return p;
    }
}
