package dev.rlhf4j.world;

import static dev.rlhf4j.world.ReviewWords.ADJECTIVES;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The word lists of the review world, as look-ups a judge can apply to any text word by word: the
 * keywords of each {@link Aspect}, sentiment words with a strength from −2 to +2, rude words,
 * specific-detail words, and drift words that wander off topic. {@link ReviewSignals} reads a whole
 * text with it; the feedback stage's simulated human builds its preference on top.
 *
 * <p>The lists are fixed and small on purpose, so a learner can print them. Each word belongs to at
 * most one aspect and has one sentiment strength (checked when the lexicon is built).
 *
 * <ul>
 *   <li><b>Sentiment</b>: +2 amazing, delicious, perfect; +1 good, friendly, fair; 0 okay, average;
 *       −1 bland, slow, overpriced; −2 awful, terrible, rude. "rude" describes the staff and is a
 *       sentiment word; the reviewer's own impoliteness is measured by {@link #isRude(String)}.
 *   <li><b>Rude</b>: mild insults and swearing (idiots, clowns, garbage, crap, stupid, pathetic,
 *       damn). Most also carry negative sentiment; "damn" and "freaking" carry none.
 *   <li><b>Specific</b>: dish names, ingredients, staff names, number words and named parts of the
 *       room (pasta, truffle, maria, twenty, fireplace).
 *   <li><b>Drift</b>: words of stories unrelated to the meal (cousin, parking, weather, phone).
 *   <li><b>Clean ending</b>: a review ends cleanly when its last token is "." or "!".
 * </ul>
 */
public final class ReviewLexicon {

    private static final ReviewLexicon STANDARD = new ReviewLexicon();

    private final Map<String, Aspect> aspects = new LinkedHashMap<>();
    private final Map<Aspect, List<String>> keywords = new EnumMap<>(Aspect.class);
    private final Map<String, Integer> sentiments = new LinkedHashMap<>();
    private final Set<String> rude = new LinkedHashSet<>();
    private final Set<String> specific = new LinkedHashSet<>();
    private final Set<String> drift = new LinkedHashSet<>();

    private ReviewLexicon() {
        addKeywords(Aspect.FOOD, ReviewWords.DISHES, ReviewWords.DISHES_PLURAL,
                ReviewWords.INGREDIENTS, ReviewWords.FOOD_NOUNS, ReviewWords.FOOD_NOUNS_PLURAL);
        addKeywords(Aspect.SERVICE, ReviewWords.STAFF, ReviewWords.NAMES);
        addKeywords(Aspect.AMBIENCE, ReviewWords.ROOM_NOUNS, ReviewWords.DETAILS);
        addKeywords(Aspect.PRICE, ReviewWords.PRICE_NOUNS);
        for (Aspect a : Aspect.values()) {
            addKeywords(a, ReviewWords.EXTRA_KEYWORDS.get(a));
            List<List<String>> tiers = ADJECTIVES.get(a);
            for (int strength = -2; strength <= 2; strength++) {
                for (String w : tiers.get(strength + 2)) {
                    addSentiment(w, strength);
                }
            }
        }
        for (List<List<String>> tiers : ReviewWords.NOUN_ADJECTIVES.values()) {
            for (int strength = -2; strength <= 2; strength++) {
                for (String w : tiers.get(strength + 2)) {
                    addSentiment(w, strength);
                }
            }
        }
        ReviewWords.EXTRA_SENTIMENT.forEach(this::addSentiment);
        addRude(ReviewWords.RUDE_PEOPLE_2, -2);
        addRude(ReviewWords.RUDE_PEOPLE_1, -1);
        addRude(ReviewWords.RUDE_STUFF_2, -2);
        addRude(ReviewWords.RUDE_ADJ_2, -2);
        addRude(ReviewWords.RUDE_ADJ_1, -1);
        addRude(ReviewWords.RUDE_INTENSIFIERS, 0);
        for (List<String> list : List.of(ReviewWords.DISHES, ReviewWords.DISHES_PLURAL,
                ReviewWords.INGREDIENTS, ReviewWords.NAMES, ReviewWords.NUMBERS,
                ReviewWords.DETAILS)) {
            specific.addAll(list);
        }
        for (String w : ReviewWords.DRIFT) {
            if (aspects.containsKey(w) || sentiments.containsKey(w) || specific.contains(w)) {
                throw new IllegalStateException("drift word '" + w + "' is also on topic");
            }
            drift.add(w);
        }
    }

