package dev.rlhf4j.feedback;

/**
 * Someone who ranks the completions of a task: a person at a terminal or in a notebook
 * ({@link ConsoleRater}) or a simulated human ({@link SimulatedRater}).
 */
public interface Rater {

    /** Where a ranking came from, as written in the feedback log. */
    enum Source {
        /** A person typed it. */
        HUMAN,
        /** A simulated rater computed it. */
        SIMULATED;

        /** The lowercase label of the log ({@code human}, {@code simulated}). */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The source of a log label; throws naming the accepted labels. */
        public static Source fromLabel(String label) {
            for (Source s : values()) {
                if (s.label().equals(label)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("expected \"human\" or \"simulated\", found \"" + label + "\"");
        }
    }

    /**
     * A rater's answer to one task: a ranking, a skip, or the wish to stop.
     *
     * @param ranking the ranking, or null for a skip or a quit
     * @param quitting whether the rater wants to stop (no ranking)
     */
    record Answer(Ranking ranking, boolean quitting) {

        /** An answer with a ranking. */
        public static Answer of(Ranking ranking) {
            return new Answer(java.util.Objects.requireNonNull(ranking), false);
        }

        /** The rater skipped this task. */
        public static Answer skip() {
            return new Answer(null, false);
        }

        /** The rater stops the session. */
        public static Answer quit() {
            return new Answer(null, true);
        }

        /** Whether this answer carries a ranking. */
        public boolean ranked() {
            return ranking != null;
        }
    }

    /** The rater's name as written in the log. */
    String name();

    /** Human or simulated. */
    Source source();

    /** Ranks the completions of {@code task}, or skips it, or quits. */
    Answer rank(RankingTask task);
}
