package dev.rlhf4j.workshop;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A scripted client of the workshop's JSON API over {@link HttpClient}, doing what the ranking page
 * does: join with a name and the code, keep the {@code rlhf4j_rater} cookie, fetch a task, post a
 * ranking with an idempotency key. One client (one connection pool) serves many raters: each call
 * takes the rater's cookie, as each browser sends its own.
 *
 * <p>Connection failures surface as {@link IOException}; every HTTP answer, 4xx and 5xx included,
 * is a {@link Reply}, so the caller decides what to retry.
 */
public final class WorkshopClient {

    /** The rater cookie's name, as {@code POST /api/join} sets it. */
    public static final String COOKIE = "rlhf4j_rater";

    private static final Gson GSON = new Gson();

    private final HttpClient http;
    private final URI base;
    private final Duration timeout;

    /**
     * A client of the server at {@code base} ({@code http://127.0.0.1:PORT/}; a query such as
     * {@code ?code=demo} is ignored).
     *
     * @param base the server's URL
     * @param http the HTTP client (see {@link #httpClient(Duration)}), shared by every rater
     * @param timeout how long one request may take before it fails with an {@link IOException}
     */
    public WorkshopClient(URI base, HttpClient http, Duration timeout) {
        if (base.getScheme() == null || base.getHost() == null) {
            throw new IllegalArgumentException("workshop URL: expected http://host:port/, found " + base);
        }
        this.base = URI.create(base.getScheme() + "://" + base.getRawAuthority() + "/");
        this.http = http;
        this.timeout = timeout;
    }

