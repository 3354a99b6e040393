package dev.rlhf4j.workshop;

import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.feedback.Ranking;
import dev.rlhf4j.feedback.Rater;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where a workshop keeps what its room gives: workshops, rounds, tasks, raters and rankings. Every
 * method either commits all it writes or nothing; a method that returns has committed. Two backends
 * pass the same tests: SQLite, one file and nothing to install, and PostgreSQL for a room or a
 * course ({@link #open}).
 *
 * <p>When the database does not answer, methods throw {@link StoreUnavailableException}; nothing has
 * been written and the call can be repeated.
 */
public interface FeedbackStore extends AutoCloseable {

    /** A workshop: its id, its join code, K and when it began. */
    record Workshop(String id, String code, int k, Instant created) {}

    /**
     * A round: its number, its kind ({@link #RANK} or {@link #AB}), the model whose samples are
     * ranked, when it opened and (if it did) closed.
     */
    record Round(String workshopId, int number, String kind, String model, Instant opened, Instant closed) {

        /** A ranking round: K completions of one model per task. */
        public static final String RANK = "rank";
        /** A blind A/B round: the tuned policy's completion and the initial model's, K = 2. */
        public static final String AB = "ab";

        /** Whether the round takes rankings. */
        public boolean open() {
            return closed == null;
        }
    }

    /**
     * A person (or simulated person) who joined a workshop.
     *
     * @param tokenHash the SHA-256 of the rater's token, hex; the token itself is never stored
     */
    record StoredRater(String id, String workshopId, String name, String tokenHash, Rater.Source source, Instant joined) {}

    /** One ranking as stored; {@code key} is the client's idempotency key. */
    record StoredRanking(String id, String workshopId, String taskId, String raterId, String key, Ranking ranking,
            Instant created) {}

    /** What happened to a ranking handed to {@link #addRanking}. */
    sealed interface Added {}

    /** It was stored now. */
    record Created(StoredRanking ranking) implements Added {}

    /** The rater had already sent this key; {@code ranking} is what was stored then. */
    record Repeated(StoredRanking ranking) implements Added {}

    /** The rater has already ranked this task under another key; nothing was stored. */
    record AlreadyRanked(String taskId) implements Added {}

    /** Everything of one workshop, for a server that resumes it. */
    record Snapshot(Workshop workshop, List<Round> rounds, List<WorkshopTask> tasks, List<StoredRater> raters,
            List<StoredRanking> rankings) {}

    /** Thrown by {@link #addRater} when the workshop already has a rater of that name (ignoring case). */
    final class NameTakenException extends RuntimeException {
        public NameTakenException(String name) {
            super("the name " + name + " is taken in this workshop");
        }
    }

    /**
     * Opens a store, creating or upgrading its schema. {@code db} is a JDBC URL
     * ({@code jdbc:postgresql://host/db}, {@code jdbc:sqlite:file}) or a file path, which means
     * SQLite. {@code user} and {@code password} are for PostgreSQL (null to use the URL's own or
     * the driver's defaults).
     */
    static FeedbackStore open(String db, String user, String password) {
        return JdbcFeedbackStore.open(db, user, password);
    }

    /** {@code sqlite} or {@code postgresql}. */
    String kind();

    /** Whether the database answers a query within about a second. */
    boolean ping();

    /** Creates a workshop with round 0 not yet open. */
    Workshop createWorkshop(String id, String code, int k, Instant now);

    /** The workshop with this join code, if any (the newest when several share it). */
    Optional<Workshop> findWorkshop(String code);

    /** The most recently created workshop, if any. */
    Optional<Workshop> latestWorkshop();

    /**
     * In one transaction: closes the workshop's open round (if any), opens round {@code number} of
     * {@code kind} with {@code model} and stores its tasks.
     */
    Round openRound(String workshopId, int number, String kind, String model, List<WorkshopTask> tasks, Instant now);

    /** Closes the round (no effect when it is closed already). */
    void closeRound(String workshopId, int number, Instant now);

    /** Stores a rater; throws {@link NameTakenException} when the name is taken in that workshop. */
    void addRater(StoredRater rater);

    /**
     * Stores a ranking unless the rater already sent its key (a retry: {@link Repeated}) or already
     * ranked the task ({@link AlreadyRanked}). Safe when the same key arrives twice at once.
     */
    Added addRanking(StoredRanking ranking);

    /** Everything of a workshop, rankings in the order they were stored. */
    Snapshot load(String workshopId);

    /**
     * Every stored ranking as a feedback-log record, oldest first, of one workshop or (when
     * {@code workshopId} is null) of all. The record's rater is the rater's name, its task the
     * workshop task's id.
     */
    List<FeedbackRecord> export(String workshopId);

    /** Number of stored rankings of a workshop (all workshops when null). */
    long countRankings(String workshopId);

    /** Closes the connections. */
    @Override
    void close();
}
