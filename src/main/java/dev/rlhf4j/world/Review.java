package dev.rlhf4j.world;

import dev.rlhf4j.text.Words;

/**
 * One generated review with the latent attributes it was written from. Every attribute is also
 * visible in the words (see {@link ReviewSignals}): that is what lets a judge that only sees text
 * recover them.
 *
 * @param text the review, normalised (lowercase, punctuation attached to the previous word)
 * @param aspect the aspect of its opening prompt
 * @param sentiment −2 (very negative) .. +2 (very positive)
 * @param rude whether it contains an insult or swear word
 * @param specific whether the part after the prompt names a dish, ingredient, name, number or a
 *     named part of the room
 * @param repetition whether a word or phrase repeats ("good good good")
 * @param drift whether it wanders off topic (my cousin, the parking, the weather)
 * @param unended whether it stops mid-sentence, without a final "." or "!"
 * @param prompt the opening the text starts with
 */
public record Review(String text, Aspect aspect, int sentiment, boolean rude, boolean specific,
        boolean repetition, boolean drift, boolean unended, String prompt) {

    /** Checks the sentiment range and that the text starts with its prompt. */
    public Review {
        if (sentiment < -2 || sentiment > 2) {
            throw new IllegalArgumentException("sentiment must be in -2..2, was " + sentiment);
        }
        if (!text.startsWith(prompt + " ")) {
            throw new IllegalArgumentException("review '" + text + "' does not start with its"
                    + " prompt '" + prompt + "'");
        }
    }

    /** Number of words (punctuation not counted). */
    public int words() {
        return Words.countWords(text);
    }

    /** The text after the prompt (what a model writes when given the prompt). */
    public String completion() {
        return text.substring(prompt.length() + 1);
    }
}
