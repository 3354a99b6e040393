package dev.rlhf4j.cli;

import dev.rlhf4j.world.ReviewDataset;
import dev.rlhf4j.world.ReviewWorld;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rlhf4j data}: rewrites the review-world files ({@code train.txt}, {@code valid.txt},
 * {@code reviews.csv}, {@code prompts.csv}, {@code tokenizer.json}, {@code README.md}) from a seed.
 * With the defaults it reproduces the bundled {@code datasets/reviews} byte for byte.
 */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Regenerate the bundled review-world data (datasets/reviews) from its seed.")
public class DataCommand implements Callable<Integer> {

    @Option(names = "--seed", defaultValue = "7",
            description = "Seed of the review world (default: ${DEFAULT-VALUE}).")
    long seed = ReviewWorld.DEFAULT_SEED;

    @Option(names = "--out", defaultValue = "datasets/reviews",
            description = "Folder to write into (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("datasets/reviews");

    @Spec
    CommandSpec spec;

    /** A command with the default options; picocli fills in the ones given. */
    public DataCommand() {}

    @Override
    public Integer call() {
        ReviewDataset d = ReviewWorld.writeDataset(seed, out);
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "review world, seed %d -> %s%n", d.seed(), d.dir());
        w.printf(Locale.ROOT, "  train.txt       %6d reviews (train prompts only)%n",
                d.trainReviews());
        w.printf(Locale.ROOT, "  valid.txt       %6d reviews%n", d.validReviews());
        w.printf(Locale.ROOT, "  reviews.csv     %6d reviews with their attributes%n",
                d.trainReviews() + d.validReviews());
        w.printf(Locale.ROOT, "  prompts.csv     %6d prompts (%d held out)%n", d.prompts(),
                d.heldOutPrompts());
        w.printf(Locale.ROOT, "  tokenizer.json  %6d token ids%n", d.vocabSize());
        w.printf(Locale.ROOT, "  README.md%n");
        StringBuilder mix = new StringBuilder("  mix:");
        for (String k : new String[] {"negative", "rude", "specific", "repetition", "drift",
            "unended"}) {
            mix.append(String.format(Locale.ROOT, " %s %.1f%%", k, 100 * d.mix().get(k)));
        }
        w.println(mix);
        w.flush();
        return 0;
    }
}
