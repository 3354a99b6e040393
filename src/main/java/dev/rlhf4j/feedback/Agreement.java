package dev.rlhf4j.feedback;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * How much two rankings of the same K completions agree: between raters who ranked the same task
 * (InstructGPT reports 72.6 ± 1.5% inter-labeler agreement, Ouyang et al. 2022, §5.1), or between a
 * rater and a reference ranking — the noiseless simulated human, which is the ceiling a reward model
 * trained on that rater can reach.
 *
 * <p>Each of the C(K,2) pairs {i, j} is <i>concordant</i> when both rankings order it the same way,
 * <i>discordant</i> when they order it oppositely, or tied in one or both. Two numbers:
 * <ul>
 *   <li><b>pairwise agreement</b> = n_c / (n_c + n_d): among the pairs both rankings order strictly,
 *       the fraction ordered the same way; pairs tied in either ranking are left out (NaN when no
 *       pair is strictly ordered by both);
 *   <li><b>Kendall's τ-b</b> (Kendall 1945) = (n_c − n_d) / sqrt((n_0 − n_1)(n_0 − n_2)), with n_0 =
 *       C(K,2), n_1 the pairs tied in the first ranking and n_2 those tied in the second: 1 for the
 *       same order, −1 for the reverse, 0 for no relation (NaN when a ranking ties everything).
 * </ul>
 */
public final class Agreement {

    private Agreement() {}

    /**
     * The pairs of two rankings by kind.
     *
     * @param concordant pairs both order the same way (n_c)
     * @param discordant pairs they order oppositely (n_d)
     * @param tiedA pairs tied in the first ranking only
     * @param tiedB pairs tied in the second ranking only
     * @param tiedBoth pairs tied in both
     */
    public record Counts(int concordant, int discordant, int tiedA, int tiedB, int tiedBoth) {

        /** All pairs, n_0 = C(K,2). */
        public int pairs() {
            return concordant + discordant + tiedA + tiedB + tiedBoth;
        }

        /** n_c / (n_c + n_d), NaN when no pair is strictly ordered by both. */
        public double agreement() {
            return (double) concordant / (concordant + discordant); // n_c / (n_c + n_d)
        }

        /** τ-b = (n_c − n_d) / sqrt((n_0 − n_1)(n_0 − n_2)), NaN when a ranking ties every pair. */
        public double tau() {
            double n0 = pairs();
            double n1 = tiedA + tiedBoth;
            double n2 = tiedB + tiedBoth;
            double denominator = Math.sqrt((n0 - n1) * (n0 - n2));
            return denominator == 0 ? Double.NaN : (concordant - discordant) / denominator; // (n_c − n_d)/sqrt((n_0−n_1)(n_0−n_2))
        }
    }

    /**
     * Agreement between two raters over the tasks both ranked.
     *
     * @param raterA the first rater (alphabetically)
     * @param raterB the second rater
     * @param tasks tasks both ranked
     * @param agreement mean pairwise agreement over those tasks (tasks where it is NaN left out)
     * @param tau mean Kendall τ-b over those tasks (tasks where it is NaN left out)
     */
    public record RaterPair(String raterA, String raterB, int tasks, double agreement, double tau) {}

    /**
     * The room's agreement: the pairs' agreements averaged with weights their task counts, over the
     * pairs where it is defined; NaN when there is none.
     */
    public static double pooled(List<RaterPair> pairs) {
        double weighted = 0;
        int tasks = 0;
        for (RaterPair p : pairs) {
            if (!Double.isNaN(p.agreement())) {
                weighted += p.agreement() * p.tasks(); // Σ agreement · tasks / Σ tasks
                tasks += p.tasks();
            }
        }
        return tasks == 0 ? Double.NaN : weighted / tasks;
    }

    /**
     * Each rater's agreement with the rest of the room: the agreements of the pairs the rater is in,
     * averaged with weights their task counts (pairs where it is NaN left out).
     *
     * @return rater → agreement, for the raters in at least one pair with a defined agreement
     */
    public static Map<String, Double> withRoom(List<RaterPair> pairs) {
        Map<String, double[]> sums = new TreeMap<>(); // rater -> {Σ agreement · tasks, Σ tasks}
        for (RaterPair p : pairs) {
            if (!Double.isNaN(p.agreement())) {
                for (String rater : List.of(p.raterA(), p.raterB())) {
                    double[] acc = sums.computeIfAbsent(rater, k -> new double[2]);
                    acc[0] += p.agreement() * p.tasks();
                    acc[1] += p.tasks();
                }
            }
        }
        Map<String, Double> out = new TreeMap<>();
        sums.forEach((rater, acc) -> out.put(rater, acc[0] / acc[1]));
        return out;
    }

