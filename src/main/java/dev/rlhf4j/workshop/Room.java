package dev.rlhf4j.workshop;

import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.feedback.Ranking;
import dev.rlhf4j.feedback.Rater;
import dev.rlhf4j.workshop.FeedbackStore.Added;
import dev.rlhf4j.workshop.FeedbackStore.AlreadyRanked;
import dev.rlhf4j.workshop.FeedbackStore.Created;
import dev.rlhf4j.workshop.FeedbackStore.Repeated;
import dev.rlhf4j.workshop.FeedbackStore.Round;
import dev.rlhf4j.workshop.FeedbackStore.StoredRanking;
import dev.rlhf4j.workshop.FeedbackStore.StoredRater;
import dev.rlhf4j.workshop.FeedbackStore.Workshop;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live state of one workshop: its rounds and tasks, who joined, who ranked what. The store is
 * the truth; this is its in-memory image, updated only after the store has committed, so that a
 * server restarted on the same database ({@link #resume}) is back where the room was.
 *
 * <p>Task assignment: a rater gets the open round's task that the fewest people have ranked among
 * those they have neither ranked nor skipped, so every task gathers several rankings (and people's
 * agreement can be measured) before any gets many.
 */
final class Room {

    /** The longest name a rater may give. */
    static final int MAX_NAME = 40;
    /** The longest idempotency key a client may send. */
    static final int MAX_KEY = 64;

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A person in the room. */
    static final class Person {
        final String id;
        final String name;
        final Rater.Source source;
        final Instant joined;
        final RateLimiter.Bucket bucket;
        final Set<String> ranked = new HashSet<>();
        final Set<String> skipped = new HashSet<>();
        final Map<String, StoredRanking> byKey = new HashMap<>();

        Person(String id, String name, Rater.Source source, Instant joined, RateLimiter.Bucket bucket) {
            this.id = id;
            this.name = name;
            this.source = source;
            this.joined = joined;
            this.bucket = bucket;
        }

        synchronized int rankedCount() {
            return ranked.size();
        }
    }

    /** The answer to a submitted ranking: the HTTP status it maps to, the stored id, or why not. */
    record Submission(int status, String id, String error) {}

    final FeedbackStore store;
    final Workshop workshop;
    private TaskMaker maker;
    private String lastRankModel;
    private final int tasksPerRound;
    private final long seed;
    private final Clock clock;
    private final RateLimiter limiter;

    private volatile Round current;
    private volatile List<WorkshopTask> currentTasks = List.of();
    private final Map<String, WorkshopTask> tasks = new ConcurrentHashMap<>();
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();
    private final Map<String, Person> byTokenHash = new ConcurrentHashMap<>();
    private final Map<String, Person> byId = new ConcurrentHashMap<>();
    private final Set<String> nameKeys = ConcurrentHashMap.newKeySet();
    private final List<FeedbackRecord> records = new ArrayList<>();
    private final AtomicLong version = new AtomicLong();

    private Room(FeedbackStore store, Workshop workshop, TaskMaker maker, int tasksPerRound, long seed, Clock clock,
            RateLimiter limiter) {
        this.store = store;
        this.workshop = workshop;
        this.maker = maker;
        this.tasksPerRound = tasksPerRound;
        this.seed = seed;
        this.clock = clock;
        this.limiter = limiter;
    }

    /**
     * The workshop with join code {@code code} in {@code store}, resumed where it was; a new one
     * with its first round open when the store has none with that code.
     */
    static Room resume(FeedbackStore store, String code, int k, TaskMaker maker, int tasksPerRound, long seed, Clock clock,
            RateLimiter limiter) {
        Optional<Workshop> existing = store.findWorkshop(code);
        if (existing.isEmpty()) {
            Workshop w = store.createWorkshop("w-" + randomId(8), code, k, clock.instant());
            Room room = new Room(store, w, maker, tasksPerRound, seed, clock, limiter);
            room.newRound();
            return room;
        }
        FeedbackStore.Snapshot s = store.load(existing.get().id());
        Room room = new Room(store, s.workshop(), maker, tasksPerRound, seed, clock, limiter);
        for (WorkshopTask t : s.tasks()) {
            room.tasks.put(t.id(), t);
        }
        for (StoredRater r : s.raters()) {
            Person p = new Person(r.id(), r.name(), r.source(), r.joined(), limiter.bucket());
            room.byTokenHash.put(r.tokenHash(), p);
            room.byId.put(p.id, p);
            room.nameKeys.add(JdbcFeedbackStore.nameKey(r.name()));
        }
        for (StoredRanking g : s.rankings()) {
            room.remember(room.byId.get(g.raterId()), g);
        }
        s.rounds().stream().filter(r -> r.kind().equals(Round.RANK)).reduce((a, b) -> b)
                .ifPresent(r -> room.lastRankModel = r.model());
        if (s.rounds().isEmpty()) {
            room.newRound();
        } else {
            Round last = s.rounds().get(s.rounds().size() - 1);
            room.current = last;
            room.currentTasks = s.tasks().stream().filter(t -> t.round() == last.number()).toList();
        }
        return room;
    }

    // ---- rounds ------------------------------------------------------------------------------

    /** The current round (the last opened; it may be closed). */
    Round round() {
        return current;
    }

    /** The current round's tasks. */
    List<WorkshopTask> currentTasks() {
        return currentTasks;
    }

    /** The model of the last ranking round (not an A/B round), or null before the first. */
    String lastRankModel() {
        return lastRankModel;
    }

    /** Closes the current round and opens the next with new tasks from the maker of the last ranking round. */
    synchronized Round newRound() {
        return newRound(maker);
    }

    /**
     * Closes the current round and opens the next with tasks from {@code m}; a ranking round's
     * maker becomes the one later rounds use.
     */
    synchronized Round newRound(TaskMaker m) {
        int number = current == null ? 1 : current.number() + 1;
        List<WorkshopTask> made = m.make(number, tasksPerRound, workshop.k(), seed);
        Round r = store.openRound(workshop.id(), number, m.kind(), m.model(), made, clock.instant());
        if (m.kind().equals(Round.RANK)) {
            maker = m;
            lastRankModel = m.model();
        }
        for (WorkshopTask t : made) {
            tasks.put(t.id(), t);
        }
        currentTasks = List.copyOf(made);
        current = r;
        version.incrementAndGet();
        return r;
    }

    /** Makes {@code m} the maker of the next ranking rounds (a server resuming a workshop whose policy moved on). */
    synchronized void useMaker(TaskMaker m) {
        maker = m;
    }

    /** Closes the current round: no more rankings until the next opens. */
    synchronized Round closeRound() {
        Round r = current;
        if (r.open()) {
            Instant now = clock.instant();
            store.closeRound(workshop.id(), r.number(), now);
            current = new Round(r.workshopId(), r.number(), r.kind(), r.model(), r.opened(), now);
            version.incrementAndGet();
        }
        return current;
    }

    // ---- people ------------------------------------------------------------------------------

    /** A person who joined, with the token to hand them (shown once, stored only as its hash). */
    record Joined(Person person, String token) {}

    /** Adds a person; throws {@link FeedbackStore.NameTakenException} when the name is taken. */
    Joined join(String name, Rater.Source source) {
        String token = randomToken();
        Instant now = clock.instant();
        StoredRater r = new StoredRater("r-" + randomId(10), workshop.id(), name, hash(token), source, now);
        store.addRater(r);
        Person p = new Person(r.id(), name, source, now, limiter.bucket());
        byTokenHash.put(r.tokenHash(), p);
        byId.put(p.id, p);
        nameKeys.add(JdbcFeedbackStore.nameKey(name));
        version.incrementAndGet();
        return new Joined(p, token);
    }

    /** The person holding {@code token}, if any. */
    Optional<Person> person(String token) {
        return token == null || token.isEmpty() ? Optional.empty() : Optional.ofNullable(byTokenHash.get(hash(token)));
    }

    /** Everyone who joined, in joining order. */
    List<Person> people() {
        List<Person> out = new ArrayList<>(byId.values());
        out.sort((a, b) -> a.joined.equals(b.joined) ? a.id.compareTo(b.id) : a.joined.compareTo(b.joined));
        return out;
    }

    // ---- tasks and rankings ------------------------------------------------------------------

    /** The task with this id in any round, if any. */
    Optional<WorkshopTask> task(String id) {
        return Optional.ofNullable(tasks.get(id));
    }

    /** The next task for {@code p}: the open round's least-ranked task they have not seen; empty when none. */
    Optional<WorkshopTask> next(Person p) {
        Round r = current;
        if (r == null || !r.open()) {
            return Optional.empty();
        }
        WorkshopTask best = null;
        int bestCount = Integer.MAX_VALUE;
        int bestTie = 0;
        synchronized (p) {
            for (WorkshopTask t : currentTasks) {
                if (p.ranked.contains(t.id()) || p.skipped.contains(t.id())) {
                    continue;
                }
                int c = counts.getOrDefault(t.id(), 0);
                // Equal counts: a per-person order, so that people who arrive together spread out.
                int tie = (p.id + t.id()).hashCode();
                if (c < bestCount || (c == bestCount && tie < bestTie)) {
                    best = t;
                    bestCount = c;
                    bestTie = tie;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** {@code p} passes on task {@code id}; it is not offered to them again. */
    void skip(Person p, String id) {
        synchronized (p) {
            p.skipped.add(id);
        }
    }

    /**
     * Stores {@code p}'s ranking of task {@code taskId} sent under idempotency key {@code key}.
     * 201 stored now; 200 a repeat of a key already stored (the same id); 404 no such task; 409 the
     * round is closed, the task was already ranked under another key, or the key was used for
     * another task; 400 the ranking does not fit the task.
     */
    Submission submit(Person p, String taskId, Ranking ranking, String key) {
        StoredRanking known;
        synchronized (p) {
            known = p.byKey.get(key);
        }
        if (known != null) {
            return known.taskId().equals(taskId) ? new Submission(200, known.id(), null)
                    : new Submission(409, null, "this key was already used for task " + known.taskId());
        }
        WorkshopTask t = tasks.get(taskId);
        if (t == null) {
            return new Submission(404, null, "no task " + taskId + " in this workshop");
        }
        if (ranking.k() != t.k()) {
            return new Submission(400, null, "ranking: task " + taskId + " has " + t.k() + " completions (ids 0.."
                    + (t.k() - 1) + "), the ranking orders " + ranking.k());
        }
        Round r = current;
        if (t.round() != r.number() || !r.open()) {
            return new Submission(409, null, "round " + t.round() + " is closed");
        }
        StoredRanking g = new StoredRanking("f-" + randomId(12), workshop.id(), taskId, p.id, key, ranking, clock.instant());
        Added added = store.addRanking(g);
        if (added instanceof Created c) {
            remember(p, c.ranking());
            return new Submission(201, g.id(), null);
        }
        if (added instanceof Repeated rep) {
            remember(p, rep.ranking());
            return rep.ranking().taskId().equals(taskId) ? new Submission(200, rep.ranking().id(), null)
                    : new Submission(409, null, "this key was already used for task " + rep.ranking().taskId());
        }
        AlreadyRanked a = (AlreadyRanked) added;
        return new Submission(409, null, "you have already ranked task " + a.taskId());
    }

    /** Takes a committed ranking into the image (once). */
    private void remember(Person p, StoredRanking g) {
        synchronized (p) {
            if (p.byKey.putIfAbsent(g.key(), g) != null) {
                return;
            }
            p.ranked.add(g.taskId());
        }
        counts.merge(g.taskId(), 1, Integer::sum);
        WorkshopTask t = tasks.get(g.taskId());
        FeedbackRecord rec = new FeedbackRecord(g.id(), t.id(), t.promptId(), t.prompt(), t.model(), t.completions(),
                g.ranking(), p.name, p.source, g.created());
        synchronized (records) {
            records.add(rec);
        }
        version.incrementAndGet();
    }

    /** Every ranking taken so far, as feedback records, in the order they were stored. */
    List<FeedbackRecord> records() {
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    /** Number of rankings taken so far. */
    int rankingCount() {
        synchronized (records) {
            return records.size();
        }
    }

    /** Bumped on every change, so that views can be cached until it moves. */
    long version() {
        return version.get();
    }

    // ---- tokens ------------------------------------------------------------------------------

    /** A fresh secret: 32 random bytes, base64url. */
    static String randomToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** {@code n} random characters of [0-9a-z]. */
    static String randomId(int n) {
        String alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    /** SHA-256 of {@code text}, hex. */
    static String hash(String text) {
        return HexFormat.of().formatHex(sha256(text));
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
