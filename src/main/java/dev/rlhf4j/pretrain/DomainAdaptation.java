package dev.rlhf4j.pretrain;

import dev.rlhf4j.core.MetricsLog;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.world.Aspect;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewWorld;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Domain adaptation ("fine-tune your model on additional texts"): continue next-token training of a
 * pretrained model on one slice of the corpus — the reviews of one aspect — and measure held-out
 * perplexity on that slice and on the rest, before and after. Usually the slice gets better and
 * the rest a little worse: the model trades generality for the domain.
 */
public final class DomainAdaptation {

    /**
     * @param aspect the slice trained on
     * @param sliceBefore held-out perplexity on the slice before fine-tuning
     * @param sliceAfter ... after
     * @param restBefore held-out perplexity on the other aspects before
     * @param restAfter ... after
     * @param trainReviews training reviews in the slice
     * @param metrics the fine-tuning log
     */
    public record Result(Aspect aspect, double sliceBefore, double sliceAfter, double restBefore, double restAfter,
            int trainReviews, MetricsLog metrics) {}

    private DomainAdaptation() {}

    /** Fine-tunes {@code lm} (in place) on the {@code aspect} reviews of {@code dataDir}. */
    public static Result run(LanguageModel lm, Path dataDir, Aspect aspect, PretrainConfig config) {
        return run(lm, dataDir, aspect, config, null);
    }

    /**
     * {@link #run(LanguageModel, Path, Aspect, PretrainConfig)}, telling {@code listener} (may be
     * null) after every optimizer step — a progress line in a notebook or a terminal.
     */
    public static Result run(LanguageModel lm, Path dataDir, Aspect aspect, PretrainConfig config,
            Pretrainer.Listener listener) {
        List<Prompt> prompts = ReviewWorld.readPrompts(dataDir.resolve("prompts.csv"));
        List<String> train = ReviewWorld.readLines(dataDir.resolve("train.txt"));
        List<String> valid = ReviewWorld.readLines(dataDir.resolve("valid.txt"));
        List<int[]> sliceTrain = new ArrayList<>();
        List<int[]> sliceValid = new ArrayList<>();
        List<int[]> restValid = new ArrayList<>();
        for (String line : train) {
            if (aspectOf(line, prompts) == aspect) {
                sliceTrain.add(Corpus.wrap(lm.tokenizer().encode(line), lm.tokenizer()));
            }
        }
        for (String line : valid) {
            int[] ids = Corpus.wrap(lm.tokenizer().encode(line), lm.tokenizer());
            (aspectOf(line, prompts) == aspect ? sliceValid : restValid).add(ids);
        }
        if (sliceTrain.isEmpty() || sliceValid.isEmpty()) {
            throw new IllegalArgumentException("no " + aspect.label() + " reviews in " + dataDir);
        }
        double sliceBefore = Perplexity.of(lm, sliceValid);
        double restBefore = Perplexity.of(lm, restValid);
        MetricsLog log = MetricsLog.inMemory();
        Pretrainer.run(lm, new Corpus(sliceTrain, sliceValid), config, 0, log, listener);
        return new Result(aspect, sliceBefore, Perplexity.of(lm, sliceValid), restBefore, Perplexity.of(lm, restValid),
                sliceTrain.size(), log);
    }

    /** A gentle recipe for fine-tuning: few steps, a small learning rate, short warm-up. */
    public static PretrainConfig recipe(int steps, long seed) {
        return new PretrainConfig(steps, 32, 5e-4f, 5e-5f, Math.max(1, steps / 20), 0.1f, 1.0f, Math.max(1, steps),
                500, seed);
    }

    /** The aspect of a review: that of the prompt it starts with (no prompt is a prefix of another). */
    static Aspect aspectOf(String review, List<Prompt> prompts) {
        for (Prompt p : prompts) {
            if (review.startsWith(p.text() + " ")) {
                return p.aspect();
            }
        }
        return null;
    }
}
