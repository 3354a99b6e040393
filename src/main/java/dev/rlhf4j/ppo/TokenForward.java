package dev.rlhf4j.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import java.util.List;

/**
 * The next-token arrays PPO needs: over a whole batch, aligned on positions 0..T−2, or at the
 * positions that predict response tokens only ({@link #at}, one row per response token).
 */
final class TokenForward {

    static final NDIndex ALL_BUT_LAST = new NDIndex(":, :-1");
    static final NDIndex FROM_SECOND = new NDIndex(":, 1:");

    private TokenForward() {}

    /** Full log-probability rows log π(· | x_≤t), {@code [B, T-1, V]}. */
    static NDArray logProbRows(NDArray logits) {
        return logits.get(ALL_BUT_LAST).logSoftmax(-1);
    }

    /** log π(x_{t+1} | x_≤t) from full rows and the batch's ids: {@code [B, T-1]}. */
    static NDArray tokenLogProbs(NDArray logProbRows, NDList inputs) {
        NDArray next = inputs.get(0).get(FROM_SECOND).expandDims(-1); // [B, T-1, 1]
        return logProbRows.gather(next, -1).squeeze(-1);              // [B, T-1]
    }

    /** Entropy of each next-token distribution, H_t = −Σ p·log p: {@code [B, T-1]}. */
    static NDArray entropy(NDArray logProbRows) {
        return logProbRows.exp().mul(logProbRows).sum(new int[] {-1}).neg();
    }

    /** The rows of {@code hidden [B, T, E]} at flat slots of the {@code [B, T]} grid: {@code [N, E]}. */
    static NDArray at(NDArray hidden, NDArray slots) {
        return hidden.reshape(-1, hidden.getShape().get(2)).get(slots);
    }

    /** log π(target_n | context_n) from logits {@code [N, V]} and the targets {@code [N]} (int64): {@code [N]}. */
    static NDArray tokenLogProbs(NDArray logProbRows, NDArray targets) {
        return logProbRows.gather(targets.expandDims(-1), -1).squeeze(-1);
    }

    /** A flat {@code [N]} array cut into consecutive pieces of the completions' lengths. */
    static double[][] split(float[] flat, List<int[]> completions) {
        double[][] out = new double[completions.size()][];
        int k = 0;
        for (int i = 0; i < out.length; i++) {
            out[i] = new double[completions.get(i).length];
            for (int t = 0; t < out[i].length; t++) {
                out[i][t] = flat[k++];
            }
        }
        return out;
    }

    /** The completions' tokens end to end, as int64: the targets of {@code completionSlots}. */
    static long[] targets(List<int[]> completions) {
        int n = 0;
        for (int[] c : completions) {
            n += c.length;
        }
        long[] out = new long[n];
        int k = 0;
        for (int[] c : completions) {
            for (int token : c) {
                out[k++] = token;
            }
        }
        return out;
    }
}
