package dev.rlhf4j.workshop;

import java.util.List;

/**
 * Scores a prompt's completions, higher is better: the reward model a round trained, seen from the
 * server (which sits below the reward stage and so takes it from whoever starts it, as
 * {@code WorkshopTraining.rewardModelNextTo} does).
 */
public interface CompletionScorer extends AutoCloseable {

    /** One score per completion of {@code prompt}. */
    double[] score(String prompt, List<String> completions);

    /** Frees what the scorer holds (a model's native memory). */
    @Override
    default void close() {}
}
