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

/** The lab runs both arms from the same start and lines up their numbers; β = 0 really removes the penalty. */
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
        for (Map<String, Double> m : result.get(0).result().metrics()) {
            assertEquals(0.0, m.get("objective/kl_coef"), "β stays 0");
            assertEquals(0.0, m.get("ppo/mean_non_score_reward"), "no KL penalty in the rewards");
        }
        assertTrue(result.get(1).result().metrics().get(1).get("objective/kl_coef") > 0);
        assertEquals(List.of("beta=0", "adaptive beta"), HackingLab.table(result).stringColumn("run").asList());
        assertEquals(4, HackingLab.chart(result).getSeriesMap().size());
        assertEquals(2, HackingLab.klChart(result).getSeriesMap().size());
    }
}
