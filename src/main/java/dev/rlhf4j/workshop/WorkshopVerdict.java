package dev.rlhf4j.workshop;

import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.feedback.Intervals;
import dev.rlhf4j.feedback.Ranking;
import dev.rlhf4j.feedback.SimulatedRater;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewPreference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The room's verdict on a tuned policy, from its blind A/B rounds: the share of pairs in which
 * people preferred the policy's completion to the initial model's (a tie counts ½), with a 95%
 * bootstrap interval over the rankings; next to it the simulated human's verdict on the same pairs
 * (its noiseless taste, which neither the reward model nor PPO saw).
 *
 * @param rankings A/B rankings by people
 * @param human the people's win rate of the policy
 * @param humanLower 2.5% bootstrap percentile
 * @param humanUpper 97.5% bootstrap percentile
 * @param pairs distinct A/B pairs ranked
 * @param simulated the simulated human's win rate of the policy on those pairs
 * @param simulatedLower 2.5% bootstrap percentile
 * @param simulatedUpper 97.5% bootstrap percentile
 */
public record WorkshopVerdict(int rankings, double human, double humanLower, double humanUpper, int pairs, double simulated,
        double simulatedLower, double simulatedUpper) {

    /** Bootstrap resamples of the intervals. */
    public static final int BOOTSTRAP = 1000;

    /** The verdict of the A/B rankings among {@code records}; NaN rates when there are none. */
    public static WorkshopVerdict of(List<FeedbackRecord> records, Map<String, WorkshopTask> tasks, ReviewPreference taste,
            List<Prompt> prompts, long seed) {
        Map<String, Prompt> byId = new HashMap<>();
        for (Prompt p : prompts) {
            byId.put(p.id(), p);
        }
        List<Double> human = new ArrayList<>();
        Map<String, Double> simulated = new LinkedHashMap<>();
        for (FeedbackRecord r : records) {
            WorkshopTask t = tasks.get(r.task());
            if (t == null || t.k() != 2 || !t.sources().contains(ABTasks.POLICY) || !t.sources().contains(ABTasks.INITIAL)) {
                continue;
            }
            int policy = t.sources().indexOf(ABTasks.POLICY);
            human.add(score(r.ranking(), policy));
            Prompt p = byId.get(t.promptId());
            if (p != null && !simulated.containsKey(t.id())) {
                simulated.put(t.id(), score(SimulatedRater.noiseless(taste, t.rankingTask(p)), policy));
            }
        }
        double[] h = bootstrap(human, Seeds.derive(seed, "verdict-human"));
        double[] s = bootstrap(new ArrayList<>(simulated.values()), Seeds.derive(seed, "verdict-simulated"));
        return new WorkshopVerdict(human.size(), h[0], h[1], h[2], simulated.size(), s[0], s[1], s[2]);
    }

    /** 1 when the policy's completion is ranked above the initial model's, 0 below, ½ tied. */
    static double score(Ranking ranking, int policy) {
        if (ranking.groups().size() == 1) {
            return 0.5;
        }
        return ranking.groups().get(0).contains(policy) ? 1 : 0;
    }

    /** Mean, 2.5% and 97.5% percentiles of the mean over resamples; NaNs for no scores. */
    static double[] bootstrap(List<Double> scores, Random rng) {
        int n = scores.size();
        if (n == 0) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
        double mean = scores.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double[] means = new double[BOOTSTRAP];
        for (int b = 0; b < BOOTSTRAP; b++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += scores.get(rng.nextInt(n));
            }
            means[b] = sum / n;
        }
        Arrays.sort(means);
        return new double[] {mean, Intervals.percentile(means, Intervals.LOWER), Intervals.percentile(means, Intervals.UPPER)};
    }
}
