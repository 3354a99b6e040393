package dev.rlhf4j.ppo;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One iteration's metrics under TRL's classic names (v0.7–v0.11 {@code PPOTrainer.record_step_stats}
 * and {@code log_stats}), each meaning what TRL's means, so numbers line up with what learners see
 * elsewhere. With n sequences, T_i response tokens in row i, β the KL coefficient of the rewards:
 *
 * <ul>
 *   <li>{@code env/reward_mean}, {@code env/reward_std}: mean and unbiased std ({@code torch.std})
 *       of the scores before scaling and clipping (the reward model's normalised score minus the
 *       missing-EOS penalty), what a TRL user passes to {@code step} and {@code log_stats};
 *       {@code ppo/mean_scores}, {@code ppo/std_scores}: the same of the scores PPO optimises (after
 *       {@code useScoreScaling}/{@code useScoreNorm}/{@code scoreClip}); {@code env/raw_reward_mean}
 *       (ours): the mean of the reward model's normalised scores;
 *   <li>{@code objective/kl}: {@code mean_i Σ_t KL_t} with the configured estimator;
 *       {@code objective/kl_coef}: the β the rewards used; {@code objective/kl_coef_next} (ours): β
 *       after the controller's update;
 *   <li>{@code objective/entropy}: TRL's sampled estimate {@code mean_i Σ_t −log π(a_t)} of the
 *       rollout's tokens; {@code objective/entropy_exact} (ours): {@code mean_i Σ_t H_t} with
 *       {@code H_t = −Σ_v π(v) log π(v)}, the exact entropy of each next-token distribution. Both
 *       estimate a response's entropy in nats (the first is unbiased only for temperature-1 sampling);
 *   <li>{@code ppo/mean_non_score_reward}: {@code Σ_i Σ_t −β·KL_t / Σ_i T_i}, a per-token mean
 *       (TRL's {@code masked_mean(non_score_reward, mask)});
 *   <li>from the minibatches ({@link MinibatchStats}): the losses and policy statistics,
 *       {@code ppo/val/vpred}, {@code ppo/val/error} = {@code mean((V − R)²)} with the value head's
 *       predictions during training, {@code ppo/returns/mean}, {@code ppo/returns/var} (unbiased),
 *       {@code ppo/val/mean}, {@code ppo/val/var}, {@code ppo/policy/advantages_mean}, each a
 *       per-minibatch masked statistic averaged over the minibatches;
 *   <li>{@code ppo/val/var_explained} = {@code 1 − ppo/val/error / ppo/returns/var}, TRL's formula,
 *       i.e. {@code 1 − mean((V − R)²)/Var(R)} with the training predictions;
 *   <li>{@code tokens/responses_len_mean}, and {@code tokens/finished_fraction} (ours).
 * </ul>
 *
 * A standard deviation of one value is NaN, as {@code torch.std}'s.
 */
final class PpoMetrics {

    private PpoMetrics() {}

    /**
     * @param penalized the scores before scaling and clipping (raw minus the missing-EOS penalty)
     * @param entropy Σ_t H_t of each response (exact entropy)
     */
    static Map<String, Double> of(int iteration, Rollout r, double[] penalized, MinibatchStats stats, double meanKl,
            double beta, double nextBeta, double[] entropy) {
        int n = r.size();
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("iteration", (double) iteration);
        double[] scores = r.scores();
        m.put("env/reward_mean", mean(penalized));
        m.put("env/reward_std", Math.sqrt(variance(penalized))); // unbiased, as torch.std
        m.put("env/raw_reward_mean", mean(r.rawScores()));
        m.put("objective/kl", meanKl);
        m.put("objective/kl_coef", beta);
        m.put("objective/kl_coef_next", nextBeta);
        double sampled = 0;
        double nonScore = 0;
        int tokens = 0;
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < r.logprobs()[i].length; t++) {
                sampled += -r.logprobs()[i][t] / n; // Σ_t −log π(a_t), averaged over sequences
                nonScore += -beta * r.kl()[i][t];   // Σ_i Σ_t −β·KL_t
                tokens++;
            }
        }
        m.put("objective/entropy", sampled);
        m.put("objective/entropy_exact", mean(entropy));
        m.put("ppo/mean_non_score_reward", tokens == 0 ? Double.NaN : nonScore / tokens); // per-token mean
        m.put("ppo/mean_scores", mean(scores));
        m.put("ppo/std_scores", Math.sqrt(variance(scores)));
        Map<String, Double> mb = stats.means();
        m.putAll(mb);
        m.put("ppo/val/var_explained", 1 - mb.getOrDefault("ppo/val/error", Double.NaN)
                / mb.getOrDefault("ppo/returns/var", Double.NaN)); // 1 − mean((V − R)²)/Var(R)
        double len = 0;
        double finished = 0;
        for (int i = 0; i < n; i++) {
            len += r.responses().get(i).length / (double) n;
            finished += r.finished()[i] ? 1.0 / n : 0;
        }
        m.put("tokens/responses_len_mean", len);
        m.put("tokens/finished_fraction", finished);
        return m;
    }

    static double mean(double[] xs) {
        double s = 0;
        for (double x : xs) {
            s += x;
        }
        return xs.length == 0 ? Double.NaN : s / xs.length;
    }

    /** Unbiased variance {@code Σ(x − mean)²/(n − 1)}, as {@code torch.var}; NaN for fewer than two values. */
    static double variance(double[] xs) {
        double mu = mean(xs);
        double s = 0;
        for (double x : xs) {
            s += (x - mu) * (x - mu);
        }
        return xs.length < 2 ? Double.NaN : s / (xs.length - 1); // Σ(x − mean)²/(n − 1)
    }
}
