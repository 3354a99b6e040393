package dev.rlhf4j.cli;

import dev.rlhf4j.core.Home;
import dev.rlhf4j.pretrain.ModelCatalog;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --checkpoint}, the model a command starts from (a picocli mixin). */
final class ModelOptions {

    @Option(names = "--checkpoint", description = "the model, a checkpoint folder (default: ${DEFAULT-VALUE}, the stage-1 choice)")
    String checkpoint = ModelCatalog.DEFAULT_MODEL;

    /** The checkpoint folder, found from the repository root when relative (see {@link Home}). */
    Path dir() {
        return Home.resolve(checkpoint);
    }
}
