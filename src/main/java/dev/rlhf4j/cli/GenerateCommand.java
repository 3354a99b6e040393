package dev.rlhf4j.cli;

import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.Generation;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.Sampler;
import dev.rlhf4j.model.SamplingConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rlhf4j generate}: sample completions of a prompt from a checkpoint. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Print N samples of a prompt's continuation, one per line. The same seed prints the same samples.")
public final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--prompt", description = "the start of a review (default: ${DEFAULT-VALUE})")
    String prompt = "the pasta was";

    @Option(names = "-n", description = "number of samples (default: ${DEFAULT-VALUE})")
    int n = 5;

    @Option(names = "--temperature", description = "softmax temperature, 0 = greedy (default: ${DEFAULT-VALUE})")
    float temperature = 1.0f;

    @Option(names = "--top-k", description = "sample among the k most likely tokens, 0 = all (default: ${DEFAULT-VALUE})")
    int topK = 0;

    @Option(names = "--top-p", description = "nucleus sampling mass (default: ${DEFAULT-VALUE})")
    float topP = 1.0f;

    @Option(names = "--max-new-tokens", description = "longest completion (default: ${DEFAULT-VALUE})")
    int maxNewTokens = 40;

    @Option(names = "--no-kv-cache", description = "decode without the key/value cache (slower, same text)")
    boolean noKvCache;

    @Mixin
    ModelOptions model;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() {
        if (n < 1) {
            throw new IllegalArgumentException("-n: expected at least 1 sample, found " + n);
        }
        try (LanguageModel lm = Checkpoint.load(model.dir(), run.resolveDevice())) {
            SamplingConfig config = new SamplingConfig(temperature, topK, topP, maxNewTokens, !noKvCache);
            List<int[]> prompts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                prompts.add(lm.encodePrompt(prompt));
            }
            Generation g = Sampler.generate(lm, prompts, config, Seeds.derive(run.seed, "generate"));
            for (String text : g.texts(lm.tokenizer())) {
                System.out.println(text);
            }
        }
        return 0;
    }
}
