package dev.rlhf4j.workshop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rlhf4j.feedback.Ranking;
import dev.rlhf4j.feedback.Rater;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The projector's numbers against what can be worked out by hand from a small room. */
class RoomBoardTest {

    @TempDir
    Path dir;

    @Test
    void theBoardCountsMatchesRatesTheSourcesAndMeasuresAgreement() throws Exception {
        WorkshopServer.Settings s = WorkshopServer.Settings.defaults().toBuilder().port(0).db(dir.resolve("w.db").toString())
                .code("demo").adminToken("admin-secret-1").tasks(5).k(4).build();
        try (WorkshopServer server = WorkshopServer.start(s, WorkshopFixtures.cannedTasks())) {
            HttpClient http = HttpClient.newHttpClient();
            JsonObject empty = board(http, server);
            assertEquals(0, empty.getAsJsonArray("elo").size());
            assertTrue(empty.getAsJsonObject("agreement").get("people").isJsonNull(), "no agreement without data");

            // Ada and Bob rank every task by source, s0 best; Cy ranks every task the other way round.
            // The canned tasks put source sJ at completion J.
            Room room = server.room();
            Room.Person ada = room.join("Ada", Rater.Source.HUMAN).person();
            Room.Person bob = room.join("Bob", Rater.Source.HUMAN).person();
            Room.Person cy = room.join("Cy", Rater.Source.HUMAN).person();
            for (WorkshopTask t : room.currentTasks()) {
                assertEquals(201, room.submit(ada, t.id(), Ranking.of(0, 1, 2, 3), "a-" + t.id()).status());
                assertEquals(201, room.submit(bob, t.id(), Ranking.of(0, 1, 2, 3), "b-" + t.id()).status());
                assertEquals(201, room.submit(cy, t.id(), Ranking.of(3, 2, 1, 0), "c-" + t.id()).status());
            }
            JsonObject b = board(http, server);
            assertEquals(3, b.get("raters").getAsInt());
            assertEquals(15, b.get("rankings").getAsInt());
            assertEquals(15.0, b.get("perMinute").getAsDouble(), "all 15 came in the last minute");

            // 15 rankings x C(4,2) = 90 matches; each source plays 3 per ranking, 45 in all.
            for (String table : List.of("elo", "bt")) {
                JsonArray rows = b.getAsJsonArray(table);
                assertEquals(List.of("s0", "s1", "s2", "s3"), rows.asList().stream()
                        .map(r -> r.getAsJsonObject().get("source").getAsString()).toList(), table + ": 2 of 3 people put s0 first");
                for (JsonElement e : rows) {
                    JsonObject r = e.getAsJsonObject();
                    assertEquals(45, r.get("matches").getAsInt());
                    double rating = r.get("rating").getAsDouble();
                    assertTrue(r.get("lower").getAsDouble() <= rating && rating <= r.get("upper").getAsDouble(),
                            table + ": the rating lies in its interval: " + r);
                }
                JsonObject top = rows.get(0).getAsJsonObject();
                assertEquals(30, top.get("wins").getAsInt(), "s0 beats all three in 10 of 15 rankings");
                assertEquals(15, top.get("losses").getAsInt());
            }
            // People: Ada-Bob agree on every pair, Ada-Cy and Bob-Cy on none; 5 tasks each.
            JsonObject agreement = b.getAsJsonObject("agreement");
            assertEquals(1.0 / 3, agreement.get("people").getAsDouble(), 1e-12);
            assertEquals(15, agreement.get("peoplePairs").getAsInt());
            assertEquals(15, agreement.get("simulatedRankings").getAsInt());
            double simulated = agreement.get("simulated").getAsDouble();
            assertTrue(simulated >= 0 && simulated <= 1);
            assertEquals("Ada", b.getAsJsonArray("top").get(0).getAsJsonObject().get("name").getAsString());

            // Each person's taste. With the room: Ada agrees with Bob on all 5 tasks and with Cy on none.
            assertEquals(Map.of("Ada", 0.5, "Bob", 0.5, "Cy", 0.0), column(b, "room"));
            assertTrue(b.getAsJsonArray("top").asList().stream().allMatch(t -> t.getAsJsonObject().get("model").isJsonNull()),
                    "no reward model yet");
            assertEquals(false, b.get("rewardModel").getAsBoolean());
            // A reward model that, like Ada and Bob, puts the first completion first.
            server.judgeWith((prompt, completions) -> IntStream.range(0, completions.size())
                    .mapToDouble(i -> completions.size() - i).toArray());
            JsonObject judged = board(http, server);
            assertEquals(true, judged.get("rewardModel").getAsBoolean());
            assertEquals(Map.of("Ada", 1.0, "Bob", 1.0, "Cy", 0.0), column(judged, "model"));
            Map<String, Double> bySimulated = column(judged, "simulated");
            assertEquals(bySimulated.get("Ada"), bySimulated.get("Bob"), "the same rankings, the same agreement");
            assertEquals(1.0, bySimulated.get("Ada") + bySimulated.get("Cy"), 1e-12, "Cy orders every pair the other way round");
        }
    }

    /** One number of every rater on the board's list. */
    private static Map<String, Double> column(JsonObject board, String key) {
        Map<String, Double> out = new TreeMap<>();
        for (JsonElement e : board.getAsJsonArray("top")) {
            out.put(e.getAsJsonObject().get("name").getAsString(), e.getAsJsonObject().get(key).getAsDouble());
        }
        return out;
    }

    private static JsonObject board(HttpClient http, WorkshopServer server) throws Exception {
        // The board is worked out again at most once a second.
        Thread.sleep(1100);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "api/leaderboard")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }
}
