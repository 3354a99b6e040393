package dev.rlhf4j.workshop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The load test, on both backends, loopback only: 200 simulated people on 200 concurrent
 * connections post 4,000 rankings to an in-process server; every acknowledged id is in the export
 * exactly once, and the export holds nothing else (a fresh database per run).
 */
class WorkshopLoadTest {

    static final String ADMIN = "admin-secret-for-load";

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {TestDatabases.SQLITE, TestDatabases.POSTGRESQL})
    @Timeout(360)
    void twoHundredPeoplePostFourThousandRankingsAndEachIsStoredOnce(String kind) throws Exception {
        try (TestDatabases.Db db = TestDatabases.fresh(kind, dir)) {
            WorkshopServer.Settings settings = WorkshopServer.Settings.defaults().toBuilder().port(0).db(db.url()).dbUser(db.user())
                    .dbPassword(db.password()).code("load").adminToken(ADMIN).tasks(40).k(4).ratePerMinute(0).build();
            try (WorkshopServer server = WorkshopServer.start(settings, WorkshopFixtures.cannedTasks())) {
                Path acks = dir.resolve("acks.txt");
                SimulatedRoom.Result r = new SimulatedRoom(SimulatedRoom.Settings.defaults(URI.create(server.joinUrl()))
                        .toBuilder().raters(200).rankings(4000).concurrency(200).seed(11).acks(acks)
                        .timeout(Duration.ofSeconds(300)).build()).run();
                System.out.printf("[load %s] %s", kind, r.report());

                assertTrue(r.complete(), kind + ": " + r.report());
                List<String> refused = r.errors().keySet().stream().filter(k -> !k.contains("(retried)")).toList();
                assertTrue(refused.isEmpty(), kind + ": a healthy server refuses no well-formed ranking: " + refused);
                assertEquals(4000, r.acked().size(), r.report());
                assertTrue(r.acked().equals(Files.readAllLines(acks)), "the acks file must hold every acknowledged id, in order");
                String export = new WorkshopClient(URI.create(server.url()), WorkshopClient.httpClient(Duration.ofSeconds(5)),
                        Duration.ofSeconds(60)).export(ADMIN);
                assertAllStoredOnce(r.acked(), export, kind);
                assertEquals(4000, export.lines().count(), "a fresh database holds exactly the run's rankings");
            }
        }
    }

    /**
     * Checks that every id of {@code acked} is in the export's JSONL ({@code id} field) exactly
     * once, and that no acknowledged id was acknowledged twice.
     */
    static void assertAllStoredOnce(List<String> acked, String exportJsonl, String what) {
        Map<String, Integer> inExport = new HashMap<>();
        exportJsonl.lines().filter(l -> !l.isBlank())
                .forEach(l -> inExport.merge(JsonParser.parseString(l).getAsJsonObject().get("id").getAsString(), 1,
                        Integer::sum));
        Set<String> seen = new HashSet<>();
        List<String> twiceAcked = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> twiceStored = new ArrayList<>();
        for (String id : acked) {
            if (!seen.add(id)) {
                twiceAcked.add(id);
            }
            int n = inExport.getOrDefault(id, 0);
            if (n == 0) {
                missing.add(id);
            } else if (n > 1) {
                twiceStored.add(id);
            }
        }
        inExport.forEach((id, n) -> {
            if (n > 1 && !twiceStored.contains(id)) {
                twiceStored.add(id);
            }
        });
        assertTrue(missing.isEmpty(), what + ": " + missing.size() + " acknowledged rankings are not in the export, e.g. "
                + missing.subList(0, Math.min(5, missing.size())));
        assertTrue(twiceStored.isEmpty(), what + ": ids twice in the export: " + twiceStored);
        assertTrue(twiceAcked.isEmpty(), what + ": ids acknowledged twice: " + twiceAcked);
    }
}
