package dev.rlhf4j.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --out}, the folder a command writes into (a picocli mixin). Each command names its own
 * default, e.g. {@code @Mixin OutputOptions output = new OutputOptions("runs/ppo");}, which the help shows.
 */
final class OutputOptions {

    @Option(names = "--out", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out;

    OutputOptions(String defaultFolder) {
        out = Path.of(defaultFolder);
    }
}
