package dev.rlhf4j.workshop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL goes away under a running room (the server reaches it through a {@link TcpProxy} that
 * cuts every connection and refuses new ones, as a stopped server does): health says 503, a ranking
 * gets 503 with a reason and is not stored, and the same ranking sent again once the database is
 * back is stored once.
 */
class DatabaseDownTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    HttpResponse<String> send(HttpRequest.Builder r) throws Exception {
        return http.send(r.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void postgresqlGoneMeans503AndNothingHalfWrittenThenTheRetryIsStoredOnce() throws Exception {
        try (TestDatabases.Db db = TestDatabases.fresh(TestDatabases.POSTGRESQL, dir)) {
            Matcher m = Pattern.compile("jdbc:postgresql://([^:/]+)(?::(\\d+))?/(.*)").matcher(db.url());
            assertTrue(m.matches(), db.url());
            try (TcpProxy proxy = new TcpProxy(m.group(1), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)))) {
                String viaProxy = "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + m.group(3);
                WorkshopServer.Settings s = WorkshopServer.Settings.defaults().toBuilder().port(0).db(viaProxy).dbUser(db.user())
                        .dbPassword(db.password()).code("demo").adminToken("admin-secret-1").tasks(4).build();
                try (WorkshopServer server = WorkshopServer.start(s, WorkshopFixtures.cannedTasks())) {
                    String base = server.url();
                    HttpResponse<String> joined = send(HttpRequest.newBuilder(URI.create(base + "api/join"))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Ada\",\"code\":\"demo\"}")));
                    String token = JsonParser.parseString(joined.body()).getAsJsonObject().get("token").getAsString();
                    String task = JsonParser.parseString(send(HttpRequest.newBuilder(URI.create(base + "api/task"))
                            .header(WorkshopServer.TOKEN_HEADER, token)).body()).getAsJsonObject().get("task").getAsString();
                    HttpRequest.Builder ranking = HttpRequest.newBuilder(URI.create(base + "api/rankings"))
                            .header("Content-Type", "application/json").header(WorkshopServer.TOKEN_HEADER, token)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"task\":\"" + task + "\",\"ranking\":[[2],[0,1],[3]],\"key\":\"phone-1\"}"));

                    proxy.down();
                    HttpResponse<String> health = send(HttpRequest.newBuilder(URI.create(base + "api/health")));
                    assertEquals(503, health.statusCode(), health.body());
                    HttpResponse<String> refused = send(ranking);
                    assertEquals(503, refused.statusCode(), refused.body());
                    assertTrue(refused.headers().firstValue("Retry-After").isPresent());
                    String reason = JsonParser.parseString(refused.body()).getAsJsonObject().get("error").getAsString();
                    assertTrue(reason.contains("database"), reason);
                    assertFalse(refused.body().contains("Exception"), refused.body());
                    HttpResponse<String> join = send(HttpRequest.newBuilder(URI.create(base + "api/join"))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Bob\",\"code\":\"demo\"}")));
                    assertEquals(503, join.statusCode(), join.body());
                    // Straight to the database, not through the proxy: nothing was written.
                    try (FeedbackStore direct = db.open()) {
                        assertEquals(0, direct.countRankings(null));
                        assertEquals(1, direct.load(server.workshopId()).raters().size());
                    }

                    proxy.up();
                    HttpResponse<String> stored = null;
                    for (int attempt = 0; attempt < 20; attempt++) { // as the page does: the same key until it is acknowledged
                        stored = send(ranking);
                        if (stored.statusCode() != 503) {
                            break;
                        }
                        Thread.sleep(250);
                    }
                    assertEquals(201, stored.statusCode(), stored.body());
                    assertEquals(200, send(ranking).statusCode());
                    assertEquals(200, send(HttpRequest.newBuilder(URI.create(base + "api/health"))).statusCode());
                    try (FeedbackStore direct = db.open()) {
                        assertEquals(1, direct.countRankings(null));
                        assertEquals("3 1=2 4", direct.export(null).get(0).ranking().format());
                    }
                }
            }
        }
    }
}
