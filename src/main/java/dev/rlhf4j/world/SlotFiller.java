package dev.rlhf4j.world;

import static dev.rlhf4j.world.ReviewTemplates.bySign;

import dev.rlhf4j.text.Words;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fills the slots of a {@link ReviewTemplates} template for one clause, drawing every choice from
 * the caller's {@link Random}. Within a clause no word is drawn twice ("good and good" cannot
 * happen), so repetition only appears where the generator puts it on purpose.
 */
final class SlotFiller {

    /** Probability that an {@code {v}} slot gets an intensifier ("really", "pretty"). */
    static final double INTENSIFIER_RATE = 0.3;

    /** One clause: its aspect, sentiment strength and whether it carries the rude word. */
    static final class Clause {
        final Aspect aspect;
        final int strength;
        /** The clause's first {@code {a}} becomes an insulting adjective or noun. */
        boolean rudeWord;
        /** The clause's first {@code {v}} becomes "damn" or "freaking". */
        boolean rudeIntensifier;
        /** Whether the rude word was placed. */
        boolean usedRude;
        /** The noun the next {@code {a}} describes, when it restricts the adjectives. */
        String subject;
        private final Set<String> used = new HashSet<>();

        Clause(Aspect aspect, int strength) {
            this.aspect = aspect;
            this.strength = strength;
        }
    }

    /** Templates and phrases split into tokens, once (a fixed, small set). */
    private static final Map<String, List<String>> TOKENS = new ConcurrentHashMap<>();

    private final Random rnd;

    SlotFiller(Random rnd) {
        this.rnd = rnd;
    }

    /** Picks one element of {@code list}. */
    <T> T pick(List<T> list) {
        return list.get(rnd.nextInt(list.size()));
    }

    /** The tokens of {@code template} with every slot filled for {@code clause}. */
    List<String> fill(String template, Clause clause) {
        List<String> out = new ArrayList<>();
        fill(template, clause, out);
        return out;
    }

    private void fill(String template, Clause clause, List<String> out) {
        for (String token : TOKENS.computeIfAbsent(template, Words::splitRaw)) {
            if (token.startsWith("{")) {
                fill(resolve(token.substring(1, token.length() - 1), clause), clause, out);
            } else {
                out.add(token);
            }
        }
    }

    private String resolve(String slot, Clause c) {
        int sign = Integer.signum(c.strength) + 1;
        return switch (slot) {
            case "a" -> adjective(c);
            case "v" -> intensifier(c);
            case "g" -> distinct(ReviewWords.FOOD_GENERAL.get(c.strength + 2), c);
            case "dish" -> about(c, null, distinct(ReviewWords.DISHES, c));
            case "dishes" -> about(c, null, distinct(ReviewWords.DISHES_PLURAL, c));
            case "ing" -> about(c, "", distinct(ReviewWords.INGREDIENTS, c));
            case "name" -> distinct(ReviewWords.NAMES, c);
            case "detail" -> about(c, null, distinct(ReviewTemplates.DETAIL, c));
            case "staff" -> distinct(ReviewWords.STAFF, c);
            case "fn" -> about(c, "", distinct(ReviewWords.FOOD_NOUNS, c));
            case "fns" -> about(c, "", distinct(ReviewWords.FOOD_NOUNS_PLURAL, c));
            case "room" -> about(c, "", distinct(ReviewWords.ROOM_NOUNS, c));
            case "pn" -> distinct(ReviewWords.PRICE_NOUNS, c);
            case "num" -> distinct(bySign(ReviewTemplates.BIG_NUMBERS, ReviewWords.NUMBERS,
                    ReviewTemplates.SMALL_NUMBERS).get(sign), c);
            case "numtime" -> pick(ReviewTemplates.NUM_TIME.get(sign));
            case "time" -> pick(ReviewTemplates.TIME.get(sign));
            case "wtime" -> pick(ReviewTemplates.WAIT_TIME.get(sign));
            case "cost" -> pick(ReviewTemplates.COST.get(sign));
            case "svp" -> pick(ReviewTemplates.SVP.get(sign));
            case "svps" -> pick(ReviewTemplates.SVP_SPECIFIC.get(sign));
            case "tail" -> pick(ReviewTemplates.TAIL);
            case "wtail" -> pick(ReviewTemplates.WAIT_TAIL);
            case "spot" -> distinct(ReviewTemplates.SPOT, c);
            case "people" -> pick(c.strength <= -2
                    ? concat(ReviewWords.RUDE_PEOPLE_2, ReviewWords.RUDE_PEOPLE_1)
                    : ReviewWords.RUDE_PEOPLE_1);
            case "stuff" -> pick(ReviewWords.RUDE_STUFF_2);
            case "rudeadj" -> pick(c.strength <= -2
                    ? concat(ReviewWords.RUDE_ADJ_2, ReviewWords.RUDE_ADJ_1)
                    : ReviewWords.RUDE_ADJ_1);
            default -> throw new IllegalStateException("unknown template slot {" + slot + "}");
        };
    }

    private String adjective(Clause c) {
        if (c.rudeWord && !c.usedRude && c.strength < 0) {
            c.usedRude = true;
            if (c.strength == -1) {
                return pick(ReviewWords.RUDE_ADJ_1);
            }
            return c.aspect == Aspect.SERVICE ? pick(ReviewWords.RUDE_ADJ_2)
                    : pick(concat(ReviewWords.RUDE_ADJ_2, ReviewWords.RUDE_STUFF_2));
        }
        return distinct(ReviewWords.adjectivesFor(c.aspect, c.subject).get(c.strength + 2), c);
    }

    /**
     * Returns {@code noun}, recording it as the subject of the clause's next adjective; with a
     * null {@code restricts} (dishes, the booth) any adjective of the aspect fits.
     */
    private static String about(Clause c, String restricts, String noun) {
        c.subject = restricts == null ? null : noun;
        return noun;
    }

    private String intensifier(Clause c) {
        if (c.rudeWord && !c.usedRude) {
            return "";
        }
        if (c.rudeIntensifier && !c.usedRude) {
            c.usedRude = true;
            return pick(ReviewWords.RUDE_INTENSIFIERS);
        }
        if (rnd.nextDouble() >= INTENSIFIER_RATE) {
            return "";
        }
        return distinct(ReviewWords.INTENSIFIERS.get(c.strength + 2), c).replace('_', ' ');
    }

    private String distinct(List<String> list, Clause c) {
        List<String> fresh = new ArrayList<>();
        for (String w : list) {
            if (!c.used.contains(w)) {
                fresh.add(w);
            }
        }
        String w = pick(fresh.isEmpty() ? list : fresh);
        c.used.add(w);
        return w;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
