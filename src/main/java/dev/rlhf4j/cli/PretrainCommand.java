package dev.rlhf4j.cli;

import dev.rlhf4j.core.Devices;
import dev.rlhf4j.core.RunSize;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.GptConfig;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.pretrain.Corpus;
import dev.rlhf4j.pretrain.PretrainConfig;
import dev.rlhf4j.pretrain.PretrainRun;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rlhf4j pretrain}: next-token pretraining of a GPT on the review corpus. */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = {"Pretrain a small GPT on the review corpus (AdamW, warm-up + cosine, global-norm clipping).",
            "Writes the checkpoint and metrics.csv into --out. Quick mode (RLHF4J_QUICK=1) runs 300 steps."})
public final class PretrainCommand implements Callable<Integer> {

    @Option(names = "--resume", description = "continue training this checkpoint up to --steps")
    Path resume;

    @Option(names = "--steps", description = "optimizer steps in total (default: 3000, quick mode 300)")
    Integer steps;

    @Option(names = "--batch-size", description = "windows per step (default: ${DEFAULT-VALUE})")
    int batchSize = 32;

    @Option(names = "--lr", description = "peak learning rate (default: ${DEFAULT-VALUE})")
    float learningRate = 2e-3f;

    @Option(names = "--layers", description = "transformer blocks (default: ${DEFAULT-VALUE})")
    int layers = 4;

    @Option(names = "--heads", description = "attention heads (default: ${DEFAULT-VALUE})")
    int heads = 4;

    @Option(names = "--embd", description = "model width (default: ${DEFAULT-VALUE})")
    int embd = 128;

    @Option(names = "--context", description = "context length in tokens (default: ${DEFAULT-VALUE})")
    int context = 64;

    @Option(names = "--dropout", description = "dropout while pretraining (default: ${DEFAULT-VALUE})")
    float dropout = 0.1f;

    @Mixin
    DataOptions data;

    @Mixin
    RunOptions run;

    @Mixin
    OutputOptions output = new OutputOptions("runs/pretrain");

    @Override
    public Integer call() {
        Path dataDir = data.dir();
        PretrainConfig.Builder b = PretrainConfig.defaults().toBuilder().seed(run.seed).batchSize(batchSize)
                .learningRate(learningRate);
        if (steps != null) {
            b.maxSteps(steps);
        }
        PretrainConfig config = b.build();
        LanguageModel lm;
        int startStep = 0;
        if (resume != null) {
            lm = Checkpoint.load(resume, run.resolveDevice());
            startStep = Checkpoint.info(resume).has("steps") ? Checkpoint.info(resume).get("steps").getAsInt() : 0;
            System.out.printf("resuming %s at step %d of %d%n", resume, startStep, config.maxSteps());
        } else {
            lm = PretrainRun.fresh(dataDir, v -> new GptConfig(v, context, layers, heads, embd, dropout,
                    GptConfig.Activation.GELU, 1e-5f), run.resolveDevice(), run.seed);
        }
        try (lm) {
            Corpus corpus = Corpus.load(dataDir, lm.tokenizer());
            System.out.printf("%s%npretraining on %,d reviews (%s mode), %d steps of %d x %d tokens, on %s%n", lm,
                    corpus.train().size(), RunSize.label(), config.maxSteps() - startStep, config.batchSize(),
                    lm.config().contextLength(), Devices.describe(lm.device()));
            PretrainRun.Result r;
            try (Progress progress = new Progress("pretrain", config.maxSteps())) {
                r = PretrainRun.run(lm, corpus, config, startStep, Map.of("command", command(config, lm.config())),
                        output.out, (step, max, m) -> progress.update(step, status(m)));
            }
            System.out.printf(Locale.ROOT, "held-out perplexity %.3f (bigram baseline %.3f, unigram %.3f); %.0f tokens/s, %.1f s%n",
                    r.training().validPerplexity(), r.bigramPerplexity(), r.unigramPerplexity(),
                    r.training().tokensPerSecond(), r.training().seconds());
            System.out.println("checkpoint written to " + output.out);
        }
        return 0;
    }

    /** The progress bar's status after a step. */
    static String status(Map<String, Double> metrics) {
        return String.format(Locale.ROOT, "loss %.3f", metrics.get("loss"));
    }

    /** The command line that reproduces this run (for the checkpoint's record). */
    private String command(PretrainConfig config, GptConfig gpt) {
        return String.format(Locale.ROOT, "%s./rlhf4j pretrain --out %s --seed %d --steps %d --batch-size %d --lr %s"
                + " --layers %d --heads %d --embd %d --context %d --dropout %s",
                RunSize.isQuick() ? "RLHF4J_QUICK=1 " : "", output.out, run.seed, config.maxSteps(), config.batchSize(),
                config.learningRate(), gpt.nLayer(), gpt.nHead(), gpt.nEmbd(), gpt.contextLength(), gpt.dropout());
    }
}
