package dev.rlhf4j.feedback;

import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.model.Generation;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.Sampler;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.world.Prompt;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;

/** Makes ranking tasks: N prompts, K completions each, sampled from a model; the same seed makes the same tasks. */
public final class RankingTasks {

    /** Rows sampled in one batch. */
    private static final int BATCH_ROWS = 64;

    private RankingTasks() {}

    /**
     * Samples {@code n} tasks of {@code k} completions. Prompts are drawn from {@code prompts} in a
     * seeded shuffled order, cycling when {@code n} exceeds their number; task ids are
     * {@code t0001, t0002, ...}.
     *
     * @param lm the model that samples
     * @param modelName its name, recorded with every task
     * @param prompts the prompts to draw from
     * @param n the number of tasks
     * @param k completions per task, 2..9
     * @param sampling the sampling settings
     * @param seed the seed of the prompt order and of the sampling
     * @param progress called with the number of tasks done so far (may be null)
     */
    public static List<RankingTask> sample(LanguageModel lm, String modelName, List<Prompt> prompts, int n, int k,
            SamplingConfig sampling, long seed, IntConsumer progress) {
        if (k < RankingTask.MIN_K || k > RankingTask.MAX_K) {
            throw new IllegalArgumentException("K must be " + RankingTask.MIN_K + ".." + RankingTask.MAX_K + ", found " + k);
        }
        if (n < 1 || prompts.isEmpty()) {
            throw new IllegalArgumentException("need at least one task and one prompt, found n=" + n
                    + " and " + prompts.size() + " prompts");
        }
        List<Prompt> chosen = promptOrder(prompts, n, seed);
        Random rng = Seeds.derive(seed, "ranking-tasks");
        List<RankingTask> tasks = new ArrayList<>(n);
        int perBatch = Math.max(1, BATCH_ROWS / k);
        for (int start = 0; start < n; start += perBatch) {
            int end = Math.min(n, start + perBatch);
            List<int[]> rows = new ArrayList<>();
            for (int t = start; t < end; t++) {
                int[] ids = lm.encodePrompt(chosen.get(t).text());
                for (int j = 0; j < k; j++) {
                    rows.add(ids);
                }
            }
            Generation g = Sampler.generate(lm, rows, sampling, rng);
            List<String> texts = g.completionTexts(lm.tokenizer());
            for (int t = start; t < end; t++) {
                int first = (t - start) * k;
                tasks.add(new RankingTask(String.format("t%04d", t + 1), chosen.get(t),
                        texts.subList(first, first + k), modelName));
            }
            if (progress != null) {
                progress.accept(end);
            }
        }
        return tasks;
    }

    /** {@code n} prompts: seeded shuffles of {@code prompts}, one after another. */
    public static List<Prompt> promptOrder(List<Prompt> prompts, int n, long seed) {
        Random rng = Seeds.derive(seed, "prompt-order");
        List<Prompt> out = new ArrayList<>(n);
        while (out.size() < n) {
            List<Prompt> round = new ArrayList<>(prompts);
            Collections.shuffle(round, rng);
            out.addAll(round.subList(0, Math.min(round.size(), n - out.size())));
        }
        return out;
    }
}
