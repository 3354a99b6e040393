package dev.rlhf4j.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.pretrain.ModelCatalog;
import dev.rlhf4j.workshop.SampledTasks;
import dev.rlhf4j.workshop.SimulatedRoom;
import dev.rlhf4j.workshop.WorkshopServer;
import dev.rlhf4j.workshop.WorkshopVerdict;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewWorld;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole workshop loop headless, over the real HTTP API: simulated people rank the initial
 * model's samples, the room's rankings train a reward model and PPO, the next round serves the new
 * policy's samples, and a blind A/B round gives the room's verdict next to the simulated human's.
 */
class WorkshopLoopTest {

    @TempDir
    Path dir;

    @Test
    void theRoomsRankingsTrainAPolicyThatTheNextRoundsServeAndJudge() throws Exception {
        Path initial = Home.resolve(ModelCatalog.DEFAULT_MODEL);
        List<Prompt> prompts = ReviewWorld.readPrompts(Home.resolve("datasets/reviews/prompts.csv"));
        List<Prompt> train = prompts.stream().filter(p -> !p.heldOut()).toList();
        List<Prompt> heldOut = prompts.stream().filter(Prompt::heldOut).toList();
        WorkshopServer.Settings settings = WorkshopServer.Settings.defaults().toBuilder().port(0)
                .db(dir.resolve("w.db").toString()).code("loop").adminToken("admin-secret-1").tasks(80).k(4)
                .ratePerMinute(0).build();
        try (SampledTasks first = new SampledTasks(initial, "small", train, Device.cpu());
                WorkshopServer server = WorkshopServer.start(settings, first,
                        SampledTasks.policies(initial, "small", train, heldOut, Device.cpu()))) {
            // Too few rankings: training says how many it needs.
            IllegalArgumentException tooFew = assertThrows(IllegalArgumentException.class,
                    () -> WorkshopTraining.train(server.store(), null, WorkshopTraining.Settings.defaults(1), dir.resolve("t0"), null));
            assertTrue(tooFew.getMessage().contains("has 0 rankings") && tooFew.getMessage().contains("at least "
                    + WorkshopTraining.MIN_RANKINGS), tooFew.getMessage());

            // Round 1: 20 people rank 400 tasks of the initial model over HTTP.
            SimulatedRoom.Result r1 = room(server, 20, 400, 1).run();
            assertEquals(400, r1.acked().size(), r1.report());
            assertTrue(server.records().stream().allMatch(r -> r.model().equals("small")));

            WorkshopTraining.Result t = WorkshopTraining.train(server.store(), null, WorkshopTraining.Settings.defaults(1),
                    dir.resolve("train-1"), null);
            assertEquals(400, t.rankings());
            assertEquals(20, t.raters());
            assertEquals(initial, t.start());
            assertTrue(t.winRate().rate() >= 0.75, "the tuned policy wins for the simulated human: " + t.winRate());
            JsonObject summary = JsonParser.parseString(Files.readString(dir.resolve("train-1/summary.json"))).getAsJsonObject();
            for (String key : List.of("rankings", "raters", "val_accuracy", "rater_agreement", "win_rate_vs_initial",
                    "win_rate_lower", "win_rate_upper", "kl_end")) {
                assertTrue(summary.has(key), key);
            }
            assertEquals(t.winRate().rate(), summary.get("win_rate_vs_initial").getAsDouble(), 1e-12);

            // Round 2 serves the new policy's samples; its records name the policy.
            String policy = t.policy().toString();
            assertEquals(2, server.newRound(t.policy(), false));
            SimulatedRoom.Result r2 = room(server, 5, 40, 2).run();
            assertEquals(40, r2.acked().size(), r2.report());
            List<FeedbackRecord> round2 = server.records().stream().filter(r -> r.task().startsWith("r2-")).toList();
            assertEquals(40, round2.size());
            assertTrue(round2.stream().allMatch(r -> r.model().equals(policy)), "round 2's records name " + policy);

            // Round 3: blind A/B pairs on held-out prompts; the room's verdict next to the simulated human's.
            assertEquals(3, server.newRound(t.policy(), true));
            SimulatedRoom.Result r3 = room(server, 6, 96, 3).run();
            assertEquals(96, r3.acked().size(), r3.report());
            List<FeedbackRecord> ab = server.records().stream().filter(r -> r.task().startsWith("r3-")).toList();
            assertTrue(ab.stream().allMatch(r -> r.k() == 2 && heldOut.stream().anyMatch(p -> p.id().equals(r.promptId()))));
            WorkshopVerdict v = server.verdict();
            System.out.println("workshop loop: " + t.rankings() + " rankings by " + t.raters() + " people, val accuracy "
                    + t.valAccuracy() + ", simulated human's win rate " + t.winRate() + ", KL " + t.klEnd()
                    + "; A/B round: " + v);
            assertEquals(96, v.rankings());
            assertEquals(ab.stream().map(FeedbackRecord::task).distinct().count(), v.pairs(), "one simulated verdict per pair ranked");
            assertTrue(v.simulated() >= 0.6, "the simulated human prefers the tuned policy's half of the pairs: " + v);
            assertTrue(v.human() > 0.5 && v.humanLower() <= v.human() && v.human() <= v.humanUpper(),
                    "the simulated people, noisy, agree: " + v);

            IllegalArgumentException notPolicy = assertThrows(IllegalArgumentException.class,
                    () -> server.newRound(dir.resolve("not-a-policy"), false));
            assertTrue(notPolicy.getMessage().contains("not a model folder"), notPolicy.getMessage());
        }
    }

    /** One connection: people take turns, so the room ranks the same tasks the same way every run. */
    private static SimulatedRoom room(WorkshopServer server, int raters, int rankings, long seed) {
        return new SimulatedRoom(SimulatedRoom.Settings.defaults(URI.create(server.url())).toBuilder().code(server.code())
                .raters(raters).rankings(rankings).concurrency(1).seed(seed).build());
    }
}
