package dev.rlhf4j.reward;

import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.feedback.Pairs;
import dev.rlhf4j.text.Tokenizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Rankings from the feedback log as reward-model examples, split into train and validation by prompt. */
public final class RewardData {

    /** Largest share of unknown tokens tolerated before the feedback is declared foreign to the tokenizer. */
    static final double MAX_UNKNOWN_SHARE = 0.02;

    private RewardData() {}

    /**
     * One ranking, ready for the reward model.
     *
     * @param record the logged ranking
     * @param sequences the K token sequences (BOS + prompt + completion)
     * @param pairs its C(K,2) pairs
     * @param eloTargets the normalised Elo score of each completion ({@link dev.rlhf4j.feedback.EloScores})
     */
    public record Example(FeedbackRecord record, List<int[]> sequences, List<Pairs.Pair> pairs, double[] eloTargets) {}

    /**
     * Training and validation examples; no prompt is in both.
     *
     * @param validPrompts the prompt ids held out for validation
     */
    public record Split(List<Example> train, List<Example> valid, Set<String> validPrompts) {}

    /**
     * Encodes every record for {@code rm} and splits by prompt: a seeded share {@code validFraction}
     * of the distinct prompts (at least one) goes to validation.
     *
     * @param eloTargets the normalised Elo scores by task ({@link dev.rlhf4j.feedback.EloScores#targets()})
     * @throws IllegalArgumentException when the feedback does not fit the backbone: too many words
     *     its tokenizer does not know, or a review longer than its context
     */
    public static Split split(List<FeedbackRecord> records, RewardModel rm, Map<String, double[]> eloTargets,
            double validFraction,
            long seed) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("no rankings to train a reward model on");
        }
        checkTokenizer(records, rm.tokenizer());
        Set<String> valid = validPrompts(records, validFraction, seed);
        List<Example> train = new ArrayList<>();
        List<Example> validExamples = new ArrayList<>();
        int context = rm.backbone().config().contextLength();
        for (FeedbackRecord r : records) {
            List<int[]> seqs = new ArrayList<>();
            for (String c : r.completions()) {
                int full = rm.backbone().encodePrompt(r.prompt()).length + rm.tokenizer().encode(c).length + 1;
                if (full > context) {
                    throw new IllegalArgumentException("record " + r.id() + ": a review of " + full
                            + " tokens does not fit the reward model's context of " + context);
                }
                seqs.add(rm.encode(r.prompt(), c));
            }
            double[] targets = eloTargets.get(r.task());
            if (targets == null || targets.length != r.k()) {
                throw new IllegalArgumentException("record " + r.id() + ": no Elo scores for its task " + r.task());
            }
            Example e = new Example(r, seqs, Pairs.of(r.ranking()), targets);
            (valid.contains(r.promptId()) ? validExamples : train).add(e);
        }
        return new Split(train, validExamples, valid);
    }

    /**
     * The prompt ids {@link #split} holds out for validation: a seeded share {@code validFraction} of
     * the distinct prompts, at least one and leaving at least one. Known before the split, so the Elo
     * targets' σ can be measured on the training prompts only
     * ({@link dev.rlhf4j.feedback.EloScores#of(List, dev.rlhf4j.feedback.EloRating, java.util.function.Predicate)}).
     */
    public static Set<String> validPrompts(List<FeedbackRecord> records, double validFraction, long seed) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("no rankings to train a reward model on");
        }
        Set<String> prompts = new TreeSet<>();
        for (FeedbackRecord r : records) {
            prompts.add(r.promptId());
        }
        if (prompts.size() < 2) {
            throw new IllegalArgumentException("the feedback covers " + prompts.size()
                    + " prompt(s); a split by prompt needs at least 2");
        }
        List<String> order = new ArrayList<>(prompts);
        Collections.shuffle(order, Seeds.derive(seed, "reward-split"));
        int nValid = Math.max(1, Math.min(order.size() - 1, (int) Math.round(validFraction * order.size())));
        return new LinkedHashSet<>(order.subList(0, nValid));
    }

    /** Fails when the feedback's words are foreign to {@code tokenizer} (it was made with another one). */
    static void checkTokenizer(List<FeedbackRecord> records, Tokenizer tokenizer) {
        long tokens = 0;
        long unknown = 0;
        String example = null;
        for (FeedbackRecord r : records) {
            List<String> texts = new ArrayList<>(r.completions());
            texts.add(r.prompt());
            for (String t : texts) {
                for (int id : tokenizer.encode(t)) {
                    tokens++;
                    if (id == tokenizer.unkId()) {
                        unknown++;
                        if (example == null) {
                            example = "record " + r.id() + ": \"" + t + "\"";
                        }
                    }
                }
            }
        }
        if (tokens > 0 && unknown > MAX_UNKNOWN_SHARE * tokens) {
            throw new IllegalArgumentException(String.format(
                    "the feedback does not match the reward model's tokenizer: %d of %d tokens (%.1f%%) are unknown to it,"
                    + " e.g. in %s. Rank samples of a model that shares the backbone's tokenizer.",
                    unknown, tokens, 100.0 * unknown / tokens, example));
        }
    }
}
