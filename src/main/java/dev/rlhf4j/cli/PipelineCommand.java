package dev.rlhf4j.cli;

import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.core.Devices;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.core.RunSize;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.Generation;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.Sampler;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.pretrain.ModelCatalog;
import dev.rlhf4j.pretrain.ModelSelection;
import dev.rlhf4j.text.Prompt;
import dev.rlhf4j.text.ReviewWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rlhf4j pipeline}: the main job on the bundled defaults. Today: stage 1 (select among the
 * bundled pretrained models by a stated rule, or pretrain one when none is there) and samples of the
 * chosen model on held-out prompts. The later
 * stages (feedback, reward model, PPO) join here as they land.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"Run the RLHF pipeline on the bundled defaults and write a report folder.",
            "Stage 1: load the bundled pretrained model (pretrain it if missing), sample held-out prompts."})
public final class PipelineCommand implements Callable<Integer> {

    /** The bundled pretrained model used by default everywhere. */
    public static final String DEFAULT_CHECKPOINT = "datasets/pretrained/small";

    @Option(names = "--out", description = "report folder (default: ${DEFAULT-VALUE})")
    Path out = Path.of("runs", "pipeline");

    @Option(names = "--seed", description = "seed for every stage (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--checkpoint", description = "pretrained model folder (default: ${DEFAULT-VALUE})")
    String checkpoint = DEFAULT_CHECKPOINT;

    @Option(names = "--samples", description = "held-out prompts to sample (default: ${DEFAULT-VALUE})")
    int samples = 8;

    @Option(names = "--device", description = "auto, cpu or gpu (default: ${DEFAULT-VALUE})")
    String device = "auto";

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(out);
        Path model = stage1();
        if (model == null) {
            return 1;
        }
        try (LanguageModel lm = Checkpoint.load(model, Devices.resolve(device))) {
            List<Prompt> heldOut = new ArrayList<>();
            for (Prompt p : ReviewWorld.readPrompts(Home.resolve("datasets/reviews/prompts.csv"))) {
                if (p.heldOut() && heldOut.size() < samples) {
                    heldOut.add(p);
                }
            }
            List<int[]> prompts = new ArrayList<>();
            for (Prompt p : heldOut) {
                prompts.add(lm.encodePrompt(p.text()));
            }
            Generation g = Sampler.generate(lm, prompts, SamplingConfig.defaults().withMaxNewTokens(40), new Random(seed));
            StringBuilder report = new StringBuilder();
            report.append("# samples of ").append(model).append(" on held-out prompts (seed ").append(seed)
                    .append(", ").append(RunSize.label()).append(" mode)\n");
            for (String text : g.texts(lm.tokenizer())) {
                report.append(text).append('\n');
            }
            System.out.print(report);
            AtomicFiles.writeString(out.resolve("samples.txt"), report.toString());
            System.out.println("report written to " + out);
        }
        return 0;
    }

    /** Stage 1: select among the bundled models (or pretrain one when none is bundled). */
    private Path stage1() throws Exception {
        Path bundled = Home.resolve(ModelCatalog.BUNDLED_DIR);
        if (Files.isDirectory(bundled) && !ModelCatalog.bundled().isEmpty() && checkpoint.equals(DEFAULT_CHECKPOINT)) {
            System.out.println("== stage 1: select a pretrained model");
            SelectCommand select = new SelectCommand();
            select.out = out.resolve("select");
            select.seed = seed;
            select.device = device;
            ModelSelection.Report report = select.runSelection();
            Path chosen = report.choice() == null ? Home.resolve(DEFAULT_CHECKPOINT) : bundled.resolve(report.choice());
            System.out.println("== using " + chosen);
            return chosen;
        }
        Path model = Home.resolve(checkpoint);
        if (Files.exists(model.resolve(Checkpoint.MANIFEST))) {
            System.out.println("== stage 1: pretrained model " + model);
            return model;
        }
        Path fresh = out.resolve("pretrained");
        System.out.println("== stage 1: no pretrained model at " + model + "; pretraining one into " + fresh);
        int rc = new CommandLine(new PretrainCommand()).execute("--out", fresh.toString(), "--seed", Long.toString(seed),
                "--device", device);
        return rc == 0 ? fresh : null;
    }
}