    /** The tasks behind {@link #pooled}: Σ tasks over the pairs whose agreement is defined. */
    public static int pooledTasks(List<RaterPair> pairs) {
        return pairs.stream().filter(p -> !Double.isNaN(p.agreement())).mapToInt(RaterPair::tasks).sum();
    }

    /**
     * A rater's agreement with a reference ranking.
     *
     * @param rater the rater
     * @param tasks tasks it ranked
     * @param agreement mean pairwise agreement with the reference
     * @param tau mean Kendall τ-b with the reference
     */
    public record RaterScore(String rater, int tasks, double agreement, double tau) {}

    /** Counts the C(K,2) pairs of {@code a} and {@code b} by kind; both must rank the same K. */
    public static Counts counts(Ranking a, Ranking b) {
        if (a.k() != b.k()) {
            throw new IllegalArgumentException("rankings of different sizes: expected the same K, found " + a.k()
                    + " (" + a + ") and " + b.k() + " (" + b + ")");
        }
        int[] la = a.levels();
        int[] lb = b.levels();
        int c = 0;
        int d = 0;
        int ta = 0;
        int tb = 0;
        int tt = 0;
        for (int i = 0; i < la.length; i++) {
            for (int j = i + 1; j < la.length; j++) {
                int sa = Integer.signum(la[j] - la[i]);
                int sb = Integer.signum(lb[j] - lb[i]);
                if (sa == 0 && sb == 0) {
                    tt++;
                } else if (sa == 0) {
                    ta++;
                } else if (sb == 0) {
                    tb++;
                } else if (sa == sb) {
                    c++;
                } else {
                    d++;
                }
            }
        }
        return new Counts(c, d, ta, tb, tt);
    }

    /** n_c / (n_c + n_d): the fraction of pairs ordered the same way among those both order strictly. */
    public static double pairwise(Ranking a, Ranking b) {
        return counts(a, b).agreement();
    }

    /** Kendall's τ-b of two rankings of the same K. */
    public static double kendallTau(Ranking a, Ranking b) {
        return counts(a, b).tau();
    }

    /**
     * For every two raters who ranked the same tasks, their mean agreement and τ-b over those tasks.
     * Records are grouped by {@link FeedbackRecord#task()}; when a rater ranked a task twice, its last
     * record counts.
     *
     * @return one row per rater pair, sorted by the raters' names
     */
    public static List<RaterPair> betweenRaters(List<FeedbackRecord> records) {
        Map<String, Map<String, Ranking>> byTask = new LinkedHashMap<>();
        for (FeedbackRecord r : records) {
            byTask.computeIfAbsent(r.task(), t -> new TreeMap<>()).put(r.rater(), r.ranking());
        }
        Map<List<String>, Mean> pairs = new TreeMap<>((x, y) -> x.get(0).equals(y.get(0))
                ? x.get(1).compareTo(y.get(1)) : x.get(0).compareTo(y.get(0)));
        byTask.forEach((task, rankings) -> {
            List<String> raters = new ArrayList<>(rankings.keySet());
            for (int i = 0; i < raters.size(); i++) {
                for (int j = i + 1; j < raters.size(); j++) {
                    Counts c = counts(task, rankings.get(raters.get(i)), rankings.get(raters.get(j)));
                    pairs.computeIfAbsent(List.of(raters.get(i), raters.get(j)), k -> new Mean()).add(c);
                }
            }
        });
        List<RaterPair> out = new ArrayList<>();
        pairs.forEach((p, m) -> out.add(new RaterPair(p.get(0), p.get(1), m.tasks, m.agreement(), m.tau())));
        return out;
    }

    /**
     * Every rater's mean agreement and τ-b with {@code reference}'s ranking of the same task (e.g. the
     * noiseless simulated human's).
     *
     * @return one row per rater, sorted by name
     */
    public static List<RaterScore> withReference(List<FeedbackRecord> records, Function<FeedbackRecord, Ranking> reference) {
        Map<String, Mean> raters = new TreeMap<>();
        for (FeedbackRecord r : records) {
            raters.computeIfAbsent(r.rater(), k -> new Mean()).add(counts(r.task(), r.ranking(), reference.apply(r)));
        }
        List<RaterScore> out = new ArrayList<>();
        raters.forEach((name, m) -> out.add(new RaterScore(name, m.tasks, m.agreement(), m.tau())));
        return out;
    }

