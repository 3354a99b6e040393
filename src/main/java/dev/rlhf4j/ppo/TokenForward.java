package dev.rlhf4j.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;

/** The next-token arrays of a right-padded batch that PPO needs, aligned on positions 0..T−2. */
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

    /** Values V(s_t) aligned with the next-token arrays: {@code [B, T-1]}. */
    static NDArray values(NDArray values) {
        return values.get(ALL_BUT_LAST);
    }
}
