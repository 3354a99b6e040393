package dev.rlhf4j.workshop;

import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.feedback.Ranking;
import java.util.HashMap;
import java.util.Map;

/**
 * A trained reward model as the projector's third judge: its ranking of a task's completions,
 * worked out once per task (the board asks again every second).
 */
final class RoomJudge implements AutoCloseable {

    /** Scores closer than this rank as a tie. */
    private static final double TIE = 1e-9;

    private final CompletionScorer scorer;
    private final Map<String, Ranking> byTask = new HashMap<>();
    private boolean closed;

    RoomJudge(CompletionScorer scorer) {
        this.scorer = scorer;
    }

    /** The reward model's ranking of {@code r}'s completions; null once the judge is closed. */
    synchronized Ranking ranking(FeedbackRecord r) {
        if (closed) {
            return null;
        }
        return byTask.computeIfAbsent(r.task(), t -> Ranking.fromScores(scorer.score(r.prompt(), r.completions()), TIE));
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            byTask.clear();
            scorer.close();
        }
    }
}
