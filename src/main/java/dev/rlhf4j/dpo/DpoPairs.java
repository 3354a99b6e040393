package dev.rlhf4j.dpo;

import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.feedback.Pairs;
import dev.rlhf4j.model.LanguageModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The feedback log as DPO's training data: every ranking's C(K,2) comparisons ({@link Pairs}) as
 * (prompt, chosen, rejected) pairs, ties left out (a tie says neither is preferred, and DPO's loss
 * has no term for it), tokenized as TRL does: the prompt (BOS first), then the completion with
 * EOS appended, so the model also learns where a preferred review ends.
 */
public final class DpoPairs {

    private DpoPairs() {}

    /**
     * One preference pair, as text and as tokens.
     *
     * @param record the id of the feedback record it comes from
     * @param promptId the prompt's id in {@code prompts.csv}
     * @param prompt the prompt text
     * @param chosen the preferred completion's text
     * @param rejected the other completion's text
     * @param promptTokens BOS + the prompt
     * @param chosenTokens the preferred completion + EOS
     * @param rejectedTokens the other completion + EOS
     */
    public record Pair(String record, String promptId, String prompt, String chosen, String rejected, int[] promptTokens,
            int[] chosenTokens, int[] rejectedTokens) {}

    /**
     * The strict pairs of {@code records} whose prompt is not in {@code excludedPrompts} (held-out
     * prompts, so evaluation stays fair), tokenized for {@code lm}.
     *
     * @throws IllegalArgumentException when a prompt and completion do not fit the model's context
     *     (the message names the record)
     */
    public static List<Pair> of(List<FeedbackRecord> records, LanguageModel lm, Set<String> excludedPrompts) {
        int context = lm.config().contextLength();
        int eos = lm.tokenizer().eosId();
        List<Pair> out = new ArrayList<>();
        for (FeedbackRecord r : records) {
            if (excludedPrompts.contains(r.promptId())) {
                continue;
            }
            int[] prompt = lm.encodePrompt(r.prompt());
            for (Pairs.Comparison c : Pairs.comparisons(r)) {
                if (c.tie()) {
                    continue; // a tie prefers neither
                }
                int[] chosen = withEos(lm.tokenizer().encode(c.chosen()), eos);
                int[] rejected = withEos(lm.tokenizer().encode(c.rejected()), eos);
                int longest = prompt.length + Math.max(chosen.length, rejected.length);
                if (longest > context) {
                    throw new IllegalArgumentException("feedback record " + r.id() + ": prompt and completion are " + longest
                            + " tokens, more than the model's context of " + context);
                }
                out.add(new Pair(r.id(), r.promptId(), r.prompt(), c.chosen(), c.rejected(), prompt, chosen, rejected));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("the feedback has no strict preference pairs on training prompts ("
                    + records.size() + " rankings)");
        }
        return out;
    }

    private static int[] withEos(int[] tokens, int eos) {
        int[] s = new int[tokens.length + 1];
        System.arraycopy(tokens, 0, s, 0, tokens.length);
        s[tokens.length] = eos;
        return s;
    }
}
