package dev.rlhf4j.cli;

import ai.djl.Device;
import dev.rlhf4j.core.Devices;
import picocli.CommandLine.Option;

/** {@code --seed} and {@code --device}, the options of every command that samples or trains (a picocli mixin). */
final class RunOptions {

    @Option(names = "--seed", description = "seed of every random choice of the run (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--device", description = "auto, cpu or gpu (default: ${DEFAULT-VALUE})")
    String device = "auto";

    /** The device {@code --device} names ({@code auto}: a GPU when DJL sees one). */
    Device resolveDevice() {
        return Devices.resolve(device);
    }
}
