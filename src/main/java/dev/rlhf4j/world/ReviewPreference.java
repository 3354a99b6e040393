package dev.rlhf4j.world;

import dev.rlhf4j.text.Words;
import java.util.List;
import java.util.Optional;

/**
 * The simulated human's taste (the review world's judge): a utility of a review computed
 * from its words alone, so it can judge the output of any model. A review is liked when it is
 * positive and polite, stays on its prompt's aspect, names a specific detail, does not repeat
 * itself or drift off topic, is near a preferred length and ends cleanly:
 *
 * <pre>
 * u = sentiment·s/2 − politeness·[rude] + onAspect·a + specific·[detail]
 *     − repetition·[repeats] − drift·[off topic] − ending·[no final . or !]
 *     − length·min(1, ((n − preferredWords)/lengthTolerance)²)
 * </pre>
 *
 * where s ∈ −2..+2 is the judged sentiment of prompt + completion, a is +1 when the review's main
 * aspect is the prompt's, −1 when it is another aspect and 0 when none dominates, [detail] asks
 * whether the completion (not the prompt) names a dish, a name, a number or part of the room, and
 * n is the number of words of prompt + completion. With the defaults u lies in about [−5.75, 2.75].
 *
 * <p>This is a stand-in for people, and the notebooks say so: real raters rank through the same
 * {@code feedback.Rater} interface. Changing a weight gives a rater another taste
 * ({@code feedback.SimulatedRater.panel}), which also adapts this taste to ranking tasks and logged rankings.
 *
 * @param sentiment weight of the sentiment term
 * @param politeness penalty for a rude word
 * @param onAspect weight of staying on the prompt's aspect
 * @param specific bonus for a specific detail
 * @param repetition penalty for a repeated word or phrase
 * @param drift penalty for wandering off topic
 * @param ending penalty for stopping without a final "." or "!"
 * @param length weight of the distance from the preferred length
 * @param preferredWords the preferred number of words
 * @param lengthTolerance how many words away from the preferred length cost the full length weight
 */
public record ReviewPreference(double sentiment, double politeness, double onAspect, double specific,
        double repetition, double drift, double ending, double length, int preferredWords, int lengthTolerance) {

    /** Checks that the weights are finite and non-negative and the length terms positive. */
    public ReviewPreference {
        for (double w : new double[] {sentiment, politeness, onAspect, specific, repetition, drift, ending, length}) {
            if (!Double.isFinite(w) || w < 0) {
                throw new IllegalArgumentException("preference weights must be finite and ≥ 0, found " + w);
            }
        }
        if (preferredWords < 1 || lengthTolerance < 1) {
            throw new IllegalArgumentException("preferredWords and lengthTolerance must be ≥ 1, found "
                    + preferredWords + " and " + lengthTolerance);
        }
    }

    /** The standard taste: sentiment 1, politeness 1, on-aspect 0.5, specific 0.5, repetition 1, drift 0.5, ending 0.75, length 0.5 around 14 ± 6 words. */
    public static ReviewPreference defaults() {
        return new ReviewPreference(1.0, 1.0, 0.5, 0.5, 1.0, 0.5, 0.75, 0.5, 14, 6);
    }

    /** This taste with another sentiment weight. */
    public ReviewPreference withSentiment(double w) {
        return new ReviewPreference(w, politeness, onAspect, specific, repetition, drift, ending, length, preferredWords, lengthTolerance);
    }

    /** This taste with another specific-detail weight. */
    public ReviewPreference withSpecific(double w) {
        return new ReviewPreference(sentiment, politeness, onAspect, w, repetition, drift, ending, length, preferredWords, lengthTolerance);
    }

    /** This taste with another length weight and preferred length. */
    public ReviewPreference withLength(double w, int preferred) {
        return new ReviewPreference(sentiment, politeness, onAspect, specific, repetition, drift, ending, w, preferred, lengthTolerance);
    }

    /**
     * Each term of the utility of one review, and their sum.
     *
     * @param words the number of words of prompt + completion
     */
    public record Breakdown(double sentiment, double politeness, double onAspect, double specific, double repetition,
            double drift, double ending, double length, int words) {

        /** The utility: the sum of the terms. */
        public double total() {
            return sentiment + politeness + onAspect + specific + repetition + drift + ending + length;
        }
    }

    /** The terms of the utility of {@code completion} as a continuation of {@code prompt}. */
    public Breakdown explain(Prompt prompt, String completion) {
        return explain(prompt.text(), prompt.aspect(), completion);
    }

    /** The terms of the utility of {@code completion} after {@code promptText}, whose aspect is {@code aspect}. */
    public Breakdown explain(String promptText, Aspect aspect, String completion) {
        ReviewSignals all = ReviewSignals.read(promptText + " " + completion);
        List<String> completionWords = Words.wordsOnly(Words.split(completion));
        ReviewLexicon lexicon = ReviewLexicon.standard();
        boolean detail = completionWords.stream().anyMatch(lexicon::isSpecific);
        Optional<Aspect> main = all.mainAspect();
        double a = main.isEmpty() ? 0 : main.get() == aspect ? 1 : -1;
        double off = (all.words() - preferredWords) / (double) lengthTolerance;
        return new Breakdown(
                sentiment * all.sentiment() / 2.0,         // sentiment·s/2, s ∈ −2..+2
                all.rude() ? -politeness : 0,              // −politeness·[rude]
                onAspect * a,                              // onAspect·a, a ∈ {−1, 0, +1}
                detail ? specific : 0,                     // specific·[detail]
                all.repetition() ? -repetition : 0,        // −repetition·[repeats]
                all.drift() ? -drift : 0,                  // −drift·[off topic]
                all.cleanEnding() ? 0 : -ending,           // −ending·[no clean ending]
                -length * Math.min(1, off * off),          // −length·min(1, ((n − L)/tol)²)
                all.words());
    }

    /** The utility of {@code completion} as a continuation of {@code prompt}. */
    public double utility(Prompt prompt, String completion) {
        return explain(prompt, completion).total();
    }

    /** The utilities of K completions of one prompt, whose aspect is {@code aspect}. */
    public double[] utilities(String promptText, Aspect aspect, List<String> completions) {
        double[] u = new double[completions.size()];
        for (int i = 0; i < u.length; i++) {
            u[i] = explain(promptText, aspect, completions.get(i)).total();
        }
        return u;
    }
}
