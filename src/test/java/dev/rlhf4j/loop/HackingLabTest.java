package dev.rlhf4j.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.ppo.PpoConfig;
import dev.rlhf4j.reward.RewardModel;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewWorld;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lab runs both arms from the same start and lines up their numbers; β = 0 removes a penalty that is not 0. */
class HackingLabTest {

    @Test
    void bothArmsSideBySide(@TempDir Path out) {
        Path small = Home.resolve("datasets/pretrained/small");
        try (RewardModel rm = RewardModel.fromPretrained(Checkpoint.load(small, Device.cpu()), 1)) {
            rm.save(out.resolve("rm"), Map.of());
        }
        List<Prompt> prompts = ReviewWorld.readPrompts(Home.resolve("datasets/reviews/prompts.csv"));
        PpoConfig base = PpoConfig.defaults().toBuilder().steps(2).batchSize(8).miniBatchSize(8).device("cpu").build();
        Map<String, PpoConfig> arms = new LinkedHashMap<>();
        arms.put("beta=0", base.toBuilder().fixedKl(0).build());
        arms.put("adaptive beta", base);
        List<HackingLab.Arm> result = HackingLab.run(small, out.resolve("rm"),
                prompts.stream().filter(p -> !p.heldOut()).toList(), prompts.stream().filter(Prompt::heldOut).toList(), arms,
                out.resolve("lab"));
        assertEquals(2, result.size());
        List<Map<String, Double>> free = result.get(0).result().metrics();
        List<Map<String, Double>> leashed = result.get(1).result().metrics();
        // Iteration 1: both arms sample the same batch from the same start, where π = π_ref, so KL_t = 0
        // (up to float rounding, ~1e-7 a token: log π comes from the cached decoding steps, log π_ref from
        // a full pass) and β barely matters: the first updates differ by β·KL_t ≈ 1e-8 in the rewards, so
        // iteration 2 samples the same batch and its numbers agree to far below the KL that β then meets.
        assertEquals(free.get(0).get("env/reward_mean"), leashed.get(0).get("env/reward_mean"), 1e-9, "iteration 1");
        assertEquals(free.get(0).get("objective/kl"), leashed.get(0).get("objective/kl"), 1e-9, "iteration 1");
        assertEquals(free.get(1).get("env/reward_mean"), leashed.get(1).get("env/reward_mean"), 1e-4, "iteration 2");
        assertEquals(free.get(1).get("objective/kl"), leashed.get(1).get("objective/kl"), 1e-4, "iteration 2");
        assertEquals(0, free.get(0).get("objective/kl"), 1e-4, "π = π_ref at the start");
        for (Map<String, Double> m : free) {
            assertEquals(0.0, m.get("objective/kl_coef"), "β stays 0");
            assertEquals(0.0, m.get("ppo/mean_non_score_reward"), "no KL penalty in the rewards");
        }
        // Iteration 2: the policy has moved (KL ≠ 0); β = 0 still adds no penalty, the adaptive arm adds −β·KL.
        double kl = free.get(1).get("objective/kl");
        assertTrue(Math.abs(kl) > 1e-3, "the policy moved: KL " + kl);
        double beta = leashed.get(1).get("objective/kl_coef");
        assertTrue(beta > 0);
        // ppo/mean_non_score_reward is TRL's per-token mean of −β·KL_t; objective/kl sums KL_t over a
        // response, so the penalty per token is −β·KL divided by the mean response length.
        double len = leashed.get(1).get("tokens/responses_len_mean");
        assertEquals(-beta * leashed.get(1).get("objective/kl") / len, leashed.get(1).get("ppo/mean_non_score_reward"), 1e-9,
                "penalty per token = −β·KL/length with this iteration's β");
        assertEquals(List.of("beta=0", "adaptive beta"), HackingLab.table(result).stringColumn("run").asList());
        assertEquals(4, HackingLab.chart(result).getSeriesMap().size());
        assertEquals(2, HackingLab.klChart(result).getSeriesMap().size());
    }
}
