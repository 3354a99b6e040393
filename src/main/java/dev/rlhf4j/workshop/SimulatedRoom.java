package dev.rlhf4j.workshop;

import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.feedback.RankingTask;
import dev.rlhf4j.feedback.SimulatedRater;
import dev.rlhf4j.world.Aspect;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewWorld;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A room of simulated people using a workshop server over HTTP exactly as the ranking page does:
 * each joins with a name and the code and keeps the cookie, fetches a task, ranks it with a
 * {@link SimulatedRater} taste (the task rebuilt from its {@code promptId} in the bundled prompts),
 * and posts the ranking under a fresh idempotency key. A post that meets 503, 429 (after
 * {@code Retry-After}), another 5xx or a broken connection is sent again with the SAME key until
 * the server answers 2xx, so a ranking acknowledged twice is stored once. A person with no task
 * (204) polls again, as the page does. The room stops when the target number of rankings is
 * acknowledged.
 *
 * <p>R people share C worker threads (each thread plays its people in turn, one request at a
 * time, so at most C connections are open). The tastes ({@link SimulatedRater#panel}) and their
 * noise are seeded; idempotency keys are random, so two runs never share one.
 *
 * <p>Figures: acknowledged rankings and their ids, errors by kind, rankings per second over the
 * whole run, and the latency of the POSTs of rankings (every one that got an answer), p50 and p99.
 */
public final class SimulatedRoom {

    /**
     * The room.
     *
     * @param url the server ({@code http://127.0.0.1:PORT/}; a {@code ?code=} query supplies the code)
     * @param code the join code
     * @param raters the number of people R
     * @param rankings the number of rankings N to get acknowledged, in total
     * @param concurrency the worker threads C (at most R are used: a person sends one request at a time)
     * @param seed the seed of the tastes and their noise
     * @param acks a file that receives each acknowledged id, one a line, appended and flushed as it
     *     arrives; null for none
     * @param timeout the whole run's limit: what is not acknowledged by then is given up
     * @param requestTimeout one request's limit
     * @param poll how long a person with no task (204) waits before asking again
     * @param idleLimit a person who got no task for this long leaves
     * @param temperature the tastes' Bradley–Terry noise T
     * @param rate the pace of the whole room in rankings per second: the n-th ranking is begun (its
     *     task fetched) no earlier than n/rate seconds after the start, so the server sees a steady
     *     load and the latencies are those of that load; 0 = every person as fast as the server answers
     */
    public record Settings(URI url, String code, int raters, int rankings, int concurrency, long seed, Path acks,
            Duration timeout, Duration requestTimeout, Duration poll, Duration idleLimit, double temperature, double rate) {

        /** Checks the counts and durations. */
        public Settings {
            if (url == null) {
                throw new IllegalArgumentException("SimulatedRoom: a server URL is needed");
            }
            if (raters < 1 || rankings < 0 || concurrency < 1) {
                throw new IllegalArgumentException("SimulatedRoom: expected raters ≥ 1, rankings ≥ 0, concurrency ≥ 1, found "
                        + raters + ", " + rankings + ", " + concurrency);
            }
            if (timeout.isNegative() || requestTimeout.isNegative() || requestTimeout.isZero() || poll.isNegative()
                    || idleLimit.isNegative()) {
                throw new IllegalArgumentException("SimulatedRoom: durations must be positive, found " + timeout + ", "
                        + requestTimeout + ", " + poll + ", " + idleLimit);
            }
            if (!(temperature > 0)) {
                throw new IllegalArgumentException("SimulatedRoom: temperature must be > 0, found " + temperature);
            }
            if (!(rate >= 0) || Double.isInfinite(rate)) {
                throw new IllegalArgumentException("SimulatedRoom: rate must be ≥ 0 rankings/s (0 = no pace), found " + rate);
            }
            if (code == null || code.isEmpty()) {
                code = codeOf(url);
            }
        }

        /**
         * 20 people, 400 rankings, 20 connections, seed 1, no acks file, 10 minutes; a 2 s poll, 30 s of
         * no task; no pace.
         */
        public static Settings defaults(URI url) {
            return new Settings(url, "", 20, 400, 20, 1, null, Duration.ofMinutes(10), Duration.ofSeconds(30),
                    Duration.ofSeconds(2), Duration.ofSeconds(30), SimulatedRater.DEFAULT_TEMPERATURE, 0);
        }

        /** A builder that starts from these settings. */
        public Builder toBuilder() {
            return new Builder(this);
        }

        /** The code in the URL's {@code ?code=} query, or "". */
        static String codeOf(URI url) {
            String q = url.getQuery();
            if (q != null) {
                for (String part : q.split("&")) {
                    if (part.startsWith("code=")) {
                        return part.substring(5);
                    }
                }
            }
            return "";
        }
    }

    /** Builds {@link Settings}: {@code Settings.defaults(url).toBuilder().raters(200).build()}. */
    public static final class Builder {
        private URI url;
        private String code;
        private int raters, rankings, concurrency;
        private long seed;
        private Path acks;
        private Duration timeout, requestTimeout, poll, idleLimit;
        private double temperature;
        private double rate;

        private Builder(Settings s) {
            url = s.url(); code = s.code(); raters = s.raters(); rankings = s.rankings(); concurrency = s.concurrency();
            seed = s.seed(); acks = s.acks(); timeout = s.timeout(); requestTimeout = s.requestTimeout(); poll = s.poll();
            idleLimit = s.idleLimit(); temperature = s.temperature(); rate = s.rate();
        }

        public Builder url(URI v) { url = v; return this; }
        public Builder code(String v) { code = v; return this; }
        public Builder raters(int v) { raters = v; return this; }
        public Builder rankings(int v) { rankings = v; return this; }
        public Builder concurrency(int v) { concurrency = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder acks(Path v) { acks = v; return this; }
        public Builder timeout(Duration v) { timeout = v; return this; }
        public Builder requestTimeout(Duration v) { requestTimeout = v; return this; }
        public Builder poll(Duration v) { poll = v; return this; }
        public Builder idleLimit(Duration v) { idleLimit = v; return this; }
        public Builder temperature(double v) { temperature = v; return this; }
        public Builder rate(double v) { rate = v; return this; }

        public Settings build() {
            return new Settings(url, code, raters, rankings, concurrency, seed, acks, timeout, requestTimeout, poll,
                    idleLimit, temperature, rate);
        }
    }

    /**
     * What a run got.
     *
     * @param target the rankings asked for
     * @param acked the ids of the acknowledged rankings, in the order they arrived (each once)
     * @param errors errors by kind ({@code "http 503 (retried)"}, {@code "connection ConnectException (retried)"},
     *     {@code "http 409"}, ...), retried ones included
     * @param repeats acknowledgements that came as 200: the server already had the key (a retry of a
     *     post whose first answer was lost)
     * @param noTask the 204 answers (a person had no task and polled again)
     * @param seconds the run's wall time
     * @param posts the POSTs of rankings that got an answer
     * @param p50Millis their median latency
     * @param p99Millis their 99th-percentile latency
     * @param stopped why the run ended before the target, or "" when it reached it
     */
    public record Result(int target, List<String> acked, Map<String, Long> errors, long repeats, long noTask, double seconds,
            int posts, double p50Millis, double p99Millis, String stopped) {

        /** Copies the collections. */
        public Result {
            acked = List.copyOf(acked);
            errors = Collections.unmodifiableMap(new TreeMap<>(errors));
        }

        /** Acknowledged rankings per second of wall time. */
        public double rankingsPerSecond() {
            return seconds > 0 ? acked.size() / seconds : 0;
        }

        /** Whether every ranking asked for was acknowledged. */
        public boolean complete() {
            return acked.size() >= target;
        }

        /** The figures, a few lines for a terminal. */
        public String report() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "acknowledged %d of %d rankings in %.1f s: %.1f rankings/s%n", acked.size(),
                    target, seconds, rankingsPerSecond()));
            b.append(String.format(Locale.ROOT, "POST /api/rankings latency over %d answers: p50 %.1f ms, p99 %.1f ms%n",
                    posts, p50Millis, p99Millis));
            if (errors.isEmpty()) {
                b.append("errors: none\n");
            } else {
                b.append("errors:\n");
                errors.forEach((k, v) -> b.append(String.format(Locale.ROOT, "  %6d  %s%n", v, k)));
            }
            b.append(String.format(Locale.ROOT, "acknowledged as a repeat of a key the server had (200): %d%n", repeats));
            b.append(String.format(Locale.ROOT, "no task now (204, polled again): %d%n", noTask));
            if (!stopped.isEmpty()) {
                b.append("stopped early: ").append(stopped).append('\n');
            }
            return b.toString();
        }
    }

    private final Settings settings;
    private final WorkshopClient client;
    private final Map<String, Prompt> promptsById = new HashMap<>();
    private final Map<String, Prompt> promptsByText = new HashMap<>();
    private final AtomicInteger open;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();
    private final AtomicInteger ackCount = new AtomicInteger();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, String> reasons = new ConcurrentHashMap<>();
    private final LongAdder noTask = new LongAdder();
    private final LongAdder repeats = new LongAdder();
    private final LongAdder finalErrors = new LongAdder();
    private volatile String stopped = "";
    private final AtomicLong paced = new AtomicLong();
    private BufferedWriter acksOut;
    private long start;
    private long deadline;

    /** A room for {@code settings}; {@link #run()} plays it. */
    public SimulatedRoom(Settings settings) {
        this.settings = settings;
        HttpClient http = WorkshopClient.httpClient(settings.requestTimeout());
        this.client = new WorkshopClient(settings.url(), http, settings.requestTimeout());
        for (Prompt p : new ReviewWorld(ReviewWorld.DEFAULT_SEED).prompts()) {
            promptsById.put(p.id(), p);
            promptsByText.put(p.text(), p);
        }
        this.open = new AtomicInteger(settings.rankings());
    }

    /** Rankings acknowledged so far (while {@link #run()} runs, from another thread). */
    public int acknowledged() {
        return ackCount.get();
    }

    /** Asks a running room to stop after the requests in flight. */
    public void stop() {
        stopped = "stopped";
        stop.set(true);
    }

    /**
     * Plays the room until the target is acknowledged, the timeout passes, {@link #stop()} is called
     * or this thread is interrupted (then the figures so far come back and the interrupt flag is set
     * again); returns the figures.
     */
    public Result run() {
        boolean interrupted = false;
        start = System.nanoTime();
        deadline = start + settings.timeout().toNanos();
        List<SimulatedRater> panel = SimulatedRater.panel(settings.seed());
        int workers = Math.min(settings.concurrency(), settings.raters());
        List<List<Person>> people = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            people.add(new ArrayList<>());
        }
        // names are unique in a room, so a second run needs new ones; the tastes' noise is seeded by seed and number
        String tag = UUID.randomUUID().toString().substring(0, 4);
        for (int i = 0; i < settings.raters(); i++) {
            String name = String.format(Locale.ROOT, "sim-%s-%03d", tag, i + 1);
            SimulatedRater taste = panel.get(i % panel.size());
            String raterName = String.format(Locale.ROOT, "%s-%03d", taste.name(), i + 1);
            people.get(i % workers).add(new Person(name, new SimulatedRater(raterName, taste.preference(),
                    settings.temperature(), SimulatedRater.DEFAULT_TIE_MARGIN, settings.seed())));
        }
        List<long[]> latencies = Collections.synchronizedList(new ArrayList<>());
        try {
            if (settings.acks() != null) {
                Path parent = settings.acks().toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                acksOut = Files.newBufferedWriter(settings.acks(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                Worker worker = new Worker(people.get(w), Seeds.derive(settings.seed(), "worker:" + w), latencies);
                Thread t = new Thread(worker, "sim-worker-" + w);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
            try {
                for (Thread t : threads) {
                    t.join();
                }
            } catch (InterruptedException e) {
                interrupted = true; // Ctrl-C: stop the people, report what was acknowledged
                stopped = "interrupted";
                stop.set(true);
                threads.forEach(Thread::interrupt);
                for (Thread t : threads) {
                    joinQuietly(t);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("--acks " + settings.acks() + ": " + e.getMessage(), e);
        } finally {
            if (acksOut != null) {
                try {
                    acksOut.close();
                } catch (IOException e) {
                    // every line was flushed as it came; nothing is lost
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        Map<String, Long> errs = new HashMap<>();
        errors.forEach((k, v) -> errs.put(reasons.containsKey(k) ? k + " (first: " + reasons.get(k) + ")" : k, v.sum()));
        String why = ackCount.get() >= settings.rankings() ? ""
                : !stopped.isEmpty() ? stopped
                : System.nanoTime() - deadline > 0 ? "timeout after " + settings.timeout().toSeconds() + " s"
                : "every person left (no task for " + settings.idleLimit().toSeconds() + " s, or the join failed)";
        return new Result(settings.rankings(), new ArrayList<>(acked), errs, repeats.sum(), noTask.sum(), seconds, all.length,
                percentile(all, 50) / 1e6, percentile(all, 99) / 1e6, why);
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(5_000);
        } catch (InterruptedException e) {
            // a second Ctrl-C: report at once
        }
    }

    /** The nearest-rank percentile of sorted values: the ⌈p/100·n⌉-th smallest; 0 for none. */
    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length); // nearest rank, 1-based
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    /** One simulated person: name, taste, cookie, and when they may ask for a task again. */
    private static final class Person {
        final String name;
        final SimulatedRater taste;
        String cookie;
        long idleUntil;
        long idleSince = -1;
        boolean gone;

        Person(String name, SimulatedRater taste) {
            this.name = name;
            this.taste = taste;
        }
    }

    /** The outcome of one person's turn. */
    private enum Turn { ACKED, NONE }

    /** One thread playing its people in turn. */
    private final class Worker implements Runnable {
        private final List<Person> people;
        private final Random rng;
        private final List<long[]> allLatencies;
        private long[] lat = new long[64];
        private int nLat;
        private int next;

        Worker(List<Person> people, Random rng, List<long[]> allLatencies) {
            this.people = people;
            this.rng = rng;
            this.allLatencies = allLatencies;
        }

        @Override
        public void run() {
            try {
                while (!over()) {
                    Person p = nextPerson();
                    if (p == null) {
                        return;
                    }
                    if (!claim()) {
                        return;
                    }
                    Turn t = Turn.NONE;
                    try {
                        pace();
                        t = turn(p);
                    } finally {
                        if (t != Turn.ACKED) {
                            open.incrementAndGet(); // give the slot back
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                count("client failure " + e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
            } finally {
                allLatencies.add(Arrays.copyOf(lat, nLat));
            }
        }

        /** The next person who may ask for a task, after sleeping until one may; null when all left. */
        private Person nextPerson() throws InterruptedException {
            while (!over()) {
                long now = System.nanoTime();
                long earliest = Long.MAX_VALUE;
                for (int i = 0; i < people.size(); i++) {
                    Person p = people.get((next + i) % people.size());
                    if (p.gone) {
                        continue;
                    }
                    if (p.idleUntil - now <= 0) {
                        next = (next + i + 1) % people.size();
                        return p;
                    }
                    earliest = Math.min(earliest, p.idleUntil);
                }
                if (earliest == Long.MAX_VALUE) {
                    return null;
                }
                sleepNanos(Math.min(earliest - now, 200_000_000L));
            }
            return null;
        }

        /** Join if needed, get a task, rank it, post it until acknowledged. */
        private Turn turn(Person p) throws InterruptedException {
            if (p.cookie == null && !join(p)) {
                return Turn.NONE;
            }
            WorkshopClient.Reply r = retried(() -> client.task(p.cookie), "GET /api/task");
            if (r == null) {
                return Turn.NONE;
            }
            if (r.status() == 204) {
                noTask.increment();
                long now = System.nanoTime();
                if (p.idleSince < 0) {
                    p.idleSince = now;
                } else if (now - p.idleSince > settings.idleLimit().toNanos()) {
                    p.gone = true;
                    count("person left: no task for " + settings.idleLimit().toSeconds() + " s");
                }
                p.idleUntil = now + settings.poll().toNanos();
                return Turn.NONE;
            }
            p.idleSince = -1;
            if (r.status() == 401) {
                p.cookie = null; // the page would ask the person to join again
                count("GET /api/task http 401");
                return Turn.NONE;
            }
            if (r.status() != 200) {
                fail("GET /api/task http " + r.status(), r.error());
                return Turn.NONE;
            }
            WorkshopClient.Task task = WorkshopClient.Task.of(r.json());
            List<List<Integer>> ranking = rank(p, task);
            return post(p, task, ranking);
        }

        private boolean join(Person p) throws InterruptedException {
            WorkshopClient.Reply r = retried(() -> client.join(p.name, settings.code(), true), "POST /api/join");
            if (r == null) {
                return false;
            }
            if (r.status() != 201 && r.status() != 200) {
                fail("POST /api/join http " + r.status(), r.error());
                p.gone = true; // a wrong code stays wrong
                return false;
            }
            p.cookie = r.raterCookie().orElse(null);
            if (p.cookie == null) {
                fail("POST /api/join: no " + WorkshopClient.COOKIE + " cookie in the answer", "");
                p.gone = true;
                return false;
            }
            return true;
        }

        /** The person's ranking of the task, as groups of completion ids best first. */
        private List<List<Integer>> rank(Person p, WorkshopClient.Task task) {
            Prompt prompt = promptsById.get(task.promptId());
            if (prompt == null || !prompt.text().equals(task.prompt())) {
                prompt = promptsByText.get(task.prompt());
            }
            if (prompt == null) { // a prompt outside the bundled ones: judged as a food review
                count("prompt not in the bundled prompts (judged as food)", task.promptId());
                prompt = new Prompt(task.promptId(), task.prompt(), Aspect.FOOD, false);
            }
            RankingTask rt = new RankingTask(task.id(), prompt, task.texts(), "");
            List<List<Integer>> groups = new ArrayList<>();
            for (List<Integer> g : p.taste.rank(rt).ranking().groups()) {
                groups.add(g.stream().map(task.ids()::get).toList()); // list positions → the server's ids
            }
            return groups;
        }

        /** Posts under one fresh key, again with the same key until a final answer or the deadline. */
        private Turn post(Person p, WorkshopClient.Task task, List<List<Integer>> ranking) throws InterruptedException {
            String key = UUID.randomUUID().toString();
            int attempt = 0;
            while (true) {
                if (System.nanoTime() - deadline > 0) {
                    fail("POST /api/rankings given up at the timeout", "");
                    return Turn.NONE;
                }
                WorkshopClient.Reply r;
                try {
                    r = client.rank(p.cookie, task.id(), ranking, key);
                } catch (IOException e) {
                    count("POST /api/rankings connection " + e.getClass().getSimpleName() + " (retried)");
                    backoff(attempt++, -1);
                    continue;
                }
                latency(r.nanos());
                if (r.status() == 201 || r.status() == 200) {
                    if (r.status() == 200) {
                        repeats.increment();
                    }
                    ack(r.json().get("id").getAsString());
                    return Turn.ACKED;
                }
                if (retryable(r.status())) {
                    count("POST /api/rankings http " + r.status() + " (retried)");
                    backoff(attempt++, r.retryAfterSeconds());
                    continue;
                }
                if (r.status() == 401) {
                    p.cookie = null;
                }
                fail("POST /api/rankings http " + r.status(), r.error());
                return Turn.NONE;
            }
        }

        /** Sends a request again after a broken connection or a retryable status; null when the deadline passed. */
        private WorkshopClient.Reply retried(Call call, String what) throws InterruptedException {
            int attempt = 0;
            while (!over()) {
                try {
                    WorkshopClient.Reply r = call.send();
                    if (!retryable(r.status())) {
                        return r;
                    }
                    count(what + " http " + r.status() + " (retried)");
                    backoff(attempt++, r.retryAfterSeconds());
                } catch (IOException e) {
                    count(what + " connection " + e.getClass().getSimpleName() + " (retried)");
                    backoff(attempt++, -1);
                }
            }
            return null;
        }

        /** Waits Retry-After seconds when given, else 50 ms·2^attempt up to 2 s, with jitter. */
        private void backoff(int attempt, long retryAfterSeconds) throws InterruptedException {
            long millis = retryAfterSeconds >= 0 ? retryAfterSeconds * 1000 : Math.min(2000, 50L << Math.min(attempt, 6));
            millis += rng.nextInt(50); // jitter: the room does not come back in one burst
            long left = (deadline - System.nanoTime()) / 1_000_000;
            Thread.sleep(Math.max(0, Math.min(millis, left)));
        }

        /** With a rate, waits for this ranking's start: the n-th begins at start + n/rate. */
        private void pace() throws InterruptedException {
            if (settings.rate() > 0) {
                long due = start + (long) (paced.getAndIncrement() * 1e9 / settings.rate()); // t_n = t_0 + n/rate
                sleepNanos(Math.min(due, deadline) - System.nanoTime());
            }
        }

        private void latency(long nanos) {
            if (nLat == lat.length) {
                lat = Arrays.copyOf(lat, 2 * nLat);
            }
            lat[nLat++] = nanos;
        }

        private void sleepNanos(long nanos) throws InterruptedException {
            if (nanos > 0) {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            }
        }
    }

    /** A request that may throw on a broken connection. */
    @FunctionalInterface
    private interface Call {
        WorkshopClient.Reply send() throws IOException, InterruptedException;
    }

    /** 429 (too many) and 5xx (the database down, the server restarting) are worth sending again. */
    private static boolean retryable(int status) {
        return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    private boolean over() {
        return stop.get() || ackCount.get() >= settings.rankings() || System.nanoTime() - deadline > 0;
    }

    /** Takes one of the rankings still to get; false when none is left. */
    private boolean claim() {
        while (true) {
            int v = open.get();
            if (v <= 0) {
                return false;
            }
            if (open.compareAndSet(v, v - 1)) {
                return true;
            }
        }
    }

    /** Records an acknowledged id: in the list and the acks file in the same order. */
    private synchronized void ack(String id) {
        acked.add(id);
        ackCount.incrementAndGet();
        if (acksOut != null) {
            try {
                acksOut.write(id);
                acksOut.write('\n');
                acksOut.flush(); // a crash of this process loses no acknowledged id
            } catch (IOException e) {
                throw new UncheckedIOException("--acks " + settings.acks() + ": " + e.getMessage(), e);
            }
        }
    }

    private void count(String kind) {
        errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    /** Counts {@code kind} and keeps the first {@code reason} given for it, shown in the report. */
    private void count(String kind, String reason) {
        count(kind);
        reasons.putIfAbsent(kind, reason);
    }

    /** A final error (not retried); after max(100, N) of them the room stops rather than loop on a broken server. */
    private void fail(String kind, String reason) {
        if (reason.isEmpty()) {
            count(kind);
        } else {
            count(kind, reason);
        }
        finalErrors.increment();
        if (finalErrors.sum() >= Math.max(100, settings.rankings())) {
            stopped = finalErrors.sum() + " errors that were not retried";
            stop.set(true);
        }
    }
}
