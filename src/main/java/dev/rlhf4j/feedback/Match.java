package dev.rlhf4j.feedback;

/**
 * One comparison between two players: completions of a prompt, models or checkpoints.
 *
 * @param playerA the first player
 * @param playerB the second player
 * @param scoreA A's score: 1 win, 0 loss, 0.5 tie
 */
public record Match(String playerA, String playerB, double scoreA) {

    /** Checks the players and the score. */
    public Match {
        if (playerA == null || playerA.isBlank() || playerB == null || playerB.isBlank()) {
            throw new IllegalArgumentException("a match needs two named players");
        }
        if (playerA.equals(playerB)) {
            throw new IllegalArgumentException("a player cannot play itself: " + playerA);
        }
        if (scoreA != 0 && scoreA != 0.5 && scoreA != 1) {
            throw new IllegalArgumentException("score_a must be 1 (A wins), 0 (B wins) or 0.5 (tie), found " + scoreA);
        }
    }

    /** B's score, 1 − scoreA. */
    public double scoreB() {
        return 1 - scoreA;
    }
}
