package dev.rlhf4j.ppo;

import dev.rlhf4j.world.Prompt;
import java.util.List;

/**
 * One iteration's batch of experience: prompts, sampled responses and every per-token quantity
 * PPO computes from them. Per-token arrays are ragged: row i has one entry per response token
 * (the EOS token included when the response ended).
 *
 * @param prompts the prompts
 * @param queries the prompt tokens (BOS first)
 * @param responses the sampled tokens
 * @param finished whether each response ended with EOS
 * @param completions the responses as text (special tokens left out)
 * @param rawScores the reward model's normalised scores
 * @param scores the scores PPO optimises: raw, minus the missing-EOS penalty, scaled and clipped as configured
 * @param logprobs log π(token) under the policy that sampled it
 * @param refLogprobs log π_ref(token) under the frozen reference
 * @param values V(s_t) of the state before each token
 * @param kl the per-token KL estimate
 * @param rewards the per-token reward: −β·KL_t, plus the score at the last token (then whitened over the
 *     batch, mean kept, when {@code whitenRewards})
 * @param advantages GAE advantages, whitened over the batch
 * @param returns GAE returns A_t + V_t (before whitening)
 * @param beta the KL coefficient β used for the rewards
 */
public record Rollout(
        List<Prompt> prompts,
        List<int[]> queries,
        List<int[]> responses,
        boolean[] finished,
        List<String> completions,
        double[] rawScores,
        double[] scores,
        double[][] logprobs,
        double[][] refLogprobs,
        double[][] values,
        double[][] kl,
        double[][] rewards,
        double[][] advantages,
        double[][] returns,
        double beta) {

    /** Number of rollouts. */
    public int size() {
        return prompts.size();
    }

    /** Query and response of row i as one token sequence. */
    public int[] sequence(int i) {
        int[] q = queries.get(i);
        int[] r = responses.get(i);
        int[] s = new int[q.length + r.length];
        System.arraycopy(q, 0, s, 0, q.length);
        System.arraycopy(r, 0, s, q.length, r.length);
        return s;
    }

    /** Σ_t KL_t of row i: the sequence's KL estimate. */
    public double sequenceKl(int i) {
        double s = 0;
        for (double v : kl[i]) {
            s += v;
        }
        return s;
    }
}
