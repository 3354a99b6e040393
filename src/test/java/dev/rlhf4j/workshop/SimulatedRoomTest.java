package dev.rlhf4j.workshop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.rlhf4j.feedback.Ranking;
import dev.rlhf4j.feedback.RankingTask;
import dev.rlhf4j.feedback.SimulatedRater;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewPreference;
import dev.rlhf4j.world.ReviewWorld;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SimulatedRoom} against a stub of the workshop API (the JDK's HTTP server, loopback) that
 * misbehaves as a loaded or crashing server does: the first post of some keys gets 503, one gets
 * 429 with {@code Retry-After: 1}, and some are stored and then the connection is cut before the
 * answer. The room must send the SAME key again each time, so every ranking is stored once and
 * every acknowledged id is a stored one.
 */
@Timeout(60)
class SimulatedRoomTest {

    static final List<Integer> SHOWN = List.of(2, 0, 3, 1); // the order the stub shows completion ids in

    HttpServer server;
    final AtomicInteger tasks = new AtomicInteger();
    final AtomicInteger joins = new AtomicInteger();
    final AtomicInteger stored = new AtomicInteger();
    final Map<String, String> cookieOfRater = new ConcurrentHashMap<>();
    final Map<String, JsonObject> taskById = new ConcurrentHashMap<>();
    final Map<String, List<Long>> attemptsByKey = new ConcurrentHashMap<>(); // key → arrival times (ms)
    final Map<String, String> storedIdByKey = new ConcurrentHashMap<>();
    final Map<String, String> keyOfTask = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> attemptsByTask = new ConcurrentHashMap<>(); // the stub fails a task's first post
    final List<String> badRankings = java.util.Collections.synchronizedList(new ArrayList<>());
    final List<Prompt> prompts = new ReviewWorld(ReviewWorld.DEFAULT_SEED).prompts();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/api/join", this::join);
        server.createContext("/api/task", this::task);
        server.createContext("/api/rankings", this::rankings);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/?code=demo");
    }

    @Test
    void retriesWithTheSameKeyAndAcknowledgesEachRankingOnce(@TempDir Path dir) throws IOException {
        Path acks = dir.resolve("acks.txt");
        SimulatedRoom.Settings s = SimulatedRoom.Settings.defaults(url()).toBuilder()
                .raters(3).rankings(30).concurrency(3).seed(5).acks(acks).build();
        SimulatedRoom.Result r = new SimulatedRoom(s).run();

        assertTrue(r.complete(), r.report());
        assertEquals(30, r.acked().size(), r.report());
        assertEquals(30, new HashSet<>(r.acked()).size(), "an id acknowledged twice: " + r.acked());
        assertEquals(new HashSet<>(storedIdByKey.values()), new HashSet<>(r.acked()), "acknowledged ≠ stored");
        assertEquals(30, storedIdByKey.size(), "stored rankings (one per key)");
        assertEquals(r.acked(), Files.readAllLines(acks), "the --acks file, in the order acknowledged");
        assertTrue(badRankings.isEmpty(), "rankings that are not an ordering of the shown ids: " + badRankings);
        assertEquals(3, joins.get(), "each person joins once and keeps the cookie");
        // every key whose first post failed came back (the same key) and got its ranking stored once
        int retried = 0;
        for (Map.Entry<String, List<Long>> e : attemptsByKey.entrySet()) {
            if (e.getValue().size() > 1) {
                retried++;
            }
            assertTrue(e.getValue().size() <= 2, "key " + e.getKey() + " posted " + e.getValue().size() + " times");
        }
        assertTrue(retried >= 10, "the stub fails the first post of most keys; retried keys: " + retried);
        assertTrue(r.errors().keySet().stream().anyMatch(k -> k.contains("http 503 (retried)")), r.report());
        assertTrue(r.errors().keySet().stream().anyMatch(k -> k.contains("http 429 (retried)")), r.report());
        assertTrue(r.errors().keySet().stream().anyMatch(k -> k.contains("connection")), r.report());
        // Retry-After: 1 is honoured
        List<Long> first = attemptsByKey.get(keyOfTask.get("t0001"));
        assertTrue(first.get(1) - first.get(0) >= 1000, "429 Retry-After: 1 but retried after "
                + (first.get(1) - first.get(0)) + " ms");
        assertTrue(r.p99Millis() >= r.p50Millis() && r.p50Millis() > 0, r.report());
    }

    @Test
    void aPacedRoomBeginsTheNthRankingNoEarlierThanNOverTheRate() {
        SimulatedRoom.Settings s = SimulatedRoom.Settings.defaults(url()).toBuilder()
                .raters(4).rankings(40).concurrency(4).seed(8).rate(10).build();
        SimulatedRoom.Result r = new SimulatedRoom(s).run();
        assertTrue(r.complete(), r.report());
        // the 40th ranking begins at 39/10 s; unpaced, 4 people finish 40 on this stub in about 2 s
        assertTrue(r.seconds() >= 39 / 10.0, "40 rankings at 10/s took " + r.seconds() + " s");
        assertTrue(r.seconds() < 15, "pacing should not slow the room beyond its rate: " + r.seconds() + " s");
    }

    @Test
    void ranksWithTheTasteMappedToTheServersIds() {
        // near-noiseless tastes: each answer must be the taste's ranking, with positions turned into shown ids
        SimulatedRoom.Settings s = SimulatedRoom.Settings.defaults(url()).toBuilder()
                .raters(1).rankings(12).concurrency(1).seed(3).temperature(1e-9).build();
        received.clear();
        SimulatedRoom.Result r = new SimulatedRoom(s).run();
        assertTrue(r.complete(), r.report());
        assertEquals(12, received.size());
        int ordered = 0;
        for (JsonObject post : received.values()) {
            JsonObject task = taskById.get(post.get("task").getAsString());
            Prompt p = prompts.get(task.get("n").getAsInt());
            List<String> texts = new ArrayList<>();
            for (JsonElement c : task.getAsJsonArray("completions")) {
                texts.add(c.getAsJsonObject().get("text").getAsString());
            }
            Ranking expected = Ranking.fromScores(SimulatedRater.utilities(ReviewPreference.defaults(),
                    new RankingTask("t", p, texts, "")), SimulatedRater.DEFAULT_TIE_MARGIN);
            List<List<Integer>> expectedIds = expected.groups().stream()
                    .map(g -> g.stream().map(SHOWN::get).sorted().toList()).toList();
            List<List<Integer>> got = new ArrayList<>();
            for (JsonElement g : post.getAsJsonArray("ranking")) {
                List<Integer> group = new ArrayList<>();
                g.getAsJsonArray().forEach(x -> group.add(x.getAsInt()));
                got.add(group.stream().sorted().toList());
            }
            assertEquals(expectedIds, got, "task " + task);
            ordered += expected.hasTies() ? 0 : 1;
        }
        assertTrue(ordered > 0, "some tasks must have a strict order");
    }

    // ---- the stub ----

    final Map<String, JsonObject> received = new ConcurrentHashMap<>();

    void join(HttpExchange ex) throws IOException {
        JsonObject body = JsonParser.parseString(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
                .getAsJsonObject();
        if (!body.has("simulated") || !body.get("simulated").getAsBoolean()) {
            send(ex, 400, "{\"error\":\"a simulated person must say so\"}");
            return;
        }
        if (!"demo".equals(body.get("code").getAsString())) {
            send(ex, 403, "{\"error\":\"wrong code\"}");
            return;
        }
        String rater = "r-" + joins.incrementAndGet();
        String token = "tok" + rater;
        cookieOfRater.put(WorkshopClient.COOKIE + "=" + token, rater);
        ex.getResponseHeaders().add("Set-Cookie", WorkshopClient.COOKIE + "=" + token + "; Path=/; HttpOnly; SameSite=Strict");
        send(ex, 201, "{\"rater\":\"" + rater + "\",\"name\":\"x\",\"token\":\"" + token + "\"}");
    }

    void task(HttpExchange ex) throws IOException {
        if (!cookieOfRater.containsKey(String.valueOf(ex.getRequestHeaders().getFirst("Cookie")))) {
            send(ex, 401, "{\"error\":\"join first\"}");
            return;
        }
        int n = tasks.incrementAndGet();
        String id = String.format("t%04d", n);
        Prompt p = prompts.get((n * 7) % prompts.size());
        JsonObject t = new JsonObject();
        t.addProperty("task", id);
        t.addProperty("round", 1);
        t.addProperty("promptId", p.id());
        t.addProperty("prompt", p.text());
        t.addProperty("n", (n * 7) % prompts.size());
        List<String> texts = List.of("was great and the staff were kind .", "was cold and bland", "was okay",
                "was amazing , the best pasta in town , we will come back .");
        JsonArray cs = new JsonArray();
        for (int id2 : SHOWN) {
            JsonObject c = new JsonObject();
            c.addProperty("id", id2);
            c.addProperty("text", texts.get((id2 + n) % 4));
            cs.add(c);
        }
        t.add("completions", cs);
        taskById.put(id, t);
        send(ex, 200, t.toString());
    }

    void rankings(HttpExchange ex) throws IOException {
        if (!"application/json".equals(ex.getRequestHeaders().getFirst("Content-Type"))
                || !cookieOfRater.containsKey(String.valueOf(ex.getRequestHeaders().getFirst("Cookie")))) {
            send(ex, 415, "{\"error\":\"json and a cookie\"}");
            return;
        }
        JsonObject body = JsonParser.parseString(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
                .getAsJsonObject();
        String key = body.get("key").getAsString();
        String task = body.get("task").getAsString();
        List<Long> attempts = attemptsByKey.computeIfAbsent(key, k -> java.util.Collections.synchronizedList(new ArrayList<>()));
        attempts.add(System.currentTimeMillis());
        keyOfTask.putIfAbsent(task, key);
        int n = Integer.parseInt(task.substring(1));
        int tries = attemptsByTask.computeIfAbsent(task, t -> new AtomicInteger()).incrementAndGet();
        if (tries == 1 && n == 1) {
            ex.getResponseHeaders().add("Retry-After", "1");
            send(ex, 429, "{\"error\":\"too many\"}");
            return;
        }
        if (tries == 1 && n % 3 == 0) {
            send(ex, 503, "{\"error\":\"database down\"}");
            return;
        }
        List<Integer> all = new ArrayList<>();
        body.getAsJsonArray("ranking").forEach(g -> g.getAsJsonArray().forEach(x -> all.add(x.getAsInt())));
        if (!new HashSet<>(all).equals(new HashSet<>(SHOWN)) || all.size() != SHOWN.size()) {
            badRankings.add(task + ": " + all);
        }
        boolean first = !storedIdByKey.containsKey(key);
        String id = storedIdByKey.computeIfAbsent(key, k -> "s-" + stored.incrementAndGet());
        received.putIfAbsent(key, body);
        if (tries == 1 && n % 3 == 1) {
            throw new IOException("stub: stored, then the connection is cut before the answer");
        }
        send(ex, first ? 201 : 200, "{\"id\":\"" + id + "\",\"task\":\"" + task + "\",\"ranked\":1}");
    }

    static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }
}
