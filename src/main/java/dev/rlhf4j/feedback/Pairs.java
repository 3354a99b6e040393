package dev.rlhf4j.feedback;

import java.util.ArrayList;
import java.util.List;

/**
 * A ranking of K completions is C(K,2) = K(K−1)/2 pairwise comparisons (InstructGPT, Ouyang et al.
 * 2022, §3.5): every completion is compared with every other, the one in the better group being
 * "chosen"; two completions in the same group are a tie (score 0.5).
 */
public final class Pairs {

    private Pairs() {}

    /**
     * One comparison between completions {@code chosen} and {@code rejected} (0-based) of a task.
     *
     * @param chosen the better completion (for a tie: the one with the lower index)
     * @param rejected the worse completion
     * @param tie whether the two were ranked equal
     */
    public record Pair(int chosen, int rejected, boolean tie) {

        /** The chosen completion's score: 1, or 0.5 for a tie. */
        public double score() {
            return tie ? 0.5 : 1.0;
        }
    }

    /**
     * A comparison as text, the form reward-model trainers read (TRL's {@code prompt, chosen,
     * rejected}).
     */
    public record Comparison(String promptId, String prompt, String chosen, String rejected, boolean tie) {}

    /** The C(K,2) pairs of a ranking: pairs of better-group × worse-group first, best groups first. */
    public static List<Pair> of(Ranking ranking) {
        List<List<Integer>> groups = ranking.groups();
        List<Pair> out = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            List<Integer> group = groups.get(g);
            for (int a = 0; a < group.size(); a++) {
                for (int b = a + 1; b < group.size(); b++) {
                    int i = Math.min(group.get(a), group.get(b));
                    int j = Math.max(group.get(a), group.get(b));
                    out.add(new Pair(i, j, true));
                }
            }
            for (int h = g + 1; h < groups.size(); h++) {
                for (int better : group) {
                    for (int worse : groups.get(h)) {
                        out.add(new Pair(better, worse, false));
                    }
                }
            }
        }
        return out;
    }

    /** The record's C(K,2) comparisons as texts. */
    public static List<Comparison> comparisons(FeedbackRecord record) {
        List<Comparison> out = new ArrayList<>();
        for (Pair p : of(record.ranking())) {
            out.add(new Comparison(record.promptId(), record.prompt(), record.completions().get(p.chosen()),
                    record.completions().get(p.rejected()), p.tie()));
        }
        return out;
    }

    /**
     * The record's comparisons as matches between its completions, named {@code c1..cK} (1-based, as
     * the rater saw them): the input of a per-prompt Elo or Bradley–Terry fit.
     */
    public static List<Match> matches(FeedbackRecord record) {
        return matches(record.ranking());
    }

    /** A ranking's comparisons as matches between players {@code c1..cK}. */
    public static List<Match> matches(Ranking ranking) {
        List<Match> out = new ArrayList<>();
        for (Pair p : of(ranking)) {
            out.add(new Match(player(p.chosen()), player(p.rejected()), p.score()));
        }
        return out;
    }

    /** The player name of completion {@code index} (0-based): {@code c1}, {@code c2}, ... */
    public static String player(int index) {
        return "c" + (index + 1);
    }

    /** Number of comparisons in a ranking of k: k(k−1)/2. */
    public static int count(int k) {
        return k * (k - 1) / 2;
    }
}
