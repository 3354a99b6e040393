package dev.rlhf4j.cli;

import dev.rlhf4j.core.Home;
import dev.rlhf4j.core.RunSize;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.pretrain.ModelCatalog;
import dev.rlhf4j.pretrain.ModelSelection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rlhf4j pipeline}: the main job on the bundled defaults, every stage into one report
 * folder: (1) select among the bundled pretrained models by a stated rule (or pretrain one when none
 * is there); (2) feedback — the bundled rankings of the chosen model's samples, or new simulated
 * ones; (3) a reward model; (4) PPO against it; then the tuned policy judged against the initial
 * model and a best-of-4 baseline. {@code index.html} summarises it with every chart.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"Run the RLHF pipeline on the bundled defaults and write a report folder.",
            "1 select a pretrained model, 2 feedback, 3 reward model, 4 PPO, then evaluation; index.html sums it up."})
public final class PipelineCommand implements Callable<Integer> {

    /** The bundled pretrained model used by default everywhere. */
    public static final String DEFAULT_CHECKPOINT = "datasets/pretrained/small";

    @Option(names = "--out", description = "report folder (default: ${DEFAULT-VALUE})")
    Path out = Path.of("runs", "pipeline");

    @Option(names = "--seed", description = "seed for every stage (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--checkpoint", description = "pretrained model folder (default: ${DEFAULT-VALUE})")
    String checkpoint = DEFAULT_CHECKPOINT;

    @Option(names = "--device", description = "auto, cpu or gpu (default: ${DEFAULT-VALUE})")
    String device = "auto";

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(out);
        long started = System.nanoTime();
        Path model = stage1();
        if (model == null) {
            return 1;
        }
        Path feedback = stage2(model);
        System.out.println("== stage 3: reward model");
        RewardCommand reward = new RewardCommand();
        reward.feedback = feedback.toString();
        reward.checkpoint = model.toString();
        reward.seed = seed;
        reward.device = device;
        reward.out = out.resolve("reward");
        reward.call();
        System.out.println("== stage 4: PPO against the reward model");
        PpoCommand ppo = new PpoCommand();
        ppo.checkpoint = model.toString();
        ppo.reward = out.resolve("reward");
        ppo.seed = seed;
        ppo.device = device;
        ppo.out = out.resolve("ppo");
        ppo.call();
        System.out.println("== evaluation: the tuned policy against the initial model and a best-of-4 baseline");
        EvaluateCommand evaluate = new EvaluateCommand();
        evaluate.policy = out.resolve("ppo").resolve("policy");
        evaluate.checkpoint = model.toString();
        evaluate.reward = out.resolve("reward");
        evaluate.seed = seed;
        evaluate.device = device;
        evaluate.out = out.resolve("evaluate");
        evaluate.call();
        Path html = PipelineReport.write(out, model, feedback, (System.nanoTime() - started) / 1e9);
        System.out.println("report written to " + html);
        return 0;
    }

    /**
     * Stage 2: the bundled feedback when the chosen model is the one it was sampled from; otherwise
     * simulated raters rank samples of the chosen model.
     */
    private Path stage2(Path model) throws Exception {
        Path bundled = Home.resolve("datasets/feedback/feedback.jsonl");
        if (Files.exists(bundled) && model.toAbsolutePath().normalize().equals(Home.resolve(DEFAULT_CHECKPOINT).toAbsolutePath().normalize())) {
            System.out.println("== stage 2: the bundled feedback (" + bundled + "), rankings of this model's samples");
            return bundled;
        }
        System.out.println("== stage 2: simulated raters rank samples of " + model);
        SimulateFeedbackCommand sim = new SimulateFeedbackCommand();
        sim.checkpoint = model.toString();
        sim.rankings = RunSize.pick(1024, 256);
        sim.arenaPrompts = 0;
        sim.seed = seed;
        sim.device = device;
        sim.out = out.resolve("feedback");
        sim.call();
        return out.resolve("feedback").resolve("feedback.jsonl");
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
