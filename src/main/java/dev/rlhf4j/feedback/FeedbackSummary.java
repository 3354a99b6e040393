package dev.rlhf4j.feedback;

import com.google.gson.GsonBuilder;
import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewPreference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;

/**
 * Stage 2 at a glance, what a report shows of a feedback log: how many rankings of how many tasks by
 * which raters, how often the raters agree with each other and with the noiseless simulated human
 * ({@link Agreement}), and how well the per-task Elo scores the reward model can learn from
 * ({@link EloScores}) follow that human's utility (Spearman's ρ).
 *
 * @param rankings records in the log
 * @param tasks distinct ranking tasks
 * @param k completions per task (of the first record)
 * @param withTie rankings that contain a tie
 * @param byRater rankings per rater, most first
 * @param betweenRaters agreement of every two raters on the tasks both ranked
 * @param pooledAgreement the pairs-weighted agreement over {@code betweenRaters} (NaN when no task was ranked twice)
 * @param withPreference each rater's agreement with the noiseless preference
 * @param eloScoreSpearman Spearman's ρ between every completion's Elo score (within its task) and its utility
 */
public record FeedbackSummary(int rankings, int tasks, int k, int withTie, Map<String, Integer> byRater,
        List<Agreement.RaterPair> betweenRaters, double pooledAgreement, List<Agreement.RaterScore> withPreference,
        double eloScoreSpearman) {

    /** File of the summary in the folder {@link #write} writes. */
    public static final String SUMMARY = "summary.json";
    /** Chart: every completion's Elo score against its noiseless utility. */
    public static final String ELO_SCORES_PNG = "elo_scores.png";
    /** Chart: the Elo leaderboard of the models in a matches file next to the log. */
    public static final String MODELS_PNG = "models.png";
    /** The matches file the bundled feedback has next to its log (the bundled models judged head to head). */
    public static final String MODELS_CSV = "models.csv";

    /** Copies the collections. */
    public FeedbackSummary {
        byRater = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byRater));
        betweenRaters = List.copyOf(betweenRaters);
        withPreference = List.copyOf(withPreference);
    }

    /** The summary of {@code records}; {@code prompts} give each record's aspect to the noiseless preference. */
    public static FeedbackSummary of(List<FeedbackRecord> records, List<Prompt> prompts) {
        return of(records, prompts, eloScoresAndUtilities(records, prompts));
    }

    private static FeedbackSummary of(List<FeedbackRecord> records, List<Prompt> prompts, Map<String, Double>[] scored) {
        Map<String, Integer> counts = new TreeMap<>();
        int ties = 0;
        for (FeedbackRecord r : records) {
            counts.merge(r.rater(), 1, Integer::sum);
            ties += r.ranking().hasTies() ? 1 : 0;
        }
        Map<String, Integer> byRater = new LinkedHashMap<>();
        counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue())
                .forEach(e -> byRater.put(e.getKey(), e.getValue()));
        int tasks = (int) records.stream().map(FeedbackRecord::task).distinct().count();
        List<Agreement.RaterPair> between = Agreement.betweenRaters(records);
        Function<FeedbackRecord, Ranking> reference = SimulatedFeedback.reference(ReviewPreference.defaults(), prompts);
        List<Agreement.RaterScore> withPreference = Agreement.withReference(records, reference);
        return new FeedbackSummary(records.size(), tasks, records.get(0).k(), ties, byRater, between,
                between.isEmpty() ? Double.NaN : Agreement.pooled(between), withPreference,
                Agreement.spearman(scored[0], scored[1]));
    }

    /**
     * Every completion's Elo score within its task ({@link EloScores}, K = 32) and its noiseless utility,
     * keyed {@code task/cN}: [0] the scores, [1] the utilities.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Double>[] eloScoresAndUtilities(List<FeedbackRecord> records, List<Prompt> prompts) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("feedback summary: the log has no rankings");
        }
        Map<String, Prompt> byId = new HashMap<>();
        prompts.forEach(p -> byId.put(p.id(), p));
        EloScores scores = EloScores.of(records, EloRating.defaults());
        ReviewPreference human = ReviewPreference.defaults();
        Map<String, Double> target = new LinkedHashMap<>();
        Map<String, Double> utility = new LinkedHashMap<>();
        for (FeedbackRecord r : records) {
            Prompt p = byId.get(r.promptId());
            if (p == null) {
                throw new IllegalArgumentException("record " + r.id() + ": unknown prompt id " + r.promptId());
            }
            String key = r.task() + "/c";
            if (target.containsKey(key + 1)) {
                continue; // a task ranked by several raters has one score per completion
            }
            double[] u = SimulatedRater.utilities(human, r, p.aspect());
            for (int i = 0; i < r.k(); i++) {
                target.put(key + (i + 1), scores.target(r.task())[i]);
                utility.put(key + (i + 1), u[i]);
            }
        }
        return new Map[] {target, utility};
    }

    /** The chart of every completion's Elo score (y) against its noiseless utility (x). */
    public static XYChart eloScoresChart(List<FeedbackRecord> records, List<Prompt> prompts) {
        return eloScoresChart(eloScoresAndUtilities(records, prompts));
    }

    private static XYChart eloScoresChart(Map<String, Double>[] scored) {
        XYChart c = FeedbackCharts.ratingVsTruth(scored[0], scored[1]);
        c.setTitle(String.format(java.util.Locale.ROOT, "Elo score of each completion vs the simulated human (Spearman ρ = %.2f)",
                Agreement.spearman(scored[0], scored[1])));
        c.setXAxisTitle("true preference for the completion");
        c.setYAxisTitle("Elo score within its task (σ units)");
        c.getStyler().setLegendVisible(false);
        return c;
    }

    /**
     * Writes the summary into {@code dir}: {@code summary.json}, {@code elo_scores.png} and, when
     * {@code models} (a matches CSV, e.g. the bundled {@code models.csv}) exists, {@code models.png}, its
     * Elo leaderboard (K = 4, Arena's) with 95% intervals from {@code bootstrap} resamples.
     */
    public static FeedbackSummary write(List<FeedbackRecord> records, List<Prompt> prompts, Path models, int bootstrap,
            long seed, Path dir) {
        Map<String, Double>[] scored = eloScoresAndUtilities(records, prompts);
        FeedbackSummary s = of(records, prompts, scored);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("rankings", s.rankings());
        json.put("tasks", s.tasks());
        json.put("k", s.k());
        json.put("rankings_with_tie", s.withTie());
        json.put("by_rater", s.byRater());
        json.put("between_raters", s.betweenRaters());
        json.put("pooled_agreement", s.pooledAgreement());
        json.put("with_preference", s.withPreference());
        json.put("elo_score_spearman", s.eloScoreSpearman());
        AtomicFiles.writeString(dir.resolve(SUMMARY),
                new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(json) + "\n");
        XYChart scores = eloScoresChart(scored);
        AtomicFiles.write(dir.resolve(ELO_SCORES_PNG), o -> BitmapEncoder.saveBitmap(scores, o, BitmapEncoder.BitmapFormat.PNG));
        if (models != null && Files.exists(models)) {
            List<Match> matches = Matches.read(models);
            EloRating elo = EloRating.defaults().withK(4);
            Leaderboard board = Leaderboard.of("Models' Elo (K=4)",
                    elo.rate(matches).ratings(), elo.bootstrap(matches, bootstrap, Seeds.derive(seed, "models-elo")), matches);
            AtomicFiles.write(dir.resolve(MODELS_PNG),
                    o -> BitmapEncoder.saveBitmap(FeedbackCharts.leaderboard(board), o, BitmapEncoder.BitmapFormat.PNG));
        }
        return s;
    }
}
