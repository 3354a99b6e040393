package dev.rlhf4j.reward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.feedback.Ranking;
import dev.rlhf4j.feedback.RankingTask;
import dev.rlhf4j.feedback.RankingTasks;
import dev.rlhf4j.feedback.Rater;
import dev.rlhf4j.feedback.SimulatedFeedback;
import dev.rlhf4j.feedback.SimulatedRater;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewWorld;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RewardModelTest {

    static final Path TINY = Home.resolve("datasets/pretrained/tiny");
    static List<FeedbackRecord> records;

    /** 48 rankings of K=4 samples of the tiny bundled model by the standard simulated rater. */
    @BeforeAll
    static void feedback() {
        List<Prompt> prompts = ReviewWorld.readPrompts(Home.resolve("datasets/reviews/prompts.csv")).stream()
                .filter(p -> !p.heldOut()).toList();
        try (LanguageModel lm = Checkpoint.load(TINY, Device.cpu())) {
            List<RankingTask> tasks = RankingTasks.sample(lm, "tiny", prompts, 48, 4, SamplingConfig.defaults(), 5, null);
            records = SimulatedFeedback.collect(tasks, List.of(SimulatedRater.standard(5)), 0,
                    Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
        }
    }

    static Map<String, double[]> zeroTargets(List<FeedbackRecord> rs) {
        Map<String, double[]> t = new HashMap<>();
        for (FeedbackRecord r : rs) {
            t.put(r.task(), new double[r.k()]);
        }
        return t;
    }

    @Test
    void saveAndLoadGiveTheSameRewards(@TempDir Path dir) {
        List<String> prompts = List.of("the pasta was", "our server", "the pasta was");
        List<String> completions = List.of("great and fresh.", "was rude and slow.", "great");
        double[] before;
        try (RewardModel rm = RewardModel.fromPretrained(Checkpoint.load(TINY, Device.cpu()), 3)) {
            rm.setNormalization(0.25, 2.0);
            before = rm.score(prompts, completions);
            assertNotEquals(before[0], before[2], "the last token decides the reward");
            rm.save(dir.resolve("rm"), Map.of("objective", "bt"));
        }
        try (RewardModel rm = RewardModel.load(dir.resolve("rm"), Device.cpu())) {
            assertArrayEquals(before, rm.score(prompts, completions), 0);
            assertEquals(0.25, rm.mean());
            assertEquals(2.0, rm.std());
            assertEquals((before[1] - 0.25) / 2.0, rm.normalizedScore(prompts, completions)[1], 1e-12);
        }
        // a reward model folder is also a plain language model checkpoint
        try (LanguageModel lm = Checkpoint.load(dir.resolve("rm"), Device.cpu())) {
            assertEquals(537, lm.config().vocabSize());
        }
    }

    @Test
    void aPlainLanguageModelIsNotARewardModel() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RewardModel.load(TINY, Device.cpu()));
        assertTrue(e.getMessage().contains("heads.safetensors"), e.getMessage());
    }

    @Test
    void feedbackFromAnotherTokenizerIsRejected() {
        FeedbackRecord foreign = new FeedbackRecord("f1", "t1", "p001", "the pasta was", "gpt-x",
                List.of("quixotic zephyr quantum flux.", "marvellous obsidian xylophone."), Ranking.of(0, 1), "ann",
                Rater.Source.HUMAN, Instant.EPOCH);
        List<FeedbackRecord> all = new ArrayList<>(records);
        all.add(foreign);
        try (RewardModel rm = RewardModel.fromPretrained(Checkpoint.load(TINY, Device.cpu()), 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RewardData.split(List.of(foreign), rm, zeroTargets(List.of(foreign)), 0.2, 1));
            assertTrue(e.getMessage().contains("tokenizer") && e.getMessage().contains("record f1"), e.getMessage());
        }
    }

    /** Training changes the rewards, keeps prompts apart, and leaves the model's managers as they were. */
    @Test
    void trainingKeepsResourcesFlatAndSplitsByPrompt() {
        try (RewardModel rm = RewardModel.fromPretrained(Checkpoint.load(TINY, Device.cpu()), 1)) {
            RewardData.Split split = RewardData.split(records, rm, zeroTargets(records), 0.25, 1);
            for (RewardData.Example e : split.train()) {
                assertTrue(!split.validPrompts().contains(e.record().promptId()), "a prompt is in both sets");
            }
            assertTrue(split.valid().size() > 0 && split.train().size() > split.valid().size());
            List<Integer> counts = new ArrayList<>();
            RewardConfig config = RewardConfig.defaults(RewardConfig.Objective.BT).toBuilder().epochs(4).build();
            double[] before = rm.scoreTokens(List.of(split.valid().get(0).sequences().get(0)));
            RewardTrainer.Result result = RewardTrainer.train(rm, split, config, null, null,
                    (epoch, n) -> counts.add(rm.resourceCount()));
            assertEquals(5, result.epochs().size(), "epoch 0 and 4 epochs");
            assertEquals(counts.get(1), counts.get(4), "arrays held after epoch 1 vs epoch 4: " + counts);
            assertNotEquals(before[0], rm.scoreTokens(List.of(split.valid().get(0).sequences().get(0)))[0]);
            assertTrue(result.epochs().get(4).trainLoss() < result.epochs().get(1).trainLoss() + 0.05,
                    "training loss does not rise: " + result.epochs());
        }
    }
}