    /**
     * Spearman's ρ between two ratings of the same players (Spearman 1904): the Pearson correlation of
     * their ranks, tied values getting their average rank; with distinct values ρ = 1 − 6Σd²/(n(n² − 1)).
     * Players missing from either map are left out.
     */
    public static double spearman(Map<String, Double> a, Map<String, Double> b) {
        List<String> players = a.keySet().stream().filter(b::containsKey).toList();
        if (players.size() < 2) {
            throw new IllegalArgumentException("Spearman's rho: expected at least 2 players rated in both, found "
                    + players.size());
        }
        double[] ra = ranks(players.stream().mapToDouble(a::get).toArray());
        double[] rb = ranks(players.stream().mapToDouble(b::get).toArray());
        double mean = (players.size() + 1) / 2.0;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < ra.length; i++) {
            sab += (ra[i] - mean) * (rb[i] - mean);
            saa += (ra[i] - mean) * (ra[i] - mean);
            sbb += (rb[i] - mean) * (rb[i] - mean);
        }
        return sab / Math.sqrt(saa * sbb); // ρ = cov(rank a, rank b) / (σ_rank a · σ_rank b)
    }

    /** 1-based ranks, ascending; ties get the average of their positions. */
    private static double[] ranks(double[] v) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(v[x], v[y]));
        double[] r = new double[v.length];
        for (int start = 0; start < v.length; ) {
            int end = start;
            while (end + 1 < v.length && v[order[end + 1]] == v[order[start]]) {
                end++;
            }
            for (int k = start; k <= end; k++) {
                r[order[k]] = (start + end) / 2.0 + 1; // average rank of the tied run
            }
            start = end + 1;
        }
        return r;
    }

    private static Counts counts(String task, Ranking a, Ranking b) {
        try {
            return counts(a, b);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("task " + task + ": " + e.getMessage(), e);
        }
    }

    /** Rater pairs as a table: rater_a, rater_b, tasks, agreement, tau. */
    public static Table table(List<RaterPair> pairs) {
        Table t = Table.create("agreement between raters", StringColumn.create("rater_a"), StringColumn.create("rater_b"),
                IntColumn.create("tasks"), DoubleColumn.create("agreement"), DoubleColumn.create("tau"));
        for (RaterPair p : pairs) {
            t.stringColumn("rater_a").append(p.raterA());
            t.stringColumn("rater_b").append(p.raterB());
            t.intColumn("tasks").append(p.tasks());
            t.doubleColumn("agreement").append(p.agreement());
            t.doubleColumn("tau").append(p.tau());
        }
        return t;
    }

    /** Agreement with a reference as a table: rater, tasks, agreement, tau. */
    public static Table referenceTable(List<RaterScore> scores) {
        Table t = Table.create("agreement with the reference", StringColumn.create("rater"), IntColumn.create("tasks"),
                DoubleColumn.create("agreement"), DoubleColumn.create("tau"));
        for (RaterScore s : scores) {
            t.stringColumn("rater").append(s.rater());
            t.intColumn("tasks").append(s.tasks());
            t.doubleColumn("agreement").append(s.agreement());
            t.doubleColumn("tau").append(s.tau());
        }
        return t;
    }

    /**
     * Whose taste a rater's rankings follow: for each named taste (e.g. each simulated panel member's
     * noiseless ranking, {@link SimulatedFeedback#reference}) and each rater of {@code records} (e.g. a
     * learner's own), {@link #withReference}: the share of pairs ordered as that taste orders them, and τ-b.
     *
     * @return columns taste, rater, tasks, agreement, tau; the tastes in the map's order
     */
    public static Table tastes(List<FeedbackRecord> records, Map<String, Function<FeedbackRecord, Ranking>> tastes) {
        Table t = Table.create("whose taste the rankings follow", StringColumn.create("taste"), StringColumn.create("rater"),
                IntColumn.create("tasks"), DoubleColumn.create("agreement"), DoubleColumn.create("tau"));
        for (Map.Entry<String, Function<FeedbackRecord, Ranking>> e : tastes.entrySet()) {
            for (RaterScore s : withReference(records, e.getValue())) {
                t.stringColumn("taste").append(e.getKey());
                t.stringColumn("rater").append(s.rater());
                t.intColumn("tasks").append(s.tasks());
                t.doubleColumn("agreement").append(s.agreement());
                t.doubleColumn("tau").append(s.tau());
            }
        }
        for (String c : List.of("agreement", "tau")) {
            t.doubleColumn(c).setPrintFormatter(new java.text.DecimalFormat("0.000",
                    java.text.DecimalFormatSymbols.getInstance(java.util.Locale.ROOT)), "");
        }
        return t;
    }

    /** Running means of agreement and τ over tasks, skipping NaN. */
    private static final class Mean {
        int tasks;
        double agreementSum;
        int agreementTasks;
        double tauSum;
        int tauTasks;

        void add(Counts c) {
            tasks++;
            if (!Double.isNaN(c.agreement())) {
                agreementSum += c.agreement();
                agreementTasks++;
            }
            if (!Double.isNaN(c.tau())) {
                tauSum += c.tau();
                tauTasks++;
            }
        }

        double agreement() {
            return agreementTasks == 0 ? Double.NaN : agreementSum / agreementTasks;
        }

        double tau() {
            return tauTasks == 0 ? Double.NaN : tauSum / tauTasks;
        }
    }
}
