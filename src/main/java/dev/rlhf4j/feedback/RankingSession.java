package dev.rlhf4j.feedback;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One rater working through a list of tasks: every ranking is appended to the feedback log the
 * moment it is given, so stopping (quitting, closing the notebook, a crash) loses nothing already
 * ranked; with {@link #withResume resume} a restarted session leaves out the tasks this rater has
 * already ranked in the log.
 *
 * <pre>{@code
 * try (FeedbackLog.Writer log = FeedbackLog.appender(Path.of("feedback.jsonl"))) {
 *     RankingSession.Summary s = RankingSession.of(ConsoleRater.stdio("ana"), log).withResume(true).run(tasks);
 * }
 * }</pre>
 */
public final class RankingSession {

    /**
     * What a session did.
     *
     * @param ranked number of tasks ranked (and appended to the log)
     * @param skipped number of tasks the rater skipped
     * @param alreadyRanked number of tasks left out because the log already had this rater's ranking
     * @param quitEarly whether the rater quit before answering every task
     * @param records the records appended, in order
     */
    public record Summary(int ranked, int skipped, int alreadyRanked, boolean quitEarly, List<FeedbackRecord> records) {

        /** Copies the records. */
        public Summary {
            records = List.copyOf(records);
        }

        /** One line for the console: {@code ranked 3, skipped 1, already ranked 2, quit early}. */
        @Override
        public String toString() {
            return "ranked " + ranked + ", skipped " + skipped + ", already ranked " + alreadyRanked
                    + (quitEarly ? ", quit early" : ", all tasks done");
        }
    }

    private final Rater rater;
    private final FeedbackLog.Writer log;
    private final Clock clock;
    private final boolean resume;

    private RankingSession(Rater rater, FeedbackLog.Writer log, Clock clock, boolean resume) {
        this.rater = Objects.requireNonNull(rater);
        this.log = Objects.requireNonNull(log);
        this.clock = Objects.requireNonNull(clock);
        this.resume = resume;
    }

    /** A session of {@code rater} appending to {@code log}, on the UTC system clock, not resuming. */
    public static RankingSession of(Rater rater, FeedbackLog.Writer log) {
        return new RankingSession(rater, log, Clock.systemUTC(), false);
    }

    /** The same session stamping records with {@code clock}'s time (a fixed clock in tests). */
    public RankingSession withClock(Clock clock) {
        return new RankingSession(rater, log, clock, resume);
    }

    /**
     * The same session, leaving out ({@code resume = true}) the tasks whose id already appears in
     * the log with this rater's name: after a crash or a quit, run the same task list again.
     */
    public RankingSession withResume(boolean resume) {
        return new RankingSession(rater, log, clock, resume);
    }

    /**
     * Opens {@code logFile}, runs {@code tasks} through {@code rater} (resuming when asked) and
     * closes the log.
     */
    public static Summary run(List<RankingTask> tasks, Rater rater, Path logFile, boolean resume) {
        try (FeedbackLog.Writer w = FeedbackLog.appender(logFile)) {
            return of(rater, w).withResume(resume).run(tasks);
        }
    }

    /** Asks the rater about each task in order, appending each ranking at once; stops on quit. */
    public Summary run(List<RankingTask> tasks) {
        Set<String> done = resume ? rankedTasks() : Set.of();
        List<FeedbackRecord> records = new ArrayList<>();
        int skipped = 0;
        int already = 0;
        for (RankingTask task : tasks) {
            if (done.contains(task.id())) {
                already++;
                continue;
            }
            Rater.Answer answer = rater.rank(task);
            if (answer.quitting()) {
                return new Summary(records.size(), skipped, already, true, records);
            }
            if (!answer.ranked()) {
                skipped++;
                continue;
            }
            Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS); // the log keeps whole seconds
            FeedbackRecord r = FeedbackRecord.of(log.nextId(), task, answer.ranking(), rater, now);
            log.append(r);
            records.add(r);
        }
        return new Summary(records.size(), skipped, already, false, records);
    }

    /** Ids of the tasks this rater ranked in the log's good lines. */
    private Set<String> rankedTasks() {
        Set<String> ids = new HashSet<>();
        if (Files.exists(log.file())) {
            for (FeedbackRecord r : FeedbackLog.read(log.file()).records()) {
                if (r.rater().equals(rater.name())) {
                    ids.add(r.task());
                }
            }
        }
        return ids;
    }
}
