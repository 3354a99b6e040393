package dev.rlhf4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.List;

/**
 * Per-token log-probabilities and entropies of sequences under a model, in one forward pass — what
 * perplexity, the PPO ratio and the KL penalty are made of.
 *
 * <p>For a sequence x, position t's log-prob is log p(x_{t+1} | x_{≤t}) = log_softmax(logits_t)[x_{t+1}]
 * and its entropy is H_t = −Σ_v p_t(v)·log p_t(v). Both are returned for t = 0..T−2, i.e. aligned
 * with the token they predict shifted by one: {@code logprobs[r][j]} scores token {@code j+1}.
 */
public final class LogProbs {

    private static final NDIndex ALL_BUT_LAST = new NDIndex(":, :-1");
    private static final NDIndex FROM_SECOND = new NDIndex(":, 1:");

    private LogProbs() {}

    /** Log-probs {@code [B, T-1]} and entropies {@code [B, T-1]} as NDArrays (differentiable). */
    public record Scores(NDArray logprobs, NDArray entropy, NDArray logits) {}

    /**
     * Scores a batch laid out as {@code inputs = batch.toInputs(manager)}. Inside a
     * {@code GradientCollector} the result carries gradients; {@code training} turns dropout on.
     */
    public static Scores score(LanguageModel lm, NDList inputs, boolean training) {
        NDArray ids = inputs.get(0); // [B, T]
        NDArray logits = lm.forward(inputs, training).get(0).get(ALL_BUT_LAST); // [B, T-1, V]
        NDArray logp = logits.logSoftmax(-1); // [B, T-1, V]
        NDArray next = ids.get(FROM_SECOND).expandDims(-1); // [B, T-1, 1]
        NDArray tokenLogp = logp.gather(next, -1).squeeze(-1); // log p(x_{t+1} | x_≤t): [B, T-1]
        NDArray entropy = logp.exp().mul(logp).sum(new int[] {-1}).neg(); // H_t = −Σ p·log p: [B, T-1]
        return new Scores(tokenLogp, entropy, logits);
    }

    /**
     * Only the next-token log-probs {@code [B, T-1]}, log p(x_{t+1} | x_≤t), without the entropy:
     * what a trainer differentiates (DPO, GRPO).
     */
    public static NDArray tokenLogProbs(LanguageModel lm, NDList inputs, boolean training) {
        NDArray logits = lm.forward(inputs, training).get(0).get(ALL_BUT_LAST); // [B, T-1, V]
        NDArray next = inputs.get(0).get(FROM_SECOND).expandDims(-1);           // [B, T-1, 1]
        return logits.logSoftmax(-1).gather(next, -1).squeeze(-1);               // [B, T-1]
    }

    /**
     * Plain-array version for notebooks, evaluation and tests: for each sequence, the log-probs of
     * its tokens 1..n−1 (so {@code result[i].length == seqs.get(i).length - 1}).
     */
    public static float[][] of(LanguageModel lm, List<int[]> seqs) {
        return arrays(lm, seqs)[0];
    }

    /** Like {@link #of} but returns {@code {logprobs, entropies}}. */
    public static float[][][] arrays(LanguageModel lm, List<int[]> seqs) {
        TokenBatch batch = TokenBatch.packed(seqs, lm.tokenizer().padId(), lm.config().nEmbd());
        try (NDManager work = lm.newWorkManager(); NoGrad g = NoGrad.enter()) {
            Scores s = score(lm, batch.toInputs(work), false);
            float[] lp = s.logprobs().toFloatArray();
            float[] en = s.entropy().toFloatArray();
            float[][] logprobs = new float[seqs.size()][];
            float[][] entropies = new float[seqs.size()][];
            for (int r = 0; r < seqs.size(); r++) {
                int n = Math.max(0, seqs.get(r).length - 1);
                logprobs[r] = new float[n];
                entropies[r] = new float[n];
                if (n > 0) {
                    System.arraycopy(lp, batch.nextTokenIndex(r, 0), logprobs[r], 0, n);
                    System.arraycopy(en, batch.nextTokenIndex(r, 0), entropies[r], 0, n);
                }
            }
            return new float[][][] {logprobs, entropies};
        }
    }
}