    /** The lexicon of the review world (immutable, shared). */
    public static ReviewLexicon standard() {
        return STANDARD;
    }

    private void addKeywords(Aspect aspect, List<?>... lists) {
        List<String> own = keywords.computeIfAbsent(aspect, a -> new ArrayList<>());
        for (List<?> list : lists) {
            for (Object o : list) {
                String w = (String) o;
                Aspect before = aspects.putIfAbsent(w, aspect);
                if (before != null && before != aspect) {
                    throw new IllegalStateException("keyword '" + w + "' is both " + before
                            + " and " + aspect);
                }
                if (before == null) {
                    own.add(w);
                }
            }
        }
    }

    private void addSentiment(String word, int strength) {
        Integer before = sentiments.putIfAbsent(word, strength);
        if (before != null && before != strength) {
            throw new IllegalStateException("sentiment word '" + word + "' has strengths "
                    + before + " and " + strength);
        }
    }

    private void addRude(List<String> words, int strength) {
        for (String w : words) {
            rude.add(w);
            addSentiment(w, strength);
        }
    }

    private static String norm(String word) {
        return word.toLowerCase(Locale.ROOT).trim();
    }

    /** The aspect {@code word} signals ("pasta" → FOOD, "waitress" → SERVICE), if any. */
    public Optional<Aspect> aspectOf(String word) {
        return Optional.ofNullable(aspects.get(norm(word)));
    }

    /** Sentiment strength of {@code word}: −2..+2, and 0 for words without sentiment. */
    public int sentiment(String word) {
        return sentiments.getOrDefault(norm(word), 0);
    }

    /** Whether {@code word} is a sentiment word (including neutral ones such as "okay"). */
    public boolean hasSentiment(String word) {
        return sentiments.containsKey(norm(word));
    }

    /** Whether {@code word} is impolite (an insult or a swear word). */
    public boolean isRude(String word) {
        return rude.contains(norm(word));
    }

    /** Whether {@code word} is a detail: a dish, ingredient, name, number or part of the room. */
    public boolean isSpecific(String word) {
        return specific.contains(norm(word));
    }

    /** Whether {@code word} belongs to an off-topic story (cousin, parking, weather, phone...). */
    public boolean isDrift(String word) {
        return drift.contains(norm(word));
    }

    /** Whether a text whose last token is {@code lastToken} ends cleanly ("." or "!"). */
    public static boolean isCleanEnding(String lastToken) {
        return ".".equals(lastToken) || "!".equals(lastToken);
    }

    /** The keywords of {@code aspect}, in the lexicon's fixed order. */
    public List<String> keywords(Aspect aspect) {
        return Collections.unmodifiableList(keywords.get(aspect));
    }

    /** The adjectives of {@code aspect} with sentiment {@code strength} (−2..+2). */
    public List<String> adjectives(Aspect aspect, int strength) {
        if (strength < -2 || strength > 2) {
            throw new IllegalArgumentException("strength must be in -2..2, was " + strength);
        }
        return ADJECTIVES.get(aspect).get(strength + 2);
    }

    /** Every sentiment word with its strength, in a fixed order. */
    public Map<String, Integer> sentimentWords() {
        return Collections.unmodifiableMap(sentiments);
    }

    /** The rude words, in a fixed order. */
    public Set<String> rudeWords() {
        return Collections.unmodifiableSet(rude);
    }

    /** The specific-detail words, in a fixed order. */
    public Set<String> specificWords() {
        return Collections.unmodifiableSet(specific);
    }

    /** The drift words, in a fixed order. */
    public Set<String> driftWords() {
        return Collections.unmodifiableSet(drift);
    }
}
