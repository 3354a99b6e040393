package dev.rlhf4j.grpo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.LogProbs;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.reward.RewardModel;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewWorld;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GrpoTrainer's phases on the tiny bundled model (G = 4, batch 8, ≤ 12 new tokens), recomputed
 * from the recorded batch. The reference is the bundled small model (same tokenizer), so the KL
 * term is far from 0.
 */
class GrpoTrainerTest {

    static final Path TINY = Home.resolve("datasets/pretrained/tiny");
    static final Path SMALL = Home.resolve("datasets/pretrained/small");
    static List<Prompt> prompts;

    @BeforeAll
    static void readPrompts() {
        prompts = ReviewWorld.readPrompts(Home.resolve("datasets/reviews/prompts.csv")).stream()
                .filter(p -> !p.heldOut()).toList();
    }

    static GrpoConfig config() {
        return GrpoConfig.defaults().toBuilder().numGenerations(4).batchSize(8).miniBatchSize(4).device("cpu").seed(5)
                .sampling(SamplingConfig.defaults().withMaxNewTokens(12)).build();
    }

    /**
     * One iteration: 2 prompts × G = 4 rows, rewards = the reward model's normalised score minus 1
     * for a completion without EOS, advantages normalised within each group, log π_old and log π_ref
     * of each completion token as each sequence scored alone, and the batch metrics.
     */
    @Test
    void oneIterationPhaseByPhase() {
        List<GrpoTrainer.Batch> batches = new ArrayList<>();
        List<Map<String, Double>> metrics = new ArrayList<>();
        try (LanguageModel policy = Checkpoint.load(TINY, Device.cpu());
                LanguageModel start = Checkpoint.load(TINY, Device.cpu());
                LanguageModel reference = Checkpoint.load(SMALL, Device.cpu());
                RewardModel rm = RewardModel.fromPretrained(Checkpoint.load(TINY, Device.cpu()), 1)) {
            GrpoTrainer trainer = new GrpoTrainer(policy, reference, rm, prompts, config());
            trainer.addListener((it, m, b) -> {
                batches.add(b);
                metrics.add(m);
            });
            trainer.step();
            GrpoTrainer.Batch b = batches.get(0);
            Map<String, Double> m = metrics.get(0);
            assertEquals(8, b.size());
            for (int i = 0; i < 8; i++) {
                assertEquals(b.prompts().get(i / 4 * 4), b.prompts().get(i), "row " + i + " is in its prompt's group");
                assertEquals(b.rawScores()[i] - (b.finished()[i] ? 0 : 1.0), b.rewards()[i], 1e-12, "reward " + i);
                double score = rm.normalizedScore(List.of(b.prompts().get(i).text()), List.of(b.texts().get(i)))[0];
                assertEquals(score, b.rawScores()[i], 1e-4, "raw score " + i);
                int[] seq = concat(b.queries().get(i), b.completions().get(i));
                float[] lp = LogProbs.of(start, List.of(seq))[0];
                float[] ref = LogProbs.of(reference, List.of(seq))[0];
                int q = b.queries().get(i).length;
                assertEquals(b.completions().get(i).length, b.oldLogprobs()[i].length);
                for (int t = 0; t < b.completions().get(i).length; t++) {
                    assertEquals(lp[q - 1 + t], b.oldLogprobs()[i][t], 1e-4, "log π_old row " + i + " token " + t);
                    assertEquals(ref[q - 1 + t], b.refLogprobs()[i][t], 1e-4, "log π_ref row " + i + " token " + t);
                }
            }
            assertArrayEquals(GrpoLoss.advantages(b.rewards(), 4, true), b.advantages(), 1e-12);
            double mean = 0;
            double len = 0;
            for (int i = 0; i < 8; i++) {
                mean += b.rewards()[i] / 8;
                len += b.completions().get(i).length / 8.0;
            }
            double ss = 0;
            for (int i = 0; i < 8; i++) {
                ss += (b.rewards()[i] - mean) * (b.rewards()[i] - mean);
            }
            assertEquals(mean, m.get("reward"), 1e-12);
            assertEquals(Math.sqrt(ss / 7), m.get("reward_std"), 1e-12, "std of all batch rewards, unbiased");
            assertEquals(len, m.get("completions/mean_length"), 1e-12);
            assertTrue(m.get("kl") > 0.01, "the small reference is far from the tiny policy: " + m.get("kl"));
            assertEquals(1.0, m.get("iteration"));
            assertTrue(Double.isFinite(m.get("loss")) && m.get("grad_norm") > 0, m.toString());
        }
    }

    /** Four iterations (eight optimizer steps) leave every model's managers holding what they held after the first. */
    @Test
    void resourcesStayFlat() {
        try (LanguageModel policy = Checkpoint.load(TINY, Device.cpu());
                LanguageModel reference = Checkpoint.load(TINY, Device.cpu());
                RewardModel rm = RewardModel.fromPretrained(Checkpoint.load(TINY, Device.cpu()), 1)) {
            GrpoTrainer trainer = new GrpoTrainer(policy, reference, rm, prompts, config());
            List<int[]> counts = new ArrayList<>();
            trainer.addListener((it, m, b) -> counts.add(new int[] {policy.resourceCount(), reference.resourceCount(),
                rm.resourceCount()}));
            for (int i = 0; i < 4; i++) {
                trainer.step();
            }
            assertArrayEquals(counts.get(0), counts.get(3), "arrays held after iteration 1 vs iteration 4");
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] s = new int[a.length + b.length];
        System.arraycopy(a, 0, s, 0, a.length);
        System.arraycopy(b, 0, s, a.length, b.length);
        return s;
    }
}
