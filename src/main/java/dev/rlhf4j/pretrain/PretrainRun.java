package dev.rlhf4j.pretrain;

import ai.djl.Device;
import dev.rlhf4j.core.MetricsLog;
import dev.rlhf4j.core.RunSize;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.GptConfig;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.text.Tokenizer;
import dev.rlhf4j.text.Tokenizers;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * One complete pretraining on files, as {@code rlhf4j pretrain} and the pipeline (when it has no
 * pretrained model) run it: the model trains on the corpus ({@link Pretrainer}, per-step metrics in
 * {@code metrics.csv}), is measured against the unigram and bigram baselines on the held-out reviews
 * ({@link NgramBaseline}), and is saved as a checkpoint whose info records how it was made.
 */
public final class PretrainRun {

    private PretrainRun() {}

    /**
     * What the run achieved.
     *
     * @param training the training loop's result (steps, held-out perplexity, throughput)
     * @param bigramPerplexity the tuned bigram baseline's held-out perplexity
     * @param unigramPerplexity the unigram baseline's held-out perplexity
     */
    public record Result(Pretrainer.Result training, double bigramPerplexity, double unigramPerplexity) {}

    /**
     * A fresh model on the corpus's tokenizer ({@code tokenizer.json} in {@code dataDir}), shaped by
     * {@code shape} from the vocabulary size (e.g. {@link GptConfig#small}).
     */
    public static LanguageModel fresh(Path dataDir, IntFunction<GptConfig> shape, Device device, long seed) {
        Tokenizer tokenizer = Tokenizers.load(dataDir.resolve("tokenizer.json"));
        return LanguageModel.create(shape.apply(tokenizer.vocabSize()), tokenizer, device, seed);
    }

    /**
     * Trains {@code lm} from step {@code startStep} (0 for a fresh model, a checkpoint's recorded
     * steps to resume) on {@code corpus}, then saves it into {@code out} with {@code metrics.csv}.
     * The checkpoint's info records the steps, seed, batch size, learning rate, held-out and baseline
     * perplexities, parameter count and run size, then {@code extraInfo} (e.g. the command line).
     */
    public static Result run(LanguageModel lm, Corpus corpus, PretrainConfig config, int startStep,
            Map<String, ?> extraInfo, Path out, Pretrainer.Listener listener) {
        Pretrainer.Result result;
        try (MetricsLog log = MetricsLog.toCsv(out.resolve("metrics.csv"))) {
            result = Pretrainer.run(lm, corpus, config, startStep, log, listener);
        }
        NgramBaseline ngram = NgramBaseline.fit(corpus.train(), lm.config().vocabSize()).tune(corpus.valid());
        Result r = new Result(result, ngram.bigramPerplexity(corpus.valid()), ngram.unigramPerplexity(corpus.valid()));
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("steps", result.steps());
        info.put("seed", config.seed());
        info.put("batchSize", config.batchSize());
        info.put("learningRate", config.learningRate());
        info.put("validPerplexity", round(result.validPerplexity()));
        info.put("bigramPerplexity", round(r.bigramPerplexity()));
        info.put("unigramPerplexity", round(r.unigramPerplexity()));
        info.put("parameters", lm.parameterCount());
        info.put("mode", RunSize.label());
        info.putAll(extraInfo);
        Checkpoint.save(lm, out, info);
        return r;
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }
}
