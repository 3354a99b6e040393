package dev.rlhf4j.feedback;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * From rankings to regression targets through Elo (the route of the RLHF seed: "ranks turned into
 * scores with Elo ratings, normalised into a scalar reward").
 *
 * <p>For every task the C(K,2) comparisons of all its rankings (every rater, in log order) are
 * played as online Elo matches between its completions {@code c1..cK}, each starting at the
 * initial rating. Ratings of different prompts are not comparable (each prompt is its own
 * tournament), so each task is centred on its own mean, and all centred ratings are divided by
 * one global standard deviation:
 *
 * <pre>target(t, i) = (R(t, i) − mean_j R(t, j)) / σ,   σ = √(mean over the fitted tasks and i of (R(t,i) − mean_j R(t,j))²)</pre>
 *
 * where the fitted tasks are all tasks, or only the training ones (below).
 *
 * The targets have mean 0 in every task and variance 1 over the whole log; a task whose rankings
 * were all ties gets zeros, one with a clear winner a wider spread than one with mixed verdicts.
 *
 * <p>σ is the only number shared across tasks, so a reward model validated on held-out prompts must
 * not see it measured on them: {@link #of(List, EloRating, Predicate)} measures σ on the training
 * records only and divides every task, held-out ones included, by it (fit on train, apply to both).
 *
 * @param ratings the Elo rating of each completion, by task id (index = completion)
 * @param targets the normalised targets, by task id
 * @param sigma the global standard deviation σ of the (training tasks') centred ratings (in Elo points)
 */
public record EloScores(Map<String, double[]> ratings, Map<String, double[]> targets, double sigma) {

    /** The scores of every task in {@code records} under {@code elo}, σ measured on all of them. */
    public static EloScores of(List<FeedbackRecord> records, EloRating elo) {
        return of(records, elo, r -> true);
    }

    /**
     * The scores of every task in {@code records}, with σ measured only on the tasks of the records
     * {@code training} accepts (e.g. those whose prompt is not held out) and applied to every task, so
     * validation records change neither σ nor any training target. σ = 1 when no training task
     * remains.
     */
    public static EloScores of(List<FeedbackRecord> records, EloRating elo, Predicate<FeedbackRecord> training) {
        Map<String, List<Match>> matchesByTask = new LinkedHashMap<>();
        Map<String, Integer> kByTask = new LinkedHashMap<>();
        Set<String> fitTasks = new HashSet<>();
        for (FeedbackRecord r : records) {
            if (training.test(r)) {
                fitTasks.add(r.task());
            }
            Integer k = kByTask.putIfAbsent(r.task(), r.k());
            if (k != null && k != r.k()) {
                throw new IllegalArgumentException("record " + r.id() + ": task " + r.task() + " has " + r.k()
                        + " completions here but " + k + " in an earlier record");
            }
            matchesByTask.computeIfAbsent(r.task(), t -> new ArrayList<>()).addAll(Pairs.matches(r));
        }
        Map<String, double[]> ratings = new LinkedHashMap<>();
        Map<String, double[]> centred = new LinkedHashMap<>();
        double sumSq = 0;
        int n = 0;
        for (Map.Entry<String, List<Match>> e : matchesByTask.entrySet()) {
            EloRating.Ratings result = elo.rate(e.getValue());
            int k = kByTask.get(e.getKey());
            double[] r = new double[k];
            double mean = 0;
            for (int i = 0; i < k; i++) {
                r[i] = result.ratings().getOrDefault(Pairs.player(i), elo.initial());
                mean += r[i] / k;
            }
            double[] c = new double[k];
            for (int i = 0; i < k; i++) {
                c[i] = r[i] - mean; // R(t,i) − mean_j R(t,j)
            }
            if (fitTasks.contains(e.getKey())) {
                for (int i = 0; i < k; i++) {
                    sumSq += c[i] * c[i];
                    n++;
                }
            }
            ratings.put(e.getKey(), r);
            centred.put(e.getKey(), c);
        }
        double sigma = n == 0 ? 1 : Math.sqrt(sumSq / n); // σ over the training tasks' centred ratings
        double divisor = sigma > 0 ? sigma : 1;
        Map<String, double[]> targets = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : centred.entrySet()) {
            double[] t = e.getValue().clone();
            for (int i = 0; i < t.length; i++) {
                t[i] /= divisor;
            }
            targets.put(e.getKey(), t);
        }
        return new EloScores(ratings, targets, sigma);
    }

    /** The targets of one task's completions. */
    public double[] target(String task) {
        double[] t = targets.get(task);
        if (t == null) {
            throw new IllegalArgumentException("no Elo scores for task " + task);
        }
        return t;
    }
}
