package dev.rlhf4j.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlhf4j.core.Home;
import dev.rlhf4j.feedback.FeedbackLog;
import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.ppo.PpoConfig;
import dev.rlhf4j.reward.RewardConfig;
import dev.rlhf4j.world.ReviewWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/** Two short rounds of the loop: the feedback grows with the policy's samples, each round starts from the last policy. */
class RlhfLoopTest {

    @Test
    void twoRounds(@TempDir Path out) throws Exception {
        List<FeedbackRecord> feedback = FeedbackLog.readStrict(Home.resolve("datasets/feedback/feedback.jsonl")).subList(0, 200);
        RlhfLoop.Settings s = new RlhfLoop.Settings(2, 16, 4,
                PpoConfig.defaults().toBuilder().steps(3).batchSize(16).miniBatchSize(8).device("cpu").build(),
                RewardConfig.defaults(RewardConfig.Objective.BT).toBuilder().epochs(1).build());
        List<RlhfLoop.Round> rounds = RlhfLoop.run(Home.resolve("datasets/pretrained/small"), feedback,
                ReviewWorld.readPrompts(Home.resolve("datasets/reviews/prompts.csv")), s, out, null);
        assertEquals(2, rounds.size());
        assertEquals(200, rounds.get(0).feedback());
        assertEquals(216, rounds.get(1).feedback(), "round 1's policy added 16 rankings");
        List<FeedbackRecord> log = FeedbackLog.readStrict(out.resolve("feedback.jsonl"));
        assertEquals(216, log.size());
        assertEquals("round-1", log.get(215).model());
        assertTrue(log.get(215).id().startsWith("round-1-f"), log.get(215).id());
        for (RlhfLoop.Round r : rounds) {
            assertTrue(Files.exists(r.policy().resolve("model.safetensors")));
        }
        assertEquals(out.resolve("round-2/ppo/policy"), rounds.get(1).policy());
        // Round 1 starts from the initial model, which is also the KL reference: its first KL is 0.
        // Round 2 starts from round 1's policy but keeps the initial model as reference: its first
        // KL is not 0 (it would be if the loop restarted from the initial model or re-anchored the
        // reference on the current policy).
        double[] kl1 = Table.read().csv(out.resolve("round-1/ppo/metrics.csv").toFile()).doubleColumn("objective/kl").asDoubleArray();
        double[] kl2 = Table.read().csv(out.resolve("round-2/ppo/metrics.csv").toFile()).doubleColumn("objective/kl").asDoubleArray();
        // 0 up to float rounding: log π comes from the cached decoding steps, log π_ref from a full pass
        // (~1e-7 a token, summed over a response)
        assertEquals(0, kl1[0], 1e-4, "round 1, iteration 1: policy = reference");
        assertTrue(Math.abs(kl2[0]) > 1e-3, "round 2, iteration 1: KL of round 1's policy to the initial model, found " + kl2[0]);
        Table csv = Table.read().csv(out.resolve("rounds.csv").toFile());
        assertEquals(2, csv.rowCount());
        assertEquals(rounds.get(1).winRate(), csv.doubleColumn("win_rate_vs_initial").get(1), 1e-9);
        assertEquals(216, csv.intColumn("feedback").get(1));
        assertEquals(3, RlhfLoop.charts(rounds).size());
        assertEquals(rounds.get(0).trueRewardStart(),
                RlhfLoop.preferenceChart(rounds).getSeriesMap().get(RlhfLoop.TRUE_PREFERENCE).getYData()[0], "round 0");
    }
}
