package dev.rlhf4j.cli;

import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.core.Devices;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.core.RunSize;
import dev.rlhf4j.pretrain.ModelCatalog;
import dev.rlhf4j.pretrain.ModelSelection;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.knowm.xchart.BitmapEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rlhf4j select}: stage 1, compare the candidate models and pick one by a stated rule. */
@Command(name = "select", mixinStandardHelpOptions = true,
        description = {"Compare the bundled pretrained models (and any --model folder) on held-out reviews and prompts,",
            "print the table and the choice with its reason; write selection.csv, perplexity.png, speed.png, samples.txt."})
public final class SelectCommand implements Callable<Integer> {

    @Option(names = "--out", description = "report folder (default: ${DEFAULT-VALUE})")
    Path out = Path.of("runs", "select");

    @Option(names = "--seed", description = "sampling seed (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--model", description = "an extra candidate: an rlhf4j checkpoint or a HuggingFace GPT-2 folder (repeatable)")
    List<Path> models = new ArrayList<>();

    @Option(names = "--no-bundled", description = "compare only the --model folders")
    boolean noBundled;

    @Option(names = "--budget", description = "minimum sampling speed in tokens/s for the choice (default: ${DEFAULT-VALUE})")
    double budget = 1000;

    @Option(names = "--data", description = "review corpus folder (default: ${DEFAULT-VALUE})")
    String data = "datasets/reviews";

    @Option(names = "--device", description = "auto, cpu or gpu (default: ${DEFAULT-VALUE})")
    String device = "auto";

    @Option(names = "--write-zoo-manifest", description = "rewrite datasets/pretrained/zoo.json from the bundled checkpoints and stop")
    boolean writeZooManifest;

    @Override
    public Integer call() throws Exception {
        if (writeZooManifest) {
            System.out.println("wrote " + ModelCatalog.writeManifest());
            return 0;
        }
        runSelection();
        return 0;
    }

    /** Compares the candidates, prints and writes the report; returns it. */
    ModelSelection.Report runSelection() throws Exception {
        List<ModelCatalog.Candidate> candidates = new ArrayList<>(noBundled ? List.of() : ModelCatalog.bundled());
        for (Path m : models) {
            candidates.add(ModelCatalog.of(m));
        }
        Path dataDir = Home.resolve(data);
        List<Prompt> prompts = new ArrayList<>();
        for (Prompt p : ReviewWorld.readPrompts(dataDir.resolve("prompts.csv"))) {
            if (p.heldOut()) {
                prompts.add(p);
            }
        }
        prompts = prompts.subList(0, Math.min(RunSize.pick(prompts.size(), 16), prompts.size()));
        System.out.printf("comparing %d models on %s/valid.txt and %d held-out prompts%n", candidates.size(), dataDir,
                prompts.size());
        ModelSelection.Report report = ModelSelection.evaluate(candidates, dataDir, prompts, budget, seed,
                Devices.resolve(device));
        System.out.println(report.table().printAll());
        System.out.println("choice: " + (report.choice() == null ? "none" : report.choice()));
        System.out.println(report.reason());
        Files.createDirectories(out);
        AtomicFiles.write(out.resolve("selection.csv"), o -> report.table().write().csv(o));
        BitmapEncoder.saveBitmap(report.perplexityChart(), out.resolve("perplexity.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        BitmapEncoder.saveBitmap(report.speedChart(), out.resolve("speed.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        StringBuilder samples = new StringBuilder("choice: " + report.choice() + "\n" + report.reason() + "\n");
        for (ModelSelection.Row r : report.rows()) {
            samples.append("\n# ").append(r.name()).append('\n');
            r.samples().forEach(s -> samples.append(s).append('\n'));
        }
        AtomicFiles.writeString(out.resolve("samples.txt"), samples.toString());
        System.out.println("report written to " + out);
        return report;
    }
}
