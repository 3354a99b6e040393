package dev.rlhf4j.feedback;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Who scored against whom, and whether the Bradley–Terry maximum-likelihood estimate exists.
 *
 * <p>Ford (1957) and Hunter (2004, Assumption 1): the MLE exists and is unique (up to the common
 * shift) if and only if, in every split of the players into two non-empty groups, some player of
 * each group scored against some player of the other — equivalently, the directed graph with an
 * edge i → j whenever i beat j at least once (a tie scores both ways) is strongly connected. If a
 * group never lost to the rest, the likelihood keeps growing as its strengths go to +∞; if two groups
 * never met at all, their ratings have no common scale. An L2 prior removes both problems.
 */
final class ComparisonGraph {

    private final List<String> players;
    private final double[][] games;
    private final double[][] wins;

    /**
     * @param players the players, indexed as the matrices
     * @param games games[i][j] = matches between i and j (symmetric)
     * @param wins wins[i][j] = i's score against j (wins plus half the ties)
     */
    ComparisonGraph(List<String> players, double[][] games, double[][] wins) {
        this.players = players;
        this.games = games;
        this.wins = wins;
    }

    /** Why the maximum-likelihood estimate does not exist, in words; empty when it exists. */
    Optional<String> mleProblem() {
        int n = players.size();
        List<List<Integer>> parts = components((i, j) -> games[i][j] > 0, (i, j) -> games[i][j] > 0);
        if (parts.size() > 1) {
            List<String> groups = new ArrayList<>();
            for (List<Integer> part : parts.subList(0, Math.min(4, parts.size()))) {
                groups.add(names(part));
            }
            return Optional.of("the comparison graph falls into " + parts.size() + " groups that never played each other ("
                    + String.join(" | ", groups) + (parts.size() > 4 ? " | ..." : "") + "): their Bradley–Terry ratings "
                    + "have no common scale without a prior; add a prior (--prior 0.01) or matches between the groups");
        }
        List<List<Integer>> strong = components((i, j) -> wins[i][j] > 0, (i, j) -> wins[j][i] > 0);
        if (strong.size() == 1) {
            return Optional.empty();
        }
        List<List<Integer>> tops = new ArrayList<>();
        List<List<Integer>> bottoms = new ArrayList<>();
        for (List<Integer> part : strong) {
            boolean lostToOutside = false;
            boolean beatOutside = false;
            for (int i : part) {
                for (int j = 0; j < n; j++) {
                    if (!part.contains(j)) {
                        lostToOutside |= wins[j][i] > 0;
                        beatOutside |= wins[i][j] > 0;
                    }
                }
            }
            if (!lostToOutside) {
                tops.add(part);
            } else if (!beatOutside) {
                bottoms.add(part);
            }
        }
        List<String> problems = new ArrayList<>();
        if (tops.size() == 1 && bottoms.size() == 1 && tops.get(0).size() + bottoms.get(0).size() == n) {
            List<Integer> top = tops.get(0); // two groups: name the smaller (the top one when equal)
            List<Integer> bottom = bottoms.get(0);
            problems.add(bottom.size() < top.size() ? describe(bottom, false) : describe(top, true));
        } else {
            tops.forEach(top -> problems.add(describe(top, true)));
            bottoms.forEach(bottom -> problems.add(describe(bottom, false)));
        }
        String more = problems.size() > 3 ? "; and " + (problems.size() - 3) + " more such groups" : "";
        String whose = problems.size() == 1 && problems.get(0).startsWith("player ") ? "its" : "their";
        return Optional.of(String.join("; ", problems.subList(0, Math.min(3, problems.size()))) + more + ": " + whose
                + " Bradley–Terry strength is infinite without a prior; add a prior (--prior 0.01) or more matches");
    }

    private String describe(List<Integer> part, boolean top) {
        if (part.size() == 1) {
            int i = part.get(0);
            int m = 0;
            for (int j = 0; j < players.size(); j++) {
                m += (int) games[i][j];
            }
            return "player " + players.get(i) + (top ? " won" : " lost") + (m == 1 ? " its only match" : " every one of its "
                    + m + " matches");
        }
        int others = players.size() - part.size();
        return "players " + names(part) + (top ? " never lost to" : " never beat")
                + (others == 1 ? " the other player" : " any of the other " + others + " players");
    }

    private String names(List<Integer> part) {
        List<String> names = new ArrayList<>();
        for (int i : part.subList(0, Math.min(5, part.size()))) {
            names.add(players.get(i));
        }
        return String.join(", ", names) + (part.size() > 5 ? ", ... (" + part.size() + " players)" : "");
    }

    private interface Edge {
        boolean test(int from, int to);
    }

    /**
     * The strongly connected components of the graph with edges {@code forward} (Kosaraju 1978: order
     * the vertices by finishing time on {@code forward}, then collect on the reversed edges in reverse
     * finishing order). With symmetric edges these are the connected components.
     */
    private List<List<Integer>> components(Edge forward, Edge reversed) {
        int n = players.size();
        boolean[] seen = new boolean[n];
        List<Integer> finished = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            if (!seen[s]) {
                visit(s, forward, seen, finished);
            }
        }
        boolean[] assigned = new boolean[n];
        List<List<Integer>> out = new ArrayList<>();
        for (int k = n - 1; k >= 0; k--) {
            int s = finished.get(k);
            if (!assigned[s]) {
                List<Integer> part = new ArrayList<>();
                visit(s, reversed, assigned, part);
                part.sort(null);
                out.add(part);
            }
        }
        out.sort((x, y) -> Integer.compare(x.get(0), y.get(0))); // in order of first appearance
        return out;
    }

    /** Iterative depth-first search from {@code s}, appending vertices to {@code order} as they finish. */
    private void visit(int s, Edge edge, boolean[] seen, List<Integer> order) {
        int n = players.size();
        Deque<int[]> stack = new ArrayDeque<>();
        seen[s] = true;
        stack.push(new int[] {s, 0});
        while (!stack.isEmpty()) {
            int[] top = stack.peek();
            int v = top[0];
            while (top[1] < n && (seen[top[1]] || !edge.test(v, top[1]))) {
                top[1]++;
            }
            if (top[1] < n) {
                seen[top[1]] = true;
                stack.push(new int[] {top[1], 0});
            } else {
                stack.pop();
                order.add(v);
            }
        }
    }
}
