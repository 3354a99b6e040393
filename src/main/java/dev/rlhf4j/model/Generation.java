package dev.rlhf4j.model;

import dev.rlhf4j.text.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link Sampler#generate} produced for a batch of prompts.
 *
 * @param prompts the prompt tokens of each row (BOS first)
 * @param completions the new tokens of each row, ending with EOS when {@code finished[i]}
 * @param finished whether row i stopped at an end-of-sequence token (else it hit
 *     {@code maxNewTokens})
 */
public record Generation(List<int[]> prompts, List<int[]> completions, boolean[] finished) {

    /** Number of rows. */
    public int size() {
        return completions.size();
    }

    /** Prompt and completion of row i as one token sequence. */
    public int[] sequence(int i) {
        int[] p = prompts.get(i);
        int[] c = completions.get(i);
        int[] s = new int[p.length + c.length];
        System.arraycopy(p, 0, s, 0, p.length);
        System.arraycopy(c, 0, s, p.length, c.length);
        return s;
    }

    /** The decoded completion texts (special tokens left out). */
    public List<String> completionTexts(Tokenizer tokenizer) {
        List<String> out = new ArrayList<>(size());
        for (int[] c : completions) {
            out.add(tokenizer.decode(c));
        }
        return out;
    }

    /** The decoded prompt + completion texts. */
    public List<String> texts(Tokenizer tokenizer) {
        List<String> out = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            out.add(tokenizer.decode(sequence(i)));
        }
        return out;
    }

    /** Total number of new tokens. */
    public long newTokens() {
        long n = 0;
        for (int[] c : completions) {
            n += c.length;
        }
        return n;
    }
}
