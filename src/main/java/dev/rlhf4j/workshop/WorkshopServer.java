package dev.rlhf4j.workshop;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.rlhf4j.core.Devices;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.feedback.FeedbackLog;
import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.feedback.Ranking;
import dev.rlhf4j.feedback.Rater;
import dev.rlhf4j.feedback.SimulatedRater;
import dev.rlhf4j.pretrain.ModelCatalog;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewPreference;
import dev.rlhf4j.world.ReviewWorld;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workshop server: people join with a code, rank tasks in the browser, and every ranking is
 * committed to the {@link FeedbackStore} before its 2xx leaves; the projector page shows the room
 * live. Javalin (Jetty) does the HTTP.
 *
 * <pre>{@code
 * try (WorkshopServer server = WorkshopServer.start(WorkshopServer.Settings.defaults(), tasks)) {
 *     System.out.println(server.joinUrl());   // the link (and QR code) for the room
 *     ...
 * }
 * }</pre>
 *
 * <p>Security: rater tokens are random 256-bit secrets stored only as hashes; a rater's cookie is
 * HttpOnly and SameSite=Strict; POSTs must be JSON and same-origin; the admin token is compared in
 * constant time and never logged; bodies are capped; every answer carries a Content-Security-Policy
 * that allows no inline script and no other origin.
 */
