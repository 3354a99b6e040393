package dev.rlhf4j.workshop;

import dev.rlhf4j.feedback.RankingTask;
import dev.rlhf4j.world.Prompt;
import java.util.List;

/**
 * One ranking task of a workshop round: a prompt and K completions, each from a named source (a
 * decoding setting or a model), shown to people without the sources.
 *
 * @param id the task's id in its workshop ({@code r1-t0003}: round 1, task 3)
 * @param round the round it belongs to
 * @param promptId the prompt's id in the corpus's {@code prompts.csv}
 * @param prompt the prompt text
 * @param model the model that sampled the completions
 * @param completions the K completions (text after the prompt)
 * @param sources the source of each completion, in the same order
 */
public record WorkshopTask(String id, int round, String promptId, String prompt, String model, List<String> completions,
        List<String> sources) {

    /** Checks that there are 2..9 completions and one source for each, and copies the lists. */
    public WorkshopTask {
        completions = List.copyOf(completions);
        sources = List.copyOf(sources);
        if (completions.size() < RankingTask.MIN_K || completions.size() > RankingTask.MAX_K) {
            throw new IllegalArgumentException("task " + id + ": expected " + RankingTask.MIN_K + ".." + RankingTask.MAX_K
                    + " completions, found " + completions.size());
        }
        if (sources.size() != completions.size()) {
            throw new IllegalArgumentException("task " + id + ": " + completions.size() + " completions but "
                    + sources.size() + " sources");
        }
    }

    /** The id of task {@code n} (1-based) of round {@code round}. */
    public static String id(int round, int n) {
        return String.format("r%d-t%04d", round, n);
    }

    /** Number of completions. */
    public int k() {
        return completions.size();
    }

    /** The task as the feedback stage's {@link RankingTask}, for a simulated rater's taste. */
    public RankingTask rankingTask(Prompt prompt) {
        return new RankingTask(id, prompt, completions, model);
    }
}
