package dev.rlhf4j.world;

/**
 * A review opening of the review world, such as "the pasta was" or "our server". Models complete
 * prompts; the simulated human judges the completions.
 *
 * @param id stable id ({@code p001}, ...), in the order the prompts are built
 * @param text the opening, 2–4 lowercase words
 * @param aspect what the opening is about
 * @param heldOut whether the prompt is held out: no review of {@code train.txt} starts with it, so
 *     it tests whether a model generalises to openings it never saw
 */
public record Prompt(String id, String text, Aspect aspect, boolean heldOut) {

    /** Checks that every component is present. */
    public Prompt {
        if (id == null || id.isBlank() || text == null || text.isBlank() || aspect == null) {
            throw new IllegalArgumentException("a prompt needs an id, a text and an aspect");
        }
    }

    /** {@code "train"} or {@code "heldout"}, as in {@code prompts.csv}. */
    public String split() {
        return heldOut ? "heldout" : "train";
    }
}
