package dev.rlhf4j.world;

import dev.rlhf4j.text.Words;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link ReviewLexicon} reads in one text, from its words alone: the raw material of the
 * simulated human's preference. The generator checks every review it writes against these signals,
 * so a review's latent attributes are always visible in its words.
 *
 * @param words number of words (punctuation not counted)
 * @param aspectCounts how many keywords of each aspect the text contains
 * @param sentimentSum sum of the sentiment strengths of all words
 * @param sentiment the judged sentiment −2..+2: 0 when {@code sentimentSum} is 0; otherwise the
 *     sign of the sum times the strongest strength of that sign in the text
 * @param rudeWords the rude words, in text order
 * @param specificWords the specific-detail words, in text order
 * @param driftWords the off-topic words, in text order
 * @param repetition whether a word repeats right after itself ("good good") or a three-word phrase
 *     occurs twice
 * @param cleanEnding whether the last token is "." or "!"
 */
public record ReviewSignals(
        int words,
        Map<Aspect, Integer> aspectCounts,
        int sentimentSum,
        int sentiment,
        List<String> rudeWords,
        List<String> specificWords,
        List<String> driftWords,
        boolean repetition,
        boolean cleanEnding) {

    /** Copies the collections so the record is immutable. */
    public ReviewSignals {
        aspectCounts = Collections.unmodifiableMap(new EnumMap<>(aspectCounts));
        rudeWords = List.copyOf(rudeWords);
        specificWords = List.copyOf(specificWords);
        driftWords = List.copyOf(driftWords);
    }

    /** Reads {@code text} (any text; it is normalised with {@link Words#split(String)}). */
    public static ReviewSignals read(String text) {
        return read(Words.split(text), ReviewLexicon.standard());
    }

    /** Reads normalised {@code tokens} with {@code lexicon}. */
    public static ReviewSignals read(List<String> tokens, ReviewLexicon lexicon) {
        List<String> words = Words.wordsOnly(tokens);
        Map<Aspect, Integer> counts = new EnumMap<>(Aspect.class);
        for (Aspect a : Aspect.values()) {
            counts.put(a, 0);
        }
        int sum = 0;
        int maxPos = 0;
        int maxNeg = 0;
        List<String> rude = new ArrayList<>();
        List<String> specific = new ArrayList<>();
        List<String> drift = new ArrayList<>();
        for (String w : words) {
            lexicon.aspectOf(w).ifPresent(a -> counts.merge(a, 1, Integer::sum));
            int s = lexicon.sentiment(w);
            sum += s;
            maxPos = Math.max(maxPos, s);
            maxNeg = Math.min(maxNeg, s);
            if (lexicon.isRude(w)) {
                rude.add(w);
            }
            if (lexicon.isSpecific(w)) {
                specific.add(w);
            }
            if (lexicon.isDrift(w)) {
                drift.add(w);
            }
        }
        int judged = sum > 0 ? maxPos : sum < 0 ? maxNeg : 0;
        boolean clean = !tokens.isEmpty()
                && ReviewLexicon.isCleanEnding(tokens.get(tokens.size() - 1));
        return new ReviewSignals(words.size(), counts, sum, judged, rude, specific, drift,
                hasRepetition(words), clean);
    }

    /**
     * Whether a word list repeats itself: a word right after itself ("good good"), or any
     * three-word phrase twice ("the pasta was ... the pasta was").
     */
    public static boolean hasRepetition(List<String> words) {
        for (int i = 1; i < words.size(); i++) {
            if (words.get(i).equals(words.get(i - 1))) {
                return true;
            }
        }
        for (int i = 0; i + 2 < words.size(); i++) {
            for (int j = i + 1; j + 2 < words.size(); j++) {
                if (words.get(i).equals(words.get(j)) && words.get(i + 1).equals(words.get(j + 1))
                        && words.get(i + 2).equals(words.get(j + 2))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The aspect with strictly the most keywords, or empty on a tie or when there are none. */
    public Optional<Aspect> mainAspect() {
        Aspect best = null;
        int bestCount = 0;
        boolean tie = false;
        for (Map.Entry<Aspect, Integer> e : aspectCounts.entrySet()) {
            if (e.getValue() > bestCount) {
                best = e.getKey();
                bestCount = e.getValue();
                tie = false;
            } else if (e.getValue() == bestCount && bestCount > 0) {
                tie = true;
            }
        }
        return tie ? Optional.empty() : Optional.ofNullable(best);
    }

    /** Whether the text contains a rude word. */
    public boolean rude() {
        return !rudeWords.isEmpty();
    }

    /** Whether the text names a specific detail. */
    public boolean specific() {
        return !specificWords.isEmpty();
    }

    /** Whether the text wanders off topic. */
    public boolean drift() {
        return !driftWords.isEmpty();
    }
}
