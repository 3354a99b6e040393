package dev.rlhf4j.workshop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The server's API as a client sees it, on both backends: joining, tasks, rankings with their
 * idempotency keys, rounds, and every refusal the issue lists (each with nothing stored).
 */
class WorkshopApiTest {

    static final String ADMIN = "admin-secret-for-tests";

    @TempDir
    Path dir;

    private TestDatabases.Db db;
    private WorkshopServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private void start(String kind, Consumer<WorkshopServer.Builder> tweak) {
        db = TestDatabases.fresh(kind, dir);
        WorkshopServer.Builder b = WorkshopServer.Settings.defaults().toBuilder().port(0).db(db.url()).dbUser(db.user())
                .dbPassword(db.password()).code("demo").adminToken(ADMIN).tasks(6).k(4);
        tweak.accept(b);
        server = WorkshopServer.start(b.build(), WorkshopFixtures.cannedTasks());
    }

    record Reply(int status, String body, HttpResponse<String> raw) {
        JsonObject json() {
            return JsonParser.parseString(body).getAsJsonObject();
        }

        String error() {
            return json().get("error").getAsString();
        }
    }

    Reply send(HttpRequest.Builder r) throws Exception {
        HttpResponse<String> res = http.send(r.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(res.statusCode(), res.body(), res);
    }

    HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(server.url() + path)).GET();
    }

    HttpRequest.Builder post(String path, String json) {
        return HttpRequest.newBuilder(URI.create(server.url() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    /** Joins as {@code name}; returns the token. */
    String join(String name) throws Exception {
        Reply r = send(post("api/join", "{\"name\":" + quote(name) + ",\"code\":\"demo\"}"));
        assertEquals(201, r.status(), r.body());
        return r.json().get("token").getAsString();
    }

    JsonObject task(String token) throws Exception {
        Reply r = send(get("api/task").header(WorkshopServer.TOKEN_HEADER, token));
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    Reply rank(String token, String task, String ranking, String key) throws Exception {
        return send(post("api/rankings", "{\"task\":\"" + task + "\",\"ranking\":" + ranking + ",\"key\":\"" + key + "\"}")
                .header(WorkshopServer.TOKEN_HEADER, token));
    }

    static String quote(String s) {
        return new com.google.gson.JsonPrimitive(s).toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {TestDatabases.SQLITE, TestDatabases.POSTGRESQL})
    void aPersonJoinsRanksAndTheRankingIsStoredOnceWithTies(String kind) throws Exception {
        start(kind, b -> {});
        Reply health = send(get("api/health"));
        assertEquals(200, health.status());
        assertEquals(kind, health.json().get("database").getAsString());

        Reply joined = send(post("api/join", "{\"name\":\"  Ada   Lovelace \",\"code\":\"demo\"}"));
        assertEquals(201, joined.status());
        assertEquals("Ada Lovelace", joined.json().get("name").getAsString());
        String cookie = joined.raw().headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
        String token = joined.json().get("token").getAsString();
        assertTrue(cookie.startsWith(WorkshopServer.COOKIE + "=" + token + ";"));

        // The cookie works as the page sends it.
        JsonObject t = JsonParser.parseString(send(get("api/task").header("Cookie", WorkshopServer.COOKIE + "=" + token)).body())
                .getAsJsonObject();
        String task = t.get("task").getAsString();
        assertEquals(4, t.getAsJsonArray("completions").size());
        assertEquals("p", t.get("promptId").getAsString().substring(0, 1));

        Reply first = rank(token, task, "[[1],[0,3],[2]]", "key-1");
        assertEquals(201, first.status(), first.body());
        String id = first.json().get("id").getAsString();
        Reply retry = rank(token, task, "[[1],[0,3],[2]]", "key-1");
        assertEquals(200, retry.status(), "a retry of the same key is acknowledged again");
        assertEquals(id, retry.json().get("id").getAsString());
        Reply other = rank(token, task, "[[0],[1],[2],[3]]", "key-2");
        assertEquals(409, other.status(), "one ranking per person and task");

        assertEquals(1, server.store().countRankings(server.workshopId()));
        var stored = server.store().export(server.workshopId()).get(0);
        assertEquals(id, stored.id());
        assertEquals("2 1=4 3", stored.ranking().format());
        assertEquals("Ada Lovelace", stored.rater());

        // The next task is another one; after every task, 204.
        assertNotEquals(task, task(token).get("task").getAsString());
        for (int i = 0; i < 5; i++) {
            JsonObject next = task(token);
            assertEquals(201, rank(token, next.get("task").getAsString(), "[[0],[1],[2],[3]]", "k" + i).status());
        }
        assertEquals(204, send(get("api/task").header(WorkshopServer.TOKEN_HEADER, token)).status());
        assertEquals(6, send(get("api/me").header(WorkshopServer.TOKEN_HEADER, token)).json().get("ranked").getAsInt());
    }

    @ParameterizedTest
    @ValueSource(strings = {TestDatabases.SQLITE, TestDatabases.POSTGRESQL})
    void everyBadRankingIsRefusedWithAReasonAndNothingStored(String kind) throws Exception {
        start(kind, b -> {});
        String token = join("Ada");
        String task = task(token).get("task").getAsString();
        List<String[]> cases = List.of(
                new String[] {"[[0],[1],[2]]", "400", "ranking"},             // a completion missing
                new String[] {"[[0],[1],[2],[2]]", "400", "twice"},          // one twice
                new String[] {"[[0],[1],[2],[4]]", "400", "ranking"},        // an id the task lacks
                new String[] {"[[0],[1],[2],[3],[4]]", "400", "ranking"},    // too many
                new String[] {"[0,1,2,3]", "400", "ranking"},                // not groups
                new String[] {"[[0],[],[1,2,3]]", "400", "ranking"},         // an empty group
                new String[] {"[[0.5],[1],[2],[3]]", "400", "ranking"},      // not whole
                new String[] {"\"0 1 2 3\"", "400", "ranking"},              // not an array
                new String[] {"[[-1],[1],[2],[3]]", "400", "ranking"});
        for (String[] c : cases) {
            Reply r = rank(token, task, c[0], "key-" + c[0].hashCode());
            assertEquals(Integer.parseInt(c[1]), r.status(), c[0] + " -> " + r.body());
            assertTrue(r.error().contains(c[2]), c[0] + " -> " + r.error());
            assertFalse(r.body().contains("Exception") || r.body().contains("\tat "), "no stack trace: " + r.body());
        }
        Reply unknown = rank(token, "r1-t9999", "[[0],[1],[2],[3]]", "key-u");
        assertEquals(404, unknown.status());
        Reply noKey = send(post("api/rankings", "{\"task\":\"" + task + "\",\"ranking\":[[0],[1],[2],[3]]}")
                .header(WorkshopServer.TOKEN_HEADER, token));
        assertEquals(400, noKey.status());
        assertTrue(noKey.error().startsWith("key"), noKey.error());
        Reply badKey = rank(token, task, "[[0],[1],[2],[3]]", "a key with spaces");
        assertEquals(400, badKey.status());
        Reply noTask = send(post("api/rankings", "{\"ranking\":[[0],[1],[2],[3]],\"key\":\"x\"}").header(WorkshopServer.TOKEN_HEADER, token));
        assertEquals(400, noTask.status());
        Reply notJson = send(post("api/rankings", "{\"task\": ").header(WorkshopServer.TOKEN_HEADER, token));
        assertEquals(400, notJson.status());
        assertEquals("the body is not valid JSON", notJson.error());
        Reply array = send(post("api/rankings", "[1,2]").header(WorkshopServer.TOKEN_HEADER, token));
        assertEquals(400, array.status());
        Reply form = send(HttpRequest.newBuilder(URI.create(server.url() + "api/rankings"))
                .header("Content-Type", "application/x-www-form-urlencoded").header(WorkshopServer.TOKEN_HEADER, token)
                .POST(HttpRequest.BodyPublishers.ofString("task=" + task + "&ranking=0123&key=x")));
        assertEquals(415, form.status());
        Reply big = send(post("api/rankings", "{\"task\":\"" + task + "\",\"pad\":\"" + "x".repeat(70_000) + "\"}")
                .header(WorkshopServer.TOKEN_HEADER, token));
        assertEquals(413, big.status());
        Reply anonymous = send(post("api/rankings", "{\"task\":\"" + task + "\",\"ranking\":[[0],[1],[2],[3]],\"key\":\"x\"}"));
        assertEquals(401, anonymous.status());
        Reply forged = send(post("api/rankings", "{\"task\":\"" + task + "\",\"ranking\":[[0],[1],[2],[3]],\"key\":\"x\"}")
                .header(WorkshopServer.TOKEN_HEADER, "not-a-token"));
        assertEquals(401, forged.status());
        assertEquals(0, server.store().countRankings(null), "nothing was stored");
    }

    @ParameterizedTest
    @ValueSource(strings = {TestDatabases.SQLITE, TestDatabases.POSTGRESQL})
    void joiningChecksTheCodeAndTheName(String kind) throws Exception {
        start(kind, b -> b.maxRaters(3));
        assertEquals(403, send(post("api/join", "{\"name\":\"Ada\",\"code\":\"DEMO-wrong\"}")).status());
        assertEquals(400, send(post("api/join", "{\"name\":\"Ada\"}")).status());
        assertEquals(400, send(post("api/join", "{\"name\":\"   \",\"code\":\"demo\"}")).status());
        assertEquals(400, send(post("api/join", "{\"name\":\"" + "a".repeat(41) + "\",\"code\":\"demo\"}")).status());
        assertEquals(400, send(post("api/join", "{\"name\":\"a\\u0000b\",\"code\":\"demo\"}")).status());
        assertEquals(400, send(post("api/join", "{\"name\":42,\"code\":\"demo\"}")).status());
        join("Ada");
        Reply taken = send(post("api/join", "{\"name\":\"ADA\",\"code\":\"demo\"}"));
        assertEquals(409, taken.status());
        join("Bob");
        join("<script>alert(1)</script>");
        Reply full = send(post("api/join", "{\"name\":\"Dan\",\"code\":\"demo\"}"));
        assertEquals(403, full.status());
        assertTrue(full.error().contains("full"));
        assertEquals(3, server.store().load(server.workshopId()).raters().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {TestDatabases.SQLITE, TestDatabases.POSTGRESQL})
    void crossSitePostsAreRefused(String kind) throws Exception {
        start(kind, b -> {});
        String token = join("Ada");
        String task = task(token).get("task").getAsString();
        String body = "{\"task\":\"" + task + "\",\"ranking\":[[0],[1],[2],[3]],\"key\":\"x\"}";
        Reply evil = send(post("api/rankings", body).header(WorkshopServer.TOKEN_HEADER, token).header("Origin", "http://evil.example"));
        assertEquals(403, evil.status());
        Reply site = send(post("api/rankings", body).header(WorkshopServer.TOKEN_HEADER, token).header("Sec-Fetch-Site", "cross-site"));
        assertEquals(403, site.status());
        Reply joinEvil = send(post("api/join", "{\"name\":\"Eve\",\"code\":\"demo\"}").header("Origin", "http://evil.example"));
        assertEquals(403, joinEvil.status());
        assertEquals(0, server.store().countRankings(null));
        // The page's own origin passes.
        String origin = server.url().substring(0, server.url().length() - 1);
        Reply own = send(post("api/rankings", body).header(WorkshopServer.TOKEN_HEADER, token).header("Origin", origin)
                .header("Sec-Fetch-Site", "same-origin"));
        assertEquals(201, own.status(), own.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {TestDatabases.SQLITE, TestDatabases.POSTGRESQL})
    void adminRoutesNeedTheTokenWhichNeverShowsUp(String kind) throws Exception {
        start(kind, b -> {});
        for (String path : List.of("api/admin/export", "api/admin/raters")) {
            Reply none = send(get(path));
            assertEquals(401, none.status(), path);
            assertTrue(none.raw().headers().firstValue("WWW-Authenticate").isPresent());
            assertEquals(403, send(get(path).header("Authorization", "Bearer " + ADMIN + "x")).status(), path);
            assertEquals(403, send(get(path).header("Authorization", "Bearer " + ADMIN.substring(1))).status(), path);
            assertEquals(200, send(get(path).header("Authorization", "Bearer " + ADMIN)).status(), path);
        }
        assertEquals(401, send(post("api/admin/rounds", "{}")).status());
        assertEquals(403, send(post("api/admin/rounds", "{}").header("Authorization", "Bearer nope-nope")).status());
        assertEquals(1, server.round());
        for (String path : List.of("", "leaderboard", "api/leaderboard", "api/info", "api/health")) {
            assertFalse(send(get(path)).body().contains(ADMIN), path + " shows the admin token");
        }
        // A rater's token is not an admin token.
        String token = join("Ada");
        assertEquals(403, send(get("api/admin/raters").header("Authorization", "Bearer " + token)).status());
        JsonArray raters = JsonParser.parseString(send(get("api/admin/raters").header("Authorization", "Bearer " + ADMIN)).body())
                .getAsJsonArray();
        assertEquals("Ada", raters.get(0).getAsJsonObject().get("name").getAsString());
        assertFalse(raters.toString().contains(token), "the raters list does not show tokens");
    }

    @ParameterizedTest
    @ValueSource(strings = {TestDatabases.SQLITE, TestDatabases.POSTGRESQL})
    void roundsCloseAndOpenAndAClosedRoundTakesNoRankings(String kind) throws Exception {
        start(kind, b -> {});
        String token = join("Ada");
        String task = task(token).get("task").getAsString();
        assertEquals(201, rank(token, task, "[[0],[1],[2],[3]]", "a").status());
        String task2 = task(token).get("task").getAsString();
        Reply closed = send(post("api/admin/rounds/close", "{}").header("Authorization", "Bearer " + ADMIN));
        assertEquals(200, closed.status());
        assertFalse(closed.json().get("open").getAsBoolean());
        assertEquals(204, send(get("api/task").header(WorkshopServer.TOKEN_HEADER, token)).status());
        Reply late = rank(token, task2, "[[0],[1],[2],[3]]", "b");
        assertEquals(409, late.status());
        assertTrue(late.error().contains("closed"), late.error());
        assertEquals(200, rank(token, task, "[[0],[1],[2],[3]]", "a").status(), "a retry of an acknowledged ranking still answers 200");
        Reply opened = send(post("api/admin/rounds", "{}").header("Authorization", "Bearer " + ADMIN));
        assertEquals(201, opened.status());
        assertEquals(2, opened.json().get("round").getAsInt());
        JsonObject t = task(token);
        assertEquals(2, t.get("round").getAsInt());
        assertTrue(t.get("task").getAsString().startsWith("r2-"));
        assertEquals(409, rank(token, task2, "[[0],[1],[2],[3]]", "c").status(), "round 1's tasks stay closed");
        assertEquals(1, server.store().countRankings(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {TestDatabases.SQLITE})
    void aFloodingRaterIsSlowedDownWith429(String kind) throws Exception {
        start(kind, b -> b.ratePerMinute(60).burst(5));
        String token = join("Ada");
        int ok = 0;
        Reply limited = null;
        for (int i = 0; i < 8 && limited == null; i++) {
            Reply r = send(get("api/task").header(WorkshopServer.TOKEN_HEADER, token));
            if (r.status() == 429) {
                limited = r;
            } else {
                ok++;
            }
        }
        assertEquals(5, ok, "the burst passes");
        assertTrue(limited != null, "then 429");
        assertEquals("1", limited.raw().headers().firstValue("Retry-After").orElseThrow());
        // Another rater is not slowed by the first.
        assertEquals(200, send(get("api/task").header(WorkshopServer.TOKEN_HEADER, join("Bob"))).status());
    }

    @ParameterizedTest
    @ValueSource(strings = {TestDatabases.SQLITE})
    void namesAndCompletionsAreEscapedInEveryJsonAnswer(String kind) throws Exception {
        start(kind, b -> {});
        String token = join("<script>alert(1)</script>");
        JsonObject t = null;
        // Find the task with the canned completion that holds markup.
        for (int i = 0; i < 6; i++) {
            JsonObject next = task(token);
            if (next.toString().contains("bold")) {
                t = next;
            }
            assertEquals(201, rank(token, next.get("task").getAsString(), "[[0],[1],[2],[3]]", "k" + i).status());
        }
        assertTrue(t != null);
        String raw = send(get("api/leaderboard")).body();
        assertFalse(raw.contains("<script>"), raw);
        assertTrue(raw.contains("\\u003cscript\\u003e"), "the name is in the board, escaped: " + raw);
        JsonObject board = JsonParser.parseString(raw).getAsJsonObject();
        assertEquals("<script>alert(1)</script>", board.getAsJsonArray("top").get(0).getAsJsonObject().get("name").getAsString());
        assertEquals(6, board.get("rankings").getAsInt());
        assertEquals(4, board.getAsJsonArray("elo").size(), "the four sources are rated");
        for (String h : List.of("Content-Security-Policy", "X-Content-Type-Options")) {
            assertTrue(send(get("api/leaderboard")).raw().headers().firstValue(h).isPresent(), h);
        }
        Reply task = send(get("api/task").header(WorkshopServer.TOKEN_HEADER, token));
        assertEquals(204, task.status());
    }
}
