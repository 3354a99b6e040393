package dev.rlhf4j.cli;

import dev.rlhf4j.core.Home;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewWorld;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --data}, the review corpus a command reads its prompts and reviews from (a picocli mixin). */
final class DataOptions {

    @Option(names = "--data", description = "review corpus folder: prompts.csv, train/valid.txt, tokenizer.json (default: ${DEFAULT-VALUE})")
    String data = "datasets/reviews";

    /** The corpus folder, found from the repository root when relative (see {@link Home}). */
    Path dir() {
        return Home.resolve(data);
    }

    /** Every prompt of the corpus, train and held-out. */
    List<Prompt> prompts() {
        return ReviewWorld.readPrompts(dir().resolve("prompts.csv"));
    }
}
