package dev.rlhf4j.feedback;

import java.time.Instant;
import java.util.List;

/**
 * One line of the feedback log: who ranked which completions of which prompt, and how.
 *
 * <p>In the JSONL file a record is one object:
 * <pre>{"id":"f00001","task":"t0001","prompt_id":"p012","prompt":"the pasta was","model":"small",
 *  "k":4,"completions":["...","...","...","..."],"ranking":[[1],[0,3],[2]],
 *  "rater":"sim-standard","source":"simulated","time":"2026-11-29T04:00:00Z"}</pre>
 * {@code ranking} holds 0-based indices into {@code completions}, best group first; a group of
 * several is a tie.
 *
 * @param id the record's unique id in its log
 * @param task the ranking task's id (several raters ranking the same task share it)
 * @param promptId the prompt's id in {@code prompts.csv}
 * @param prompt the prompt text
 * @param model the model that sampled the completions
 * @param completions the K completions (text after the prompt)
 * @param ranking the rater's ranking
 * @param rater the rater's name
 * @param source human or simulated
 * @param time when the ranking was given
 */
public record FeedbackRecord(String id, String task, String promptId, String prompt, String model,
        List<String> completions, Ranking ranking, String rater, Rater.Source source, Instant time) {

    /** Checks that the ranking covers exactly the completions, and copies the list. */
    public FeedbackRecord {
        completions = List.copyOf(completions);
        if (ranking.k() != completions.size()) {
            throw new IllegalArgumentException("record " + id + ": the ranking covers " + ranking.k()
                    + " completions but there are " + completions.size());
        }
    }

    /** The record of {@code rater}'s {@code ranking} of {@code task}, given at {@code time}. */
    public static FeedbackRecord of(String id, RankingTask task, Ranking ranking, Rater rater, Instant time) {
        return new FeedbackRecord(id, task.id(), task.prompt().id(), task.prompt().text(), task.model(),
                task.completions(), ranking, rater.name(), rater.source(), time);
    }

    /** Number of completions. */
    public int k() {
        return completions.size();
    }
}
