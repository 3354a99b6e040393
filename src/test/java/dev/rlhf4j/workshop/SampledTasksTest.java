package dev.rlhf4j.workshop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.pretrain.ModelCatalog;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewWorld;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tasks sampled from the bundled model: K sources per task, shuffled, reproducible; and the default server. */
class SampledTasksTest {

    @TempDir
    Path dir;

    @Test
    void eachTaskHasKDifferentSourcesInASeededOrder() {
        List<Prompt> prompts = ReviewWorld.readPrompts(Home.resolve("datasets/reviews/prompts.csv")).stream()
                .filter(p -> !p.heldOut()).toList();
        try (SampledTasks maker = new SampledTasks(Home.resolve(ModelCatalog.DEFAULT_MODEL), "small", prompts, Device.cpu())) {
            List<WorkshopTask> a = maker.make(1, 6, 4, 7);
            assertEquals(a, maker.make(1, 6, 4, 7), "the same round and seed make the same tasks");
            assertNotEquals(a, maker.make(2, 6, 4, 7), "another round, other tasks");
            Set<String> expected = Set.of("t=0.7", "t=1.0", "t=1.4", "top-k 5");
            Set<List<String>> orders = new HashSet<>();
            for (int i = 0; i < a.size(); i++) {
                WorkshopTask t = a.get(i);
                assertEquals(WorkshopTask.id(1, i + 1), t.id());
                assertEquals(expected, new HashSet<>(t.sources()), "one completion per source");
                assertTrue(prompts.stream().anyMatch(p -> p.id().equals(t.promptId()) && p.text().equals(t.prompt())));
                t.completions().forEach(c -> assertFalse(c.isBlank(), t.id()));
                orders.add(t.sources());
            }
            assertTrue(orders.size() > 1, "the cards' order is shuffled, so their place says nothing of their source");
        }
    }

    @Test
    void theDefaultServerServesTheBundledModelsSamples() throws Exception {
        WorkshopServer.Settings s = WorkshopServer.Settings.defaults().toBuilder().port(0)
                .db(dir.resolve("w.db").toString()).tasks(2).build();
        try (WorkshopServer server = WorkshopServer.start(s)) {
            assertTrue(server.joinUrl().matches("http://127\\.0\\.0\\.1:\\d+/\\?code=[a-z2-9]{6}"), server.joinUrl());
            HttpResponse<String> info = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(server.url() + "api/info")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, info.statusCode());
            assertEquals(2, server.store().load(server.workshopId()).tasks().size());
            assertEquals("small", server.store().load(server.workshopId()).tasks().get(0).model());
        }
    }
}
