package dev.rlhf4j.feedback;

import dev.rlhf4j.world.Prompt;
import java.util.List;

/**
 * One thing to rank: a prompt and K completions sampled for it.
 *
 * @param id stable id ({@code t0001}, ...); several raters ranking the same task share it
 * @param prompt the prompt the completions continue
 * @param completions the K completions (text after the prompt), 2 ≤ K ≤ 9
 * @param model the name of the model that sampled them
 */
public record RankingTask(String id, Prompt prompt, List<String> completions, String model) {

    /** Smallest number of completions per task. */
    public static final int MIN_K = 2;
    /** Largest number of completions per task (InstructGPT's labelers ranked 4 to 9). */
    public static final int MAX_K = 9;

    /** Checks K and copies the completions. */
    public RankingTask {
        if (id == null || id.isBlank() || prompt == null || completions == null) {
            throw new IllegalArgumentException("a ranking task needs an id, a prompt and completions");
        }
        if (completions.size() < MIN_K || completions.size() > MAX_K) {
            throw new IllegalArgumentException("task " + id + ": K must be " + MIN_K + ".." + MAX_K
                    + ", found " + completions.size() + " completions");
        }
        completions = List.copyOf(completions);
        model = model == null ? "" : model;
    }

    /** Number of completions. */
    public int k() {
        return completions.size();
    }

    /** Prompt and completion i as one review text. */
    public String text(int i) {
        return prompt.text() + " " + completions.get(i);
    }
}