public final class WorkshopServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkshopServer.class);

    /** The rater's cookie. */
    static final String COOKIE = "rlhf4j_rater";
    /** The header a scripted client may send its rater token in instead of the cookie. */
    static final String TOKEN_HEADER = "X-Rater-Token";
    /** Where the pages and their scripts live on the classpath. */
    static final String WEB = "/dev/rlhf4j/workshop/web";

    static final String CSP = "default-src 'none'; script-src 'self'; connect-src 'self'; img-src 'self'; style-src 'self';"
            + " frame-ancestors 'self'; form-action 'self'; base-uri 'none'";

    /** Gson's default writer escapes the characters of markup in strings. */
    private static final Gson HTML_SAFE = new GsonBuilder().serializeNulls().create();

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._:-]{1," + Room.MAX_KEY + "}");
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9-]{1,32}");

    /**
     * How a server runs.
     *
     * @param host the address to bind: 127.0.0.1 (this machine only) or 0.0.0.0 (every interface: a room)
     * @param port the port; 0 = any free port
     * @param db the store: a file path (SQLite) or a JDBC URL
     * @param dbUser the PostgreSQL user (null: the URL's or the driver's)
     * @param dbPassword the PostgreSQL password (null: the URL's or the driver's)
     * @param adminToken the admin token; null = generate one
     * @param code the join code; null = generate one (a server resuming a workshop needs its code)
     * @param tasks tasks per round
     * @param k completions per task
     * @param seed seeds the tasks
     * @param ratePerMinute requests a rater may make per minute, sustained (≤ 0: no limit)
     * @param burst requests a rater may make at once
     * @param maxBodyBytes the largest request body accepted
     * @param maxRaters the most people a workshop takes
     * @param publicUrl the base URL people reach the server at; null = worked out from host and port
     * @param prompts the corpus's prompts.csv (for the simulated human's agreement)
     */
    public record Settings(String host, int port, String db, String dbUser, String dbPassword, String adminToken, String code,
            int tasks, int k, long seed, int ratePerMinute, int burst, int maxBodyBytes, int maxRaters, String publicUrl,
            String prompts) {

        /** The default SQLite file. */
        public static final String DEFAULT_DB = "runs/workshop/feedback.db";

        /** Checks every component. */
        public Settings {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("host: expected an address such as 127.0.0.1 or 0.0.0.0");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: expected 0..65535 (0 = any free port), found " + port);
            }
            if (code != null && !CODE.matcher(code).matches()) {
                throw new IllegalArgumentException("code: expected 1-32 letters, digits or dashes, found " + code);
            }
            if (adminToken != null && adminToken.length() < 8) {
                throw new IllegalArgumentException("admin token: expected at least 8 characters");
            }
            if (tasks < 1) {
                throw new IllegalArgumentException("tasks: expected at least 1 per round, found " + tasks);
            }
            if (k < 2 || k > 9) {
                throw new IllegalArgumentException("k: expected 2..9 completions per task, found " + k);
            }
            if (burst < 1) {
                throw new IllegalArgumentException("burst: expected at least 1, found " + burst);
            }
            if (maxBodyBytes < 1024) {
                throw new IllegalArgumentException("maxBodyBytes: expected at least 1024, found " + maxBodyBytes);
            }
            if (maxRaters < 1) {
                throw new IllegalArgumentException("maxRaters: expected at least 1, found " + maxRaters);
            }
        }

        /** 127.0.0.1:8080, the default SQLite file, 32 tasks of K = 4 per round, 120 requests a minute per rater. */
        public static Settings defaults() {
            return new Settings("127.0.0.1", 8080, DEFAULT_DB, null, null, null, null, 32, 4, 1, 120, 30, 64 * 1024, 1000,
                    null, "datasets/reviews/prompts.csv");
        }

        /** A builder starting from these settings. */
        public Builder toBuilder() {
            return new Builder(this);
        }

        @Override
        public String toString() {
            // Never print secrets.
            return "Settings[host=" + host + ", port=" + port + ", db=" + db.replaceAll("\\?.*", "") + ", tasks=" + tasks
                    + ", k=" + k + ", seed=" + seed + ", ratePerMinute=" + ratePerMinute + "]";
        }
    }

    /** Builds {@link Settings}, one setter per component. */
    public static final class Builder {
        private String host;
        private int port;
        private String db;
        private String dbUser;
        private String dbPassword;
        private String adminToken;
        private String code;
        private int tasks;
        private int k;
        private long seed;
        private int ratePerMinute;
        private int burst;
        private int maxBodyBytes;
        private int maxRaters;
        private String publicUrl;
        private String prompts;

        private Builder(Settings s) {
            host = s.host;
            port = s.port;
            db = s.db;
            dbUser = s.dbUser;
            dbPassword = s.dbPassword;
            adminToken = s.adminToken;
            code = s.code;
            tasks = s.tasks;
            k = s.k;
            seed = s.seed;
            ratePerMinute = s.ratePerMinute;
            burst = s.burst;
            maxBodyBytes = s.maxBodyBytes;
            maxRaters = s.maxRaters;
            publicUrl = s.publicUrl;
            prompts = s.prompts;
        }

        public Builder host(String v) { host = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder db(String v) { db = v; return this; }
        public Builder dbUser(String v) { dbUser = v; return this; }
        public Builder dbPassword(String v) { dbPassword = v; return this; }
        public Builder adminToken(String v) { adminToken = v; return this; }
        public Builder code(String v) { code = v; return this; }
        public Builder tasks(int v) { tasks = v; return this; }
        public Builder k(int v) { k = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder ratePerMinute(int v) { ratePerMinute = v; return this; }
        public Builder burst(int v) { burst = v; return this; }
        public Builder maxBodyBytes(int v) { maxBodyBytes = v; return this; }
        public Builder maxRaters(int v) { maxRaters = v; return this; }
        public Builder publicUrl(String v) { publicUrl = v; return this; }
        public Builder prompts(String v) { prompts = v; return this; }

        public Settings build() {
            return new Settings(host, port, db, dbUser, dbPassword, adminToken, code, tasks, k, seed, ratePerMinute, burst,
                    maxBodyBytes, maxRaters, publicUrl, prompts);
        }
    }

    private final Settings settings;
    private final FeedbackStore store;
    private final Room room;
    private final Javalin app;
    private final String adminToken;
    private final byte[] adminHash;
    private final String baseUrl;
    private final List<Prompt> prompts;
    private final ReviewPreference taste;
    private final ReentrantLock boardLock = new ReentrantLock();
    private volatile String board;
    private volatile long boardVersion = -1;
    private volatile long boardNanos;
    private volatile byte[] qr;
    private AutoCloseable owned;
    private Policies policies;
    private volatile RoomJudge judge;
    private java.util.function.Function<Path, CompletionScorer> rewardModels;
    private final List<AutoCloseable> makers = new ArrayList<>();

    private WorkshopServer(Settings settings, FeedbackStore store, Room room, String adminToken, List<Prompt> prompts) {
        this.settings = settings;
        this.store = store;
        this.room = room;
        this.adminToken = adminToken;
        this.adminHash = Room.sha256(adminToken);
        this.prompts = prompts;
        this.taste = SimulatedRater.standard(settings.seed()).preference();
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.http.maxRequestSize = settings.maxBodyBytes();
            config.jetty.defaultHost = settings.host();
            config.jetty.defaultPort = settings.port();
            config.staticFiles.add(files -> {
                files.hostedPath = "/static";
                files.directory = WEB;
                files.location = Location.CLASSPATH;
            });
            config.staticFiles.enableWebjars();
        });
        routes();
        try {
            app.start();
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot serve on " + settings.host() + ":" + settings.port() + ": "
                    + rootMessage(e), e);
        }
        this.baseUrl = settings.publicUrl() != null ? withSlash(settings.publicUrl())
                : "http://" + reachableHost(settings.host()) + ":" + app.port() + "/";
    }

    /**
     * Opens the store, resumes the workshop with the settings' join code (or starts one, with its
     * first round of tasks from {@code tasks}) and serves it.
     */
    public static WorkshopServer start(Settings settings, TaskMaker tasks) {
        return start(settings, tasks, null);
    }

    /**
     * As {@link #start(Settings, TaskMaker)}, and later rounds may come from new policies
     * ({@code POST /api/admin/rounds} with {@code {"policy": DIR}} or {@code {"policy": DIR, "ab": true}});
     * {@code policies} null refuses those.
     */
    public static WorkshopServer start(Settings settings, TaskMaker tasks, Policies policies) {
        String code = settings.code() != null ? settings.code() : joinCode();
        String admin = settings.adminToken() != null ? settings.adminToken() : Room.randomToken();
        List<Prompt> prompts = ReviewWorld.readPrompts(Home.resolve(settings.prompts()));
        FeedbackStore store = FeedbackStore.open(settings.db(), settings.dbUser(), settings.dbPassword());
        try {
            Room room = Room.resume(store, code, settings.k(), tasks, settings.tasks(), settings.seed(), Clock.systemUTC(),
                    new RateLimiter(settings.ratePerMinute(), settings.burst()));
            WorkshopServer server = new WorkshopServer(settings, store, room, admin, prompts);
            server.policies = policies;
            server.restorePolicy();
            return server;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * Serves a workshop on the bundled defaults: tasks sampled from the stage-1 model
     * ({@link ModelCatalog#DEFAULT_MODEL}) on the training prompts of the settings' corpus, on the CPU
     * or a GPU when DJL sees one. The model is closed with the server.
     */
    public static WorkshopServer start(Settings settings) {
        Path checkpoint = Home.resolve(ModelCatalog.DEFAULT_MODEL);
        List<Prompt> train = ReviewWorld.readPrompts(Home.resolve(settings.prompts())).stream().filter(p -> !p.heldOut()).toList();
        List<Prompt> heldOut = ReviewWorld.readPrompts(Home.resolve(settings.prompts())).stream().filter(Prompt::heldOut).toList();
        String name = checkpoint.getFileName().toString();
        SampledTasks tasks = new SampledTasks(checkpoint, name, train, Devices.resolve("auto"));
        try {
            WorkshopServer server = start(settings, tasks, SampledTasks.policies(checkpoint, name, train, heldOut,
                    Devices.resolve("auto")));
            server.owned = tasks;
            return server;
        } catch (RuntimeException e) {
            tasks.close();
            throw e;
        }
    }

    /** A short join code people can type: six letters and digits without look-alikes. */
    static String joinCode() {
        String alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
        StringBuilder b = new StringBuilder();
        String random = Room.randomId(12);
        for (int i = 0; i < 6; i++) {
            b.append(alphabet.charAt(Math.floorMod(random.charAt(i) * 31 + random.charAt(i + 6), alphabet.length())));
        }
        return b.toString();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:8080/}. */
    public String url() {
        return baseUrl;
    }

    /** The join link as a QR code, {@code size} pixels square (a notebook shows it as a PNG). */
    public java.awt.image.BufferedImage joinQr(int size) {
        return JoinQr.image(joinUrl(), size);
    }

    /** What the projector shows, worked out now (see {@link RoomView}). */
    public RoomView view() {
        boardLock.lock();
        try {
            return RoomBoard.view(room, joinUrl(), prompts, taste, judge, java.time.Instant.now());
        } finally {
            boardLock.unlock();
        }
    }

    /** The link people join with: the base URL with the code. */
    public String joinUrl() {
        return baseUrl + "?code=" + room.workshop.code();
    }

    /** The projector page. */
    public String leaderboardUrl() {
        return baseUrl + "leaderboard";
    }

    /** The bound port. */
    public int port() {
        return app.port();
    }

    /** The join code. */
    public String code() {
        return room.workshop.code();
    }

    /** The workshop's id in the store. */
    public String workshopId() {
        return room.workshop.id();
    }

    /** The admin token (show it once, to the instructor). */
    public String adminToken() {
        return adminToken;
    }

    /** The room's live state (for tests in this package). */
    Room room() {
        return room;
    }

    /** The store the rankings go to. */
    public FeedbackStore store() {
        return store;
    }

    /** The current round's number. */
    public int round() {
        return room.round().number();
    }

    /** Closes the current round and opens the next with new tasks; returns its number. */
    public int newRound() {
        return room.newRound().number();
    }

    /**
     * Closes the current round and opens the next with {@code policy}'s samples (or, with
     * {@code ab}, a blind A/B round of {@code policy} against the initial model); ranking rounds
     * after it keep sampling {@code policy}. Returns the new round's number.
     *
     * @throws IllegalArgumentException when {@code policy} is not a model folder or this server was
     *     started without {@link Policies}
     */
    public int newRound(Path policy, boolean ab) {
        return newPolicyRound(policy.toString(), ab).number();
    }

    private synchronized FeedbackStore.Round newPolicyRound(String policy, boolean ab) {
        if (policies == null) {
            throw new IllegalArgumentException("this server was started without policies: it serves only its first model's samples");
        }
        Path dir = Home.resolve(policy);
        String name = policy.replace('\\', '/');
        TaskMaker m = ab ? policies.ab(dir, name) : policies.sample(dir, name);
        if (m instanceof AutoCloseable c) {
            makers.add(c);
        }
        judgeWithRewardModelOf(dir);
        return room.newRound(m);
    }

    /**
     * Where the projector finds the reward model of a round's policy: {@code loader} gets the
     * policy's folder and returns a scorer, or null when there is none (e.g.
     * {@code WorkshopTraining::rewardModelNextTo}). From then on, a round opened from a policy, and
     * a restart, compares every rater with that reward model too.
     */
    public synchronized WorkshopServer rewardModels(java.util.function.Function<Path, CompletionScorer> loader) {
        this.rewardModels = loader;
        String last = room.lastRankModel();
        if (last != null) {
            judgeWithRewardModelOf(Home.resolve(last));
        }
        return this;
    }

    /**
     * The projector compares each rater's rankings with {@code scorer}'s (a trained reward model) as
     * well as with the room and the simulated human; null stops it. The server closes the scorer.
     */
    public synchronized void judgeWith(CompletionScorer scorer) {
        RoomJudge old = judge;
        judge = scorer == null ? null : new RoomJudge(scorer);
        boardVersion = -2; // the next board is worked out anew
        if (old != null) {
            old.close();
        }
    }

    private void judgeWithRewardModelOf(Path policy) {
        if (rewardModels != null) {
            try {
                CompletionScorer s = rewardModels.apply(policy);
                if (s != null) {
                    judgeWith(s);
                }
            } catch (RuntimeException e) {
                // The round still opens; the projector only lacks the reward-model column.
                System.err.println("workshop: cannot load the reward model next to " + policy + ": " + rootMessage(e));
            }
        }
    }

    /** After a restart: later ranking rounds sample the policy the last ranking round sampled. */
    private void restorePolicy() {
        String last = room.lastRankModel();
        if (policies == null || last == null) {
            return;
        }
        Path dir = Home.resolve(last);
        if (java.nio.file.Files.isDirectory(dir) && java.nio.file.Files.isRegularFile(dir.resolve("config.json"))) {
            TaskMaker m = policies.sample(dir, last);
            if (m instanceof AutoCloseable c) {
                makers.add(c);
            }
            room.useMaker(m);
        }
    }

    /** Closes the current round. */
    public void closeRound() {
        room.closeRound();
    }

    /** The workshop's rankings so far, as feedback records. */
    public List<FeedbackRecord> records() {
        return room.records();
    }

    /** The room's verdict so far on the tuned policy, from its A/B rounds. */
    public WorkshopVerdict verdict() {
        java.util.Map<String, WorkshopTask> tasks = new java.util.HashMap<>();
        for (FeedbackRecord r : room.records()) {
            room.task(r.task()).ifPresent(t -> tasks.put(t.id(), t));
        }
        return WorkshopVerdict.of(room.records(), tasks, taste, prompts, settings.seed());
    }

    /** Stops serving and closes the store. */
    @Override
    public void close() {
        try {
            app.stop();
        } finally {
            store.close();
            RoomJudge j = judge;
            if (j != null) {
                j.close();
            }
            for (AutoCloseable m : makers) {
                try {
                    m.close();
                } catch (Exception e) {
                    LOG.warn("closing a round's model: {}", e.getMessage());
                }
            }
            if (owned != null) {
                try {
                    owned.close();
                } catch (Exception e) {
                    LOG.warn("closing the task model: {}", e.getMessage());
                }
            }
        }
    }

    // ---- routes ------------------------------------------------------------------------------

    private void routes() {
        app.before(ctx -> {
            ctx.header("Content-Security-Policy", CSP);
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("Referrer-Policy", "strict-origin-when-cross-origin");
            ctx.header("X-Frame-Options", "SAMEORIGIN");
            ctx.header("X-XSS-Protection", "0");
            if (ctx.path().startsWith("/api/")) {
                ctx.header("Cache-Control", "no-store");
            }
        });
        app.exception(StoreUnavailableException.class, (e, ctx) -> {
            LOG.warn("database unavailable on {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
            ctx.header("Retry-After", "2");
            error(ctx, 503, "the database does not answer; nothing was stored, send it again");
        });
        app.exception(HttpResponseException.class, (e, ctx) -> {
            int status = e.getStatus();
            error(ctx, status, status == 413 ? "the request body is larger than " + settings.maxBodyBytes() + " bytes"
                    : "request refused (" + status + ")");
        });
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("error on {} {}", ctx.method(), ctx.path(), e);
            error(ctx, 500, "the server failed on this request; it is logged");
        });

        app.get("/", ctx -> page(ctx, "index.html"));
        app.get("/leaderboard", ctx -> page(ctx, "leaderboard.html"));
        app.get("/api/health", this::health);
        app.get("/api/info", this::info);
        app.post("/api/join", this::join);
        app.get("/api/me", this::me);
        app.get("/api/task", this::task);
        app.post("/api/rankings", this::rankings);
        app.post("/api/skip", this::skip);
        app.get("/api/leaderboard", this::leaderboard);
        app.get("/api/qr.png", this::qr);
        app.post("/api/admin/rounds", ctx -> admin(ctx, this::adminNewRound));
        app.post("/api/admin/rounds/close", ctx -> admin(ctx, this::adminCloseRound));
        app.get("/api/admin/export", ctx -> admin(ctx, this::adminExport));
        app.get("/api/admin/raters", ctx -> admin(ctx, this::adminRaters));
    }

    private void page(Context ctx, String name) throws IOException {
        try (InputStream in = WorkshopServer.class.getResourceAsStream(WEB + "/" + name)) {
            if (in == null) {
                error(ctx, 404, "page " + name + " is missing from this build");
                return;
            }
            ctx.contentType("text/html; charset=utf-8").result(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private void health(Context ctx) {
        JsonObject o = new JsonObject();
        if (store.ping()) {
            o.addProperty("status", "ok");
            o.addProperty("database", store.kind());
            json(ctx, 200, o);
        } else {
            o.addProperty("status", "unavailable");
            o.addProperty("database", store.kind());
            o.addProperty("error", "the database does not answer");
            json(ctx, 503, o);
        }
    }

    private void info(Context ctx) {
        JsonObject o = new JsonObject();
        o.addProperty("workshop", room.workshop.id());
        o.addProperty("round", room.round().number());
        o.addProperty("roundOpen", room.round().open());
        o.addProperty("k", room.workshop.k());
        o.addProperty("raters", room.people().size());
        o.addProperty("rankings", room.rankingCount());
        json(ctx, 200, o);
    }

    private void join(Context ctx) {
        Optional<JsonObject> body = postBody(ctx);
        if (body.isEmpty()) {
            return;
        }
        JsonObject b = body.get();
        String code = string(b, "code");
        if (code == null) {
            error(ctx, 400, "code: expected the join code as a string");
            return;
        }
        if (!MessageDigest.isEqual(Room.sha256(code.strip()), Room.sha256(room.workshop.code()))) {
            error(ctx, 403, "wrong join code");
            return;
        }
        String name = string(b, "name");
        if (name == null || name.isBlank()) {
            error(ctx, 400, "name: expected your name, 1-" + Room.MAX_NAME + " characters");
            return;
        }
        name = name.strip().replaceAll("\\s+", " ");
        if (name.codePointCount(0, name.length()) > Room.MAX_NAME || name.codePoints().anyMatch(Character::isISOControl)) {
            error(ctx, 400, "name: expected 1-" + Room.MAX_NAME + " characters without control characters");
            return;
        }
        JsonElement sim = b.get("simulated");
        boolean simulated = sim != null && sim.isJsonPrimitive() && sim.getAsJsonPrimitive().isBoolean() && sim.getAsBoolean();
        if (room.people().size() >= settings.maxRaters()) {
            error(ctx, 403, "the room is full (" + settings.maxRaters() + " people)");
            return;
        }
        Room.Joined joined;
        try {
            joined = room.join(name, simulated ? Rater.Source.SIMULATED : Rater.Source.HUMAN);
        } catch (FeedbackStore.NameTakenException e) {
            error(ctx, 409, "that name is taken in this room; add an initial or a number");
            return;
        }
        ctx.header("Set-Cookie", COOKIE + "=" + joined.token() + "; Path=/; HttpOnly; SameSite=Strict");
        JsonObject o = new JsonObject();
        o.addProperty("rater", joined.person().id);
        o.addProperty("name", joined.person().name);
        o.addProperty("token", joined.token());
        json(ctx, 201, o);
    }

    private void me(Context ctx) {
        Optional<Room.Person> p = rater(ctx);
        if (p.isEmpty()) {
            return;
        }
        JsonObject o = new JsonObject();
        o.addProperty("rater", p.get().id);
        o.addProperty("name", p.get().name);
        o.addProperty("ranked", p.get().rankedCount());
        json(ctx, 200, o);
    }

    private void task(Context ctx) {
        Optional<Room.Person> p = rater(ctx);
        if (p.isEmpty() || limited(ctx, p.get())) {
            return;
        }
        Optional<WorkshopTask> t = room.next(p.get());
        if (t.isEmpty()) {
            ctx.status(204);
            return;
        }
        WorkshopTask task = t.get();
        JsonObject o = new JsonObject();
        o.addProperty("task", task.id());
        o.addProperty("round", task.round());
        o.addProperty("promptId", task.promptId());
        o.addProperty("prompt", task.prompt());
        JsonArray completions = new JsonArray();
        for (int i = 0; i < task.k(); i++) {
            JsonObject c = new JsonObject();
            c.addProperty("id", i);
            c.addProperty("text", task.completions().get(i));
            completions.add(c);
        }
        o.add("completions", completions);
        o.addProperty("ranked", p.get().rankedCount());
        json(ctx, 200, o);
    }

    private void rankings(Context ctx) {
        Optional<Room.Person> p = rater(ctx);
        if (p.isEmpty()) {
            return;
        }
        Optional<JsonObject> body = postBody(ctx);
        if (body.isEmpty() || limited(ctx, p.get())) {
            return;
        }
        JsonObject b = body.get();
        String task = string(b, "task");
        if (task == null || task.isEmpty() || task.length() > 64) {
            error(ctx, 400, "task: expected the task's id as a string");
            return;
        }
        String key = string(b, "key");
        if (key == null || !KEY.matcher(key).matches()) {
            error(ctx, 400, "key: expected an idempotency key of 1-" + Room.MAX_KEY + " letters, digits or . _ : -");
            return;
        }
        if (b.has("rater") && !p.get().id.equals(string(b, "rater"))) {
            error(ctx, 403, "rater: a token may only send its own rankings");
            return;
        }
        Ranking ranking;
        try {
            ranking = ranking(b.get("ranking"));
        } catch (IllegalArgumentException e) {
            error(ctx, 400, "ranking: " + e.getMessage());
            return;
        }
        Room.Submission s = room.submit(p.get(), task, ranking, key);
        if (s.error() != null) {
            error(ctx, s.status(), s.error());
            return;
        }
        JsonObject o = new JsonObject();
        o.addProperty("id", s.id());
        o.addProperty("task", task);
        o.addProperty("ranked", p.get().rankedCount());
        json(ctx, s.status(), o);
    }

    /** A ranking from JSON groups of completion ids, e.g. {@code [[1],[0,3],[2]]}. */
    static Ranking ranking(JsonElement e) {
        if (e == null || !e.isJsonArray() || e.getAsJsonArray().isEmpty() || e.getAsJsonArray().size() > 9) {
            throw new IllegalArgumentException("expected groups of completion ids, best first, e.g. [[1],[0,3],[2]]");
        }
        List<List<Integer>> groups = new ArrayList<>();
        for (JsonElement g : e.getAsJsonArray()) {
            if (!g.isJsonArray() || g.getAsJsonArray().isEmpty() || g.getAsJsonArray().size() > 9) {
                throw new IllegalArgumentException("expected every group to be a non-empty list of completion ids, found " + g);
            }
            List<Integer> group = new ArrayList<>();
            for (JsonElement i : g.getAsJsonArray()) {
                if (!i.isJsonPrimitive() || !i.getAsJsonPrimitive().isNumber()) {
                    throw new IllegalArgumentException("expected completion ids (whole numbers), found " + i);
                }
                double v = i.getAsDouble();
                if (v != Math.rint(v) || v < 0 || v > 8) {
                    throw new IllegalArgumentException("expected completion ids 0..8, found " + i);
                }
                group.add((int) v);
            }
            groups.add(group);
        }
        return new Ranking(groups);
    }

    private void skip(Context ctx) {
        Optional<Room.Person> p = rater(ctx);
        if (p.isEmpty()) {
            return;
        }
        Optional<JsonObject> body = postBody(ctx);
        if (body.isEmpty() || limited(ctx, p.get())) {
            return;
        }
        String task = string(body.get(), "task");
        if (task == null || room.task(task).isEmpty()) {
            error(ctx, 404, "no such task in this workshop");
            return;
        }
        room.skip(p.get(), task);
        ctx.status(204);
    }

    private void leaderboard(Context ctx) {
        long v = room.version();
        // Worked out again at most once a second, and only when something changed.
        if (board == null || (v != boardVersion && System.nanoTime() - boardNanos > 1_000_000_000L)) {
            if (board == null) {
                boardLock.lock();
            }
            if (boardLock.isHeldByCurrentThread() || boardLock.tryLock()) {
                try {
                    long now = room.version();
                    if (board == null || now != boardVersion) {
                        board = HTML_SAFE.toJson(RoomBoard.of(room, joinUrl(), prompts, taste, judge, java.time.Instant.now()));
                        boardVersion = now;
                        boardNanos = System.nanoTime();
                    }
                } finally {
                    boardLock.unlock();
                }
            }
        }
        ctx.contentType("application/json").result(board);
    }

    private void qr(Context ctx) {
        if (qr == null) {
            qr = JoinQr.png(joinUrl(), 480);
        }
        ctx.contentType("image/png").header("Cache-Control", "no-cache").result(qr);
    }

    // ---- admin -------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Handler {
        void handle(Context ctx);
    }

    private void admin(Context ctx, Handler h) {
        String auth = ctx.header("Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"rlhf4j workshop\"");
            error(ctx, 401, "admin routes need Authorization: Bearer <admin token>");
            return;
        }
        // Hash both sides to a fixed length first, so the comparison's time says nothing about the token.
        if (!MessageDigest.isEqual(Room.sha256(auth.substring(7).strip()), adminHash)) {
            error(ctx, 403, "wrong admin token");
            return;
        }
        if (ctx.method().name().equals("POST") && !sameOrigin(ctx)) {
            return;
        }
        h.handle(ctx);
    }

    private void adminNewRound(Context ctx) {
        String body = ctx.body().strip();
        FeedbackStore.Round r;
        if (body.isEmpty() || body.equals("{}")) {
            r = room.newRound();
        } else {
            JsonObject o;
            try {
                JsonElement e = JsonParser.parseString(body);
                if (!e.isJsonObject()) {
                    throw new JsonParseException("not an object");
                }
                o = e.getAsJsonObject();
            } catch (JsonParseException | IllegalStateException e) {
                error(ctx, 400, "expected {} or {\"policy\": \"DIR\", \"ab\": false}");
                return;
            }
            String policy = string(o, "policy");
            JsonElement ab = o.get("ab");
            boolean isAb = ab != null && ab.isJsonPrimitive() && ab.getAsJsonPrimitive().isBoolean() && ab.getAsBoolean();
            if (policy == null || policy.isBlank()) {
                if (isAb) {
                    error(ctx, 400, "policy: an A/B round needs the tuned policy's folder");
                    return;
                }
                r = room.newRound();
            } else {
                try {
                    r = newPolicyRound(policy, isAb);
                } catch (IllegalArgumentException e) {
                    error(ctx, 400, "policy: " + e.getMessage());
                    return;
                }
            }
        }
        JsonObject o = new JsonObject();
        o.addProperty("round", r.number());
        o.addProperty("kind", r.kind());
        o.addProperty("model", r.model());
        o.addProperty("tasks", room.currentTasks().size());
        json(ctx, 201, o);
    }

    private void adminCloseRound(Context ctx) {
        FeedbackStore.Round r = room.closeRound();
        JsonObject o = new JsonObject();
        o.addProperty("round", r.number());
        o.addProperty("open", r.open());
        json(ctx, 200, o);
    }

    private void adminExport(Context ctx) {
        StringBuilder b = new StringBuilder();
        for (FeedbackRecord r : store.export(room.workshop.id())) {
            b.append(FeedbackLog.toJson(r)).append('\n');
        }
        ctx.contentType("application/x-ndjson; charset=utf-8").result(b.toString());
    }

    private void adminRaters(Context ctx) {
        JsonArray a = new JsonArray();
        for (Room.Person p : room.people()) {
            JsonObject o = new JsonObject();
            o.addProperty("rater", p.id);
            o.addProperty("name", p.name);
            o.addProperty("source", p.source.label());
            o.addProperty("ranked", p.rankedCount());
            o.addProperty("joined", p.joined.toString());
            a.add(o);
        }
        ctx.contentType("application/json").result(HTML_SAFE.toJson(a));
    }

    // ---- request plumbing --------------------------------------------------------------------

    /** The rater the request's token names; answers 401 and returns empty when there is none. */
    private Optional<Room.Person> rater(Context ctx) {
        String token = ctx.header(TOKEN_HEADER);
        if (token == null) {
            token = ctx.cookie(COOKIE);
        }
        Optional<Room.Person> p = room.person(token);
        if (p.isEmpty()) {
            error(ctx, 401, token == null ? "join the workshop first" : "unknown rater token; join again");
        }
        return p;
    }

    private boolean limited(Context ctx, Room.Person p) {
        long wait = p.bucket.take();
        if (wait > 0) {
            ctx.header("Retry-After", Long.toString(wait));
            error(ctx, 429, "too many requests; wait " + wait + " s");
            return true;
        }
        return false;
    }

    /**
     * The JSON object body of a POST, after the checks every state-changing request passes: same
     * origin (a cross-site form cannot post here), a JSON content type, a body within the cap.
     * Answers the 4xx and returns empty when a check fails.
     */
    private Optional<JsonObject> postBody(Context ctx) {
        if (!sameOrigin(ctx)) {
            return Optional.empty();
        }
        String type = ctx.header("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).strip().startsWith("application/json")) {
            error(ctx, 415, "expected Content-Type: application/json");
            return Optional.empty();
        }
        long length = ctx.req().getContentLengthLong();
        if (length > settings.maxBodyBytes()) {
            error(ctx, 413, "the request body is larger than " + settings.maxBodyBytes() + " bytes");
            return Optional.empty();
        }
        String text = new String(ctx.bodyAsBytes(), StandardCharsets.UTF_8);
        try {
            JsonElement e = JsonParser.parseString(text);
            if (!e.isJsonObject()) {
                error(ctx, 400, "expected a JSON object");
                return Optional.empty();
            }
            return Optional.of(e.getAsJsonObject());
        } catch (JsonParseException | IllegalStateException e) {
            error(ctx, 400, "the body is not valid JSON");
            return Optional.empty();
        }
    }

    /**
     * Whether a state-changing request comes from this server's own pages: refuses (403) a
     * browser's cross-site request ({@code Sec-Fetch-Site: cross-site}) and an {@code Origin}
     * other than the host the request was sent to. Clients that send neither header (scripts) pass.
     */
    private boolean sameOrigin(Context ctx) {
        String site = ctx.header("Sec-Fetch-Site");
        if ("cross-site".equalsIgnoreCase(site) || "same-site".equalsIgnoreCase(site)) {
            error(ctx, 403, "cross-site request refused");
            return false;
        }
        String origin = ctx.header("Origin");
        if (origin != null) {
            String host = ctx.header("Host");
            String originHost;
            try {
                URI u = URI.create(origin);
                originHost = u.getPort() == -1 ? u.getHost() : u.getHost() + ":" + u.getPort();
            } catch (IllegalArgumentException e) {
                originHost = null;
            }
            if (originHost == null || host == null || !originHost.equalsIgnoreCase(host)) {
                error(ctx, 403, "cross-site request refused");
                return false;
            }
        }
        return true;
    }

    private static String string(JsonObject o, String name) {
        JsonElement e = o.get(name);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
    }

    /** A JSON answer, HTML-safe: {@code <}, {@code >}, {@code &}, {@code =} and {@code '} as \\u escapes. */
    private static void json(Context ctx, int status, JsonElement body) {
        ctx.status(status).contentType("application/json").result(HTML_SAFE.toJson(body));
    }

    /** A one-line JSON error; as every JSON answer, it carries no markup. */
    private static void error(Context ctx, int status, String message) {
        JsonObject o = new JsonObject();
        o.addProperty("error", message);
        json(ctx, status, o);
    }

    private static String withSlash(String url) {
        return url.endsWith("/") ? url : url + "/";
    }

    /** The host people type: the bound address, or this machine's LAN address when bound to every interface. */
    private static String reachableHost(String host) {
        if (!host.equals("0.0.0.0") && !host.equals("::")) {
            return host.contains(":") ? "[" + host + "]" : host;
        }
        try {
            for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!n.isUp() || n.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(n.getInetAddresses())) {
                    if (a instanceof Inet4Address && a.isSiteLocalAddress()) {
                        return a.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // Fall through to the loopback name.
        }
        return "127.0.0.1";
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
