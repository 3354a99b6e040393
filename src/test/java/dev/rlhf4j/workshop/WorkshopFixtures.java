package dev.rlhf4j.workshop;

import java.util.List;

/** Canned workshop tasks for tests: real prompt ids of the bundled corpus, fixed completions, no model. */
public final class WorkshopFixtures {

    private WorkshopFixtures() {}

    /** Prompt ids and texts from {@code datasets/reviews/prompts.csv}. */
    static final List<String[]> PROMPTS = List.of(
            new String[] {"p001", "the pasta was"},
            new String[] {"p002", "the pasta tasted"},
            new String[] {"p003", "my pasta was"},
            new String[] {"p013", "the soup was"});

    static final List<String> TEXTS = List.of(
            "rich and warm, the best i have had in years.",
            "cold and bland. we sent it back.",
            "fine, nothing special.",
            "friendly and quick, and the pasta was perfect!",
            "slow. very slow.",
            "<b>bold</b> & \"quoted\" text",
            "a little salty but good.",
            "excellent. cannot wait to come back!",
            "rude and slow.");

    /** Canned tasks of model "canned" (sources s0..s{K-1}). */
    public static TaskMaker cannedTasks() {
        return TaskMaker.fixed("canned", PROMPTS, TEXTS);
    }
}
