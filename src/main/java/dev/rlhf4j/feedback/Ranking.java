package dev.rlhf4j.feedback;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A ranking of K completions, best first, as groups: a group of several completions is a tie.
 * Indices are 0-based positions in the task's completion list; people type them 1-based
 * ({@code "2 1=4 3"}: completion 2 best, 1 and 4 tied, 3 worst).
 *
 * @param groups the groups, best first; together they hold every index 0..K−1 exactly once
 */
public record Ranking(List<List<Integer>> groups) {

    /** Checks that the groups form a permutation of 0..K−1 with no empty group, and copies them. */
    public Ranking {
        if (groups == null || groups.isEmpty()) {
            throw new IllegalArgumentException("a ranking needs at least one group");
        }
        List<List<Integer>> copy = new ArrayList<>();
        int k = 0;
        for (List<Integer> g : groups) {
            if (g == null || g.isEmpty()) {
                throw new IllegalArgumentException("a ranking group is empty");
            }
            copy.add(List.copyOf(g));
            k += g.size();
        }
        boolean[] seen = new boolean[k];
        for (List<Integer> g : copy) {
            for (int i : g) {
                if (i < 0 || i >= k) {
                    throw new IllegalArgumentException("ranking " + copy + ": index " + i + " is outside 0.." + (k - 1));
                }
                if (seen[i]) {
                    throw new IllegalArgumentException("ranking " + copy + ": index " + i + " appears twice");
                }
                seen[i] = true;
            }
        }
        groups = List.copyOf(copy);
    }

    /** A strict ranking without ties from 0-based indices, best first. */
    public static Ranking of(int... bestFirst) {
        List<List<Integer>> g = new ArrayList<>();
        for (int i : bestFirst) {
            g.add(List.of(i));
        }
        return new Ranking(g);
    }

    /**
     * The ranking implied by scores (higher is better); completions whose scores differ by at most
     * {@code tieMargin} from the previous one in sorted order join its group.
     */
    public static Ranking fromScores(double[] scores, double tieMargin) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        List<List<Integer>> groups = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        for (int n = 0; n < order.length; n++) {
            if (n > 0 && scores[order[n - 1]] - scores[order[n]] > tieMargin) {
                groups.add(current);
                current = new ArrayList<>();
            }
            current.add(order[n]);
        }
        groups.add(current);
        return new Ranking(groups);
    }

    /**
     * Parses what a person types for K completions: 1-based numbers best first, separated by
     * spaces or commas, {@code =} joining tied completions ({@code "2 1=4 3"}).
     *
     * @throws IllegalArgumentException saying what is wrong, in words a rater understands
     */
    public static Ranking parse(String text, int k) {
        String s = text == null ? "" : text.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty answer: type the " + k + " numbers best first, e.g. " + example(k));
        }
        s = s.replaceAll("\\s*=\\s*", "=");
        List<List<Integer>> groups = new ArrayList<>();
        boolean[] seen = new boolean[k];
        for (String part : s.split("[\\s,]+")) {
            List<Integer> group = new ArrayList<>();
            for (String n : part.split("=", -1)) {
                int v;
                try {
                    v = Integer.parseInt(n);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + n + "' is not a completion number: use 1.." + k);
                }
                if (v < 1 || v > k) {
                    throw new IllegalArgumentException("there is no completion " + v + ": use 1.." + k);
                }
                if (seen[v - 1]) {
                    throw new IllegalArgumentException("completion " + v + " is ranked twice");
                }
                seen[v - 1] = true;
                group.add(v - 1);
            }
            groups.add(group);
        }
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            if (!seen[i]) {
                missing.add(i + 1);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("rank all " + k + " completions; missing: " + missing);
        }
        return new Ranking(groups);
    }

    private static String example(int k) {
        StringBuilder b = new StringBuilder();
        for (int i = k; i >= 1; i--) {
            b.append(i).append(i > 1 ? " " : "");
        }
        return b.toString();
    }

    /** Number of ranked completions. */
    public int k() {
        int k = 0;
        for (List<Integer> g : groups) {
            k += g.size();
        }
        return k;
    }

    /** Position (0 = best group) of each completion. */
    public int[] levels() {
        int[] level = new int[k()];
        for (int g = 0; g < groups.size(); g++) {
            for (int i : groups.get(g)) {
                level[i] = g;
            }
        }
        return level;
    }

    /** Whether the ranking contains a tie. */
    public boolean hasTies() {
        return groups.size() < k();
    }

    /** The 1-based form a person types, e.g. {@code "2 1=4 3"}. */
    public String format() {
        StringBuilder b = new StringBuilder();
        for (List<Integer> g : groups) {
            if (b.length() > 0) {
                b.append(' ');
            }
            for (int j = 0; j < g.size(); j++) {
                b.append(j > 0 ? "=" : "").append(g.get(j) + 1);
            }
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return format();
    }
}
