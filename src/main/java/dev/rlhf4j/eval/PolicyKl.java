package dev.rlhf4j.eval;

import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.model.Generation;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.LogProbs;
import dev.rlhf4j.model.Sampler;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.world.Prompt;
import java.util.ArrayList;
import java.util.List;

/**
 * How far a tuned policy has moved from the model it started from, measured the same way for every
 * method (PPO, DPO, GRPO): the sequence KL
 *
 * <pre>
 *   KL(π ‖ π_ref) = E_{y ~ π(·|x)} Σ_t [log π(y_t | x, y_&lt;t) − log π_ref(y_t | x, y_&lt;t)]
 * </pre>
 *
 * estimated by sampling completions y from π on the given prompts and averaging Σ_t of the
 * log-ratio over them (the k1 estimator; unbiased for temperature-1 sampling from π, as TRL warns:
 * other sampling settings bias it). In nats per completion, the unit of PPO's {@code objective/kl}.
 */
public final class PolicyKl {

    private PolicyKl() {}

    /**
     * The estimate over {@code perPrompt} samples of each prompt from {@code policy} (seeded), the
     * completion's EOS included.
     */
    public static double estimate(LanguageModel policy, LanguageModel reference, List<Prompt> prompts, int perPrompt,
            SamplingConfig sampling, long seed) {
        List<int[]> rows = new ArrayList<>();
        for (Prompt p : prompts) {
            for (int j = 0; j < perPrompt; j++) {
                rows.add(policy.encodePrompt(p.text()));
            }
        }
        Generation g = Sampler.generate(policy, rows, sampling, Seeds.derive(seed, "kl to reference"));
        List<int[]> seqs = new ArrayList<>(g.size());
        for (int i = 0; i < g.size(); i++) {
            seqs.add(g.sequence(i));
        }
        float[][] lp = LogProbs.of(policy, seqs);
        float[][] ref = LogProbs.of(reference, seqs);
        double total = 0;
        for (int i = 0; i < seqs.size(); i++) {
            int start = g.prompts().get(i).length - 1; // position j scores token j+1: the completion starts here
            for (int t = start; t < lp[i].length; t++) {
                total += lp[i][t] - ref[i][t];          // log π − log π_ref of each completion token
            }
        }
        return total / seqs.size();
    }
}
