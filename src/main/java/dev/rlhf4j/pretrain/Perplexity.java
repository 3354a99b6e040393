package dev.rlhf4j.pretrain;

import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.LogProbs;
import java.util.List;

/**
 * Held-out perplexity: exp of the mean negative log-likelihood per predicted token,
 * PPL = exp(−(1/N)·Σ log p(x_t | x_&lt;t)), each review scored on its own from BOS.
 */
public final class Perplexity {

    private static final int BATCH = 64;

    private Perplexity() {}

    /** Perplexity of {@code lm} on {@code seqs} ({@code [BOS, ..., EOS]} each). */
    public static double of(LanguageModel lm, List<int[]> seqs) {
        return Math.exp(meanNll(lm, seqs));
    }

    /** Mean negative log-likelihood per predicted token (nats). */
    public static double meanNll(LanguageModel lm, List<int[]> seqs) {
        double nll = 0;
        long n = 0;
        for (int i = 0; i < seqs.size(); i += BATCH) {
            List<int[]> batch = seqs.subList(i, Math.min(seqs.size(), i + BATCH));
            for (float[] lp : LogProbs.of(lm, batch)) {
                for (float v : lp) {
                    nll -= v;
                    n++;
                }
            }
        }
        return nll / n;
    }
}
