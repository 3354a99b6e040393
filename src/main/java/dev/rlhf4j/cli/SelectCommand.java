package dev.rlhf4j.cli;

import dev.rlhf4j.pretrain.ModelCatalog;
import dev.rlhf4j.pretrain.ModelSelection;
import dev.rlhf4j.world.Prompt;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rlhf4j select}: stage 1, compare the candidate models and pick one by a stated rule. */
@Command(name = "select", mixinStandardHelpOptions = true,
        description = {"Compare the bundled pretrained models (and any --model folder) on held-out reviews and prompts,",
            "print the table and the choice with its reason; write selection.csv, perplexity.png, speed.png, samples.txt."})
public final class SelectCommand implements Callable<Integer> {

    @Option(names = "--model", description = "an extra candidate: an rlhf4j checkpoint or a HuggingFace GPT-2 folder (repeatable)")
    List<Path> models = new ArrayList<>();

    @Option(names = "--no-bundled", description = "compare only the --model folders")
    boolean noBundled;

    @Option(names = "--budget", description = "minimum sampling speed in tokens/s for the choice (default: ${DEFAULT-VALUE})")
    double budget = ModelSelection.DEFAULT_MIN_TOKENS_PER_SECOND;

    @Option(names = "--write-zoo-manifest", description = "rewrite datasets/pretrained/zoo.json from the bundled checkpoints and stop")
    boolean writeZooManifest;

    @Mixin
    DataOptions data;

    @Mixin
    RunOptions run;

    @Mixin
    OutputOptions output = new OutputOptions("runs/select");

    @Override
    public Integer call() {
        if (writeZooManifest) {
            System.out.println("wrote " + ModelCatalog.writeManifest());
            return 0;
        }
        List<ModelCatalog.Candidate> candidates = new ArrayList<>(noBundled ? List.of() : ModelCatalog.bundled());
        for (Path m : models) {
            candidates.add(ModelCatalog.of(m));
        }
        List<Prompt> prompts = ModelSelection.probePrompts(data.prompts());
        System.out.printf("comparing %d models on %s/valid.txt and %d held-out prompts%n", candidates.size(), data.dir(),
                prompts.size());
        ModelSelection.Report report = ModelSelection.evaluate(candidates, data.dir(), prompts, budget, run.seed,
                run.resolveDevice());
        print(report);
        report.write(output.out);
        System.out.println("report written to " + output.out);
        return 0;
    }

    /** Prints the comparison, the choice and its reason. */
    static void print(ModelSelection.Report report) {
        System.out.println(report.table().printAll());
        System.out.println("choice: " + (report.choice() == null ? "none" : report.choice()));
        System.out.println(report.reason());
    }
}
