package dev.rlhf4j.ppo;

import java.util.LinkedHashMap;
import java.util.Map;

/** One iteration's metrics under TRL's classic names, so numbers line up with what learners see elsewhere. */
final class PpoMetrics {

    private PpoMetrics() {}

    static Map<String, Double> of(int iteration, Rollout r, MinibatchStats stats, double meanKl, double beta,
            double nextBeta, double[] entropy) {
        int n = r.size();
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("iteration", (double) iteration);
        double[] scores = r.scores();
        m.put("env/reward_mean", mean(scores));
        m.put("env/reward_std", Math.sqrt(variance(scores)));
        m.put("env/raw_reward_mean", mean(r.rawScores()));
        m.put("objective/kl", meanKl);
        m.put("objective/kl_coef", beta);
        m.put("objective/kl_coef_next", nextBeta);
        m.put("objective/entropy", mean(entropy));
        double nonScore = 0;
        for (int i = 0; i < n; i++) {
            nonScore += -beta * r.sequenceKl(i) / n; // Σ_t −β·KL_t, averaged over sequences
        }
        m.put("ppo/mean_non_score_reward", nonScore);
        m.put("ppo/mean_scores", mean(scores));
        m.putAll(stats.means());
        double[] ret = flat(r.returns());
        double[] val = flat(r.values());
        double[] err = new double[ret.length];
        for (int i = 0; i < ret.length; i++) {
            err[i] = ret[i] - val[i];
        }
        m.put("ppo/returns/mean", mean(ret));
        m.put("ppo/returns/var", variance(ret));
        m.put("ppo/val/mean", mean(val));
        m.put("ppo/val/var_explained", 1 - variance(err) / variance(ret)); // 1 − Var(R − V)/Var(R)
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

    static double[] flat(double[][] rows) {
        int n = 0;
        for (double[] row : rows) {
            n += row.length;
        }
        double[] out = new double[n];
        int k = 0;
        for (double[] row : rows) {
            System.arraycopy(row, 0, out, k, row.length);
            k += row.length;
        }
        return out;
    }

    static double mean(double[] xs) {
        double s = 0;
        for (double x : xs) {
            s += x;
        }
        return xs.length == 0 ? Double.NaN : s / xs.length;
    }

    static double variance(double[] xs) {
        double mu = mean(xs);
        double s = 0;
        for (double x : xs) {
            s += (x - mu) * (x - mu);
        }
        return xs.length == 0 ? Double.NaN : s / xs.length;
    }
}