    /** An HTTP/1.1 client (as a browser talks to a plain-HTTP server), no redirects. */
    public static HttpClient httpClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .build();
    }

    /** The server's base URL, {@code http://host:port/}. */
    public URI base() {
        return base;
    }

    /**
     * One HTTP answer.
     *
     * @param status the HTTP status
     * @param body the body as text ("" when none)
     * @param retryAfter the {@code Retry-After} header, when present
     * @param setCookie the {@code Set-Cookie} headers
     * @param nanos the time from sending the request to reading the whole answer
     */
    public record Reply(int status, String body, Optional<String> retryAfter, List<String> setCookie, long nanos) {

        /** Whether the status is 2xx. */
        public boolean ok() {
            return status / 100 == 2;
        }

        /** The body as a JSON object; throws naming the status and body when it is not one. */
        public JsonObject json() {
            try {
                JsonElement e = JsonParser.parseString(body);
                if (e.isJsonObject()) {
                    return e.getAsJsonObject();
                }
            } catch (JsonParseException e) {
                // reported below
            }
            throw new IllegalStateException("expected a JSON object in the " + status + " answer, found: " + clip(body));
        }

        /** The {@code error} field of a JSON error body, else the body clipped to one line. */
        public String error() {
            try {
                JsonElement e = JsonParser.parseString(body);
                if (e.isJsonObject() && e.getAsJsonObject().has("error")) {
                    return e.getAsJsonObject().get("error").getAsString();
                }
            } catch (RuntimeException e) {
                // not JSON: fall back to the text
            }
            return clip(body);
        }

        /** {@code Retry-After} in seconds, or -1 when absent or not a number of seconds. */
        public long retryAfterSeconds() {
            try {
                return retryAfter.map(String::trim).map(Long::parseLong).orElse(-1L);
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        /** The {@code name=value} of the rater cookie set by this answer, if any. */
        public Optional<String> raterCookie() {
            for (String c : setCookie) {
                String pair = c.split(";", 2)[0].trim();
                if (pair.startsWith(COOKIE + "=")) {
                    return Optional.of(pair);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * A task as {@code GET /api/task} returns it.
     *
     * @param id the task id
     * @param round the round
     * @param promptId the prompt's id in the bundled prompts
     * @param prompt the prompt text
     * @param ids the completion ids, in the order shown
     * @param texts the completion texts, in the same order
     */
    public record Task(String id, int round, String promptId, String prompt, List<Integer> ids, List<String> texts) {

        /** Copies the lists. */
        public Task {
            ids = List.copyOf(ids);
            texts = List.copyOf(texts);
        }

        /** Reads the answer of {@code GET /api/task}; throws naming the missing field. */
        public static Task of(JsonObject o) {
            try {
                List<Integer> ids = new ArrayList<>();
                List<String> texts = new ArrayList<>();
                for (JsonElement c : o.getAsJsonArray("completions")) {
                    ids.add(c.getAsJsonObject().get("id").getAsInt());
                    texts.add(c.getAsJsonObject().get("text").getAsString());
                }
                return new Task(o.get("task").getAsString(), o.has("round") ? o.get("round").getAsInt() : 0,
                        o.get("promptId").getAsString(), o.get("prompt").getAsString(), ids, texts);
            } catch (RuntimeException e) {
                throw new IllegalStateException("GET /api/task: expected task, promptId, prompt and completions "
                        + "[{id, text}], found " + clip(o.toString()), e);
            }
        }
    }

    /**
     * {@code POST /api/join}: 201 with {@code {rater, name, token}} and the cookie. A {@code simulated}
     * rater says so ({@code "simulated": true}), so its rankings are logged with source
     * {@code simulated}, not {@code human}.
     */
    public Reply join(String name, String code, boolean simulated) throws IOException, InterruptedException {
        JsonObject body = new JsonObject();
        body.addProperty("name", name);
        body.addProperty("code", code);
        if (simulated) {
            body.addProperty("simulated", true);
        }
        return send("POST", "api/join", null, body);
    }

    /** {@code GET /api/task} for the rater of {@code cookie}: 200 with a task, 204 when there is none now. */
    public Reply task(String cookie) throws IOException, InterruptedException {
        return send("GET", "api/task", cookie, null);
    }

    /**
     * {@code POST /api/rankings}: the ranking as groups of completion ids, best first (a group of
     * several is a tie), under the client-made idempotency {@code key}. 201 the first time, 200
     * with the same id for a repeat of the key.
     */
    public Reply rank(String cookie, String task, List<List<Integer>> groups, String key)
            throws IOException, InterruptedException {
        JsonObject body = new JsonObject();
        body.addProperty("task", task);
        JsonArray ranking = new JsonArray();
        for (List<Integer> g : groups) {
            JsonArray group = new JsonArray();
            g.forEach(group::add);
            ranking.add(group);
        }
        body.add("ranking", ranking);
        body.addProperty("key", key);
        return send("POST", "api/rankings", cookie, body);
    }

    /** {@code GET /api/health}. */
    public Reply health() throws IOException, InterruptedException {
        return send("GET", "api/health", null, null);
    }

    /** {@code GET /api/admin/export}: the feedback JSONL; throws naming the status when it is not 200. */
    public String export(String adminToken) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("api/admin/export")).timeout(timeout)
                .header("Authorization", "Bearer " + adminToken).GET().build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET /api/admin/export: expected 200, found " + r.statusCode() + " " + clip(r.body()));
        }
        return r.body();
    }

    /** Sends one request as the page does: JSON body with {@code Content-Type: application/json}, the rater's cookie. */
    Reply send(String method, String path, String cookie, JsonObject body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).header("Accept", "application/json");
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        if (body != null) {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(GSON.toJson(body), StandardCharsets.UTF_8));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        long start = System.nanoTime();
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        long nanos = System.nanoTime() - start;
        return new Reply(r.statusCode(), r.body() == null ? "" : r.body(), r.headers().firstValue("Retry-After"),
                r.headers().allValues("Set-Cookie"), nanos);
    }

    private static String clip(String s) {
        String one = s == null ? "" : s.replaceAll("\\s+", " ").trim();
        return one.length() > 200 ? one.substring(0, 200) + "…" : one;
    }
}
