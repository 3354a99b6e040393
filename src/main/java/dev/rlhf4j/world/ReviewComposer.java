package dev.rlhf4j.world;

import dev.rlhf4j.text.Words;
import dev.rlhf4j.world.ReviewTemplates.Kind;
import dev.rlhf4j.world.SlotFiller.Clause;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes one review for a {@link Plan} of latent attributes, in numbered steps: 1) the prompt and
 * its continuation, 2) follow-up clauses, 3) drift, 4) the rude sentence, 5) repetition, 6) end
 * marks, 7) a closing, 8) truncation for unended reviews. {@link #attempt} returns {@code null}
 * when the draft does not show exactly the planned attributes to {@link ReviewSignals}; the caller
 * simply tries again with the same generator.
 */
final class ReviewComposer {

    /** Fewest and most words of a review. */
    static final int MIN_WORDS = 8;
    static final int MAX_WORDS = 24;

    /** What one review must be. */
    record Plan(Prompt prompt, Kind kind, int sentiment, boolean rude, boolean specific,
            boolean repetition, boolean drift, boolean unended) {}

    private enum RudeMode { WORD, SENTENCE, INTENSIFIER }

    private final ReviewLexicon lexicon = ReviewLexicon.standard();

    /** One try at a review for {@code plan}: its tokens, or {@code null} if it missed the plan. */
    List<String> attempt(Plan plan, Random rnd) {
        SlotFiller f = new SlotFiller(rnd);
        List<String> promptTokens = Words.split(plan.prompt().text());
        int s = plan.sentiment();
        int[] strengths = strengths(plan, rnd);
        int n = strengths.length;
        int specificAt = !plan.specific() ? -1
                : n == 1 || rnd.nextBoolean() ? 0 : 1 + rnd.nextInt(n - 1);
        RudeMode rude = plan.rude() ? rudeMode(s, rnd) : null;
        int rudeAt = rude == RudeMode.SENTENCE || rude == null ? -1 : rnd.nextInt(n);
        List<List<String>> body = new ArrayList<>();
        List<Clause> clauses = new ArrayList<>();

        // 1) the prompt and its continuation
        Clause first = clause(plan.prompt().aspect(), strengths[0], rude, rudeAt == 0);
        for (String w : promptTokens) {
            if (plan.kind() == Kind.LINK && ReviewWords.NOUN_ADJECTIVES.containsKey(w)) {
                first.subject = w;
            }
        }
        List<String> opening = new ArrayList<>(promptTokens);
        opening.addAll(f.fill(f.pick(continuations(plan.kind(), plan.prompt().aspect(),
                specificAt == 0, strengths[0])), first));
        body.add(opening);
        clauses.add(first);

        // 2) follow-up clauses, on the same aspect mostly; a third one only if there is room
        for (int i = 1; i < n; i++) {
            if (i >= 2 && wordCount(body) >= 15) {
                break;
            }
            Aspect aspect = rnd.nextDouble() < 0.12 ? f.pick(List.of(Aspect.values()))
                    : plan.prompt().aspect();
            Clause c = clause(aspect, strengths[i], rude, rudeAt == i);
            List<String> tokens = f.fill(f.pick(specificAt == i
                    ? ReviewTemplates.FOLLOW_SPECIFIC.get(aspect)
                    : ReviewTemplates.FOLLOW_GENERIC.get(aspect)), c);
            join(body, tokens, strengths[i - 1] * strengths[i] < 0, f, rnd);
            clauses.add(c);
        }
        if (rude != null && rude != RudeMode.SENTENCE
                && (rudeAt >= clauses.size() || !clauses.get(rudeAt).usedRude)) {
            return null;
        }

        // 3) drift: a story that has nothing to do with the meal
        boolean wander = false;
        if (plan.drift()) {
            int stories = rnd.nextDouble() < 0.3 ? 2 : 1;
            wander = rnd.nextDouble() < 0.6;
            for (int k = 0; k < stories; k++) {
                int at = wander ? body.size() : 1 + rnd.nextInt(body.size());
                body.add(at, driftSentence(f));
            }
        }

        // 4) the rude sentence
        if (rude == RudeMode.SENTENCE) {
            Clause c = new Clause(plan.prompt().aspect(), s);
            body.add(1 + rnd.nextInt(body.size()), f.fill(f.pick(ReviewTemplates.INSULTS.stream()
                    .filter(t -> s <= -2 || !t.contains("{stuff}")).toList()), c));
        }

        // 5) repetition, the way a looping model repeats itself
        if (plan.repetition()) {
            Repetition.apply(body, promptTokens.size(), lexicon, rnd);
        }

        // 6) end marks, 7) a closing sentence
        List<String> tokens = flatten(body, s, rnd);
        double closeRate = wander ? 0.2 : 0.45;
        if (rnd.nextDouble() < closeRate || Words.wordsOnly(tokens).size() < MIN_WORDS + 1) {
            tokens.addAll(Words.split(f.pick(ReviewTemplates.CLOSINGS.get(s + 2))));
        }

        // 8) unended: stop mid-sentence
        if (plan.unended()) {
            tokens = truncate(tokens, promptTokens.size(), rnd);
            if (tokens == null) {
                return null;
            }
        }
        return matches(plan, tokens, promptTokens.size()) ? tokens : null;
    }

    /** Clause strengths: the review's sentiment spread over 1–3 clauses. */
    private static int[] strengths(Plan plan, Random rnd) {
        double u = rnd.nextDouble();
        int n = u < 0.35 ? 1 : u < 0.85 ? 2 : 3;
        if (plan.repetition() || plan.drift()) {
            n = Math.min(n, 2);
        }
        int s = plan.sentiment();
        boolean mixed = s == 0 && rnd.nextBoolean();
        if (mixed) {
            n = Math.max(n, 2);
        }
        int[] out = new int[n];
        int strongAt = rnd.nextInt(Math.min(n, 2));
        for (int i = 0; i < n; i++) {
            if (mixed) {
                out[i] = i >= 2 ? 0 : (i == 0) == (strongAt == 0) ? 1 : -1;
            } else if (Math.abs(s) == 2) {
                out[i] = i == strongAt || rnd.nextBoolean() ? s : s / 2;
            } else {
                out[i] = s;
            }
        }
        return out;
    }

    private static RudeMode rudeMode(int sentiment, Random rnd) {
        if (sentiment >= 0) {
            return RudeMode.INTENSIFIER;
        }
        double u = rnd.nextDouble();
        return u < 0.4 ? RudeMode.WORD : u < 0.85 ? RudeMode.SENTENCE : RudeMode.INTENSIFIER;
    }

    private static Clause clause(Aspect aspect, int strength, RudeMode rude, boolean rudeHere) {
        Clause c = new Clause(aspect, strength);
        c.rudeWord = rudeHere && rude == RudeMode.WORD;
        c.rudeIntensifier = rudeHere && rude == RudeMode.INTENSIFIER;
        return c;
    }

    private static List<String> continuations(Kind kind, Aspect aspect, boolean specific,
            int strength) {
        int sign = Integer.signum(strength) + 1;
        return switch (kind) {
            case LINK -> specific ? ReviewTemplates.LINK_SPECIFIC.get(aspect)
                    : ReviewTemplates.LINK_GENERIC;
            case ACTOR -> specific ? ReviewTemplates.ACTOR_SPECIFIC : ReviewTemplates.ACTOR_GENERIC;
            case COST -> specific ? ReviewTemplates.COST_SPECIFIC : ReviewTemplates.COST_GENERIC;
            case TOOK -> specific ? ReviewTemplates.TOOK_SPECIFIC : ReviewTemplates.TOOK_GENERIC;
            case WAITED -> specific ? ReviewTemplates.WAITED_SPECIFIC
                    : ReviewTemplates.WAITED_GENERIC;
            case SEATED -> (specific ? ReviewTemplates.SEATED_SPECIFIC
                    : ReviewTemplates.SEATED_GENERIC).get(sign);
        };
    }

    /** Adds a clause to the last sentence ("and", "but", a comma) or as a new sentence. */
    private static void join(List<List<String>> body, List<String> clause, boolean contrast,
            SlotFiller f, Random rnd) {
        List<String> last = body.get(body.size() - 1);
        double u = rnd.nextDouble();
        if (contrast) {
            if (u < 0.75) {
                last.addAll(Words.split(u < 0.5 ? "but" : ", but"));
                last.addAll(clause);
            } else {
                List<String> sentence = new ArrayList<>(List.of("but"));
                sentence.addAll(clause);
                body.add(sentence);
            }
        } else if (u < 0.6) {
            last.addAll(Words.split(f.pick(List.of(", and", "and", ","))));
            last.addAll(clause);
        } else {
            List<String> sentence = new ArrayList<>();
            if (rnd.nextDouble() < 0.25 && !clause.contains("also")) {
                sentence.add("also");
            }
            sentence.addAll(clause);
            body.add(sentence);
        }
    }

    private static List<String> driftSentence(SlotFiller f) {
        List<String> out = new ArrayList<>(Words.split(f.pick(ReviewTemplates.DRIFT_OPENERS)));
        if (f.pick(List.of(true, true, false))) {
            out.addAll(Words.split(f.pick(ReviewTemplates.DRIFT_SUBJECTS)));
            out.addAll(Words.split(f.pick(ReviewTemplates.DRIFT_PREDICATES)));
        } else {
            out.addAll(Words.split(f.pick(ReviewTemplates.DRIFT_ALONE)));
        }
        return out;
    }

    /** 6) Sentences in order, each ended by "." or "!" unless it has its own end mark. */
    private static List<String> flatten(List<List<String>> body, int sentiment, Random rnd) {
        double bang = Math.abs(sentiment) == 2 ? 0.3 : 0.08;
        List<String> out = new ArrayList<>();
        for (List<String> sentence : body) {
            out.addAll(sentence);
            String end = sentence.get(sentence.size() - 1);
            if (!end.equals(".") && !end.equals("!") && !end.equals("?")) {
                out.add(rnd.nextDouble() < bang ? "!" : ".");
            }
        }
        return out;
    }

    /** Cuts the text after a word of its last sentence; null if it would get too short. */
    private static List<String> truncate(List<String> tokens, int promptTokens, Random rnd) {
        List<Integer> wordEnds = new ArrayList<>();
        int lastSentenceStart = 0;
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (!Words.isPunctuation(t)) {
                wordEnds.add(i);
            } else if (i < tokens.size() - 1 && (t.equals(".") || t.equals("!"))) {
                lastSentenceStart = wordEnds.size();
            }
        }
        int lo = Math.max(Math.max(MIN_WORDS, promptTokens + 2), lastSentenceStart + 2);
        int hi = wordEnds.size() - 1;
        if (lo > hi) {
            lo = Math.max(MIN_WORDS, promptTokens + 2);
        }
        if (lo > hi) {
            return null;
        }
        int keep = lo + rnd.nextInt(hi - lo + 1);
        return new ArrayList<>(tokens.subList(0, wordEnds.get(keep - 1) + 1));
    }

    /** Whether the text shows exactly the planned attributes, read from its words alone. */
    private boolean matches(Plan plan, List<String> tokens, int promptTokens) {
        for (int i = 1; i < tokens.size(); i++) {
            if (Words.isPunctuation(tokens.get(i)) && Words.isPunctuation(tokens.get(i - 1))) {
                return false;
            }
        }
        int words = Words.wordsOnly(tokens).size();
        if (words < MIN_WORDS || words > MAX_WORDS) {
            return false;
        }
        boolean specific = false;
        for (String t : tokens.subList(promptTokens, tokens.size())) {
            specific |= lexicon.isSpecific(t);
        }
        ReviewSignals all = ReviewSignals.read(tokens, lexicon);
        return all.sentiment() == plan.sentiment()
                && all.rude() == plan.rude()
                && specific == plan.specific()
                && all.drift() == plan.drift()
                && all.repetition() == plan.repetition()
                && all.cleanEnding() != plan.unended()
                && onAspect(all, plan.prompt().aspect());
    }

    private static int wordCount(List<List<String>> body) {
        int n = 0;
        for (List<String> sentence : body) {
            n += Words.wordsOnly(sentence).size();
        }
        return n;
    }

    /** Whether no other aspect has more keywords than {@code aspect}. */
    static boolean onAspect(ReviewSignals signals, Aspect aspect) {
        int own = signals.aspectCounts().get(aspect);
        return signals.aspectCounts().values().stream().allMatch(count -> count <= own);
    }
}
