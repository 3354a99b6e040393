package dev.rlhf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.rlhf4j.feedback.FeedbackLog;
import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.loop.HackingLab;
import dev.rlhf4j.loop.RlhfLoop;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.Sampler;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.ppo.PolicyModel;
import dev.rlhf4j.ppo.PpoConfig;
import dev.rlhf4j.ppo.PpoRun;
import dev.rlhf4j.ppo.PpoTrainer;
import dev.rlhf4j.pretrain.Corpus;
import dev.rlhf4j.pretrain.ModelCatalog;
import dev.rlhf4j.pretrain.ModelSelection;
import dev.rlhf4j.pretrain.PretrainConfig;
import dev.rlhf4j.pretrain.Pretrainer;
import dev.rlhf4j.reward.RewardConfig;
import dev.rlhf4j.reward.RewardData;
import dev.rlhf4j.reward.RewardModel;
import dev.rlhf4j.reward.RewardTrainer;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every long library loop stops between two steps when its thread is interrupted (the notebook's
 * stop button, Ctrl-C), with an {@link InterruptedRunException} saying where it stopped, the
 * interrupt flag cleared, and the model's NDManager holding the arrays it held before the call.
 * The interrupt comes from the loop's own progress callback at a known step, so the place is exact.
 */
class InterruptionTest {

    static final Path TINY = Home.resolve("datasets/pretrained/tiny");
    static final Path SMALL = Home.resolve("datasets/pretrained/small");
    static final Path DATA = Home.resolve("datasets/reviews");

    @AfterEach
    void clearFlag() {
        Thread.interrupted(); // a failed test must not leave the flag to the next one
    }

    static List<Prompt> prompts(boolean heldOut) {
        return ReviewWorld.readPrompts(DATA.resolve("prompts.csv")).stream().filter(p -> p.heldOut() == heldOut).toList();
    }

    @Test
    void pretrainingStopsAfterTheStepItWasInterruptedIn() {
        try (LanguageModel lm = Checkpoint.load(TINY, Device.cpu())) {
            Corpus corpus = Corpus.load(DATA, lm.tokenizer());
            PretrainConfig config = new PretrainConfig(10, 4, 1e-3f, 1e-4f, 2, 0f, 1f, 100, 10, 1);
            int before = lm.resourceCount();
            int[] steps = {0};
            InterruptedRunException e = assertThrows(InterruptedRunException.class,
                    () -> Pretrainer.run(lm, corpus, config, 0, null, (step, total, row) -> {
                        steps[0] = step;
                        if (step == 3) {
                            Thread.currentThread().interrupt();
                        }
                    }));
            assertEquals("interrupted after step 3 of 10", e.getMessage());
            assertEquals(3, steps[0], "no step after the interrupted one");
            assertFalse(Thread.currentThread().isInterrupted(), "the flag is cleared as the exception is thrown");
            assertEquals(before, lm.resourceCount(), "arrays on the model's manager");
        }
    }

    @Test
    void rewardTrainingStopsBetweenBatches() {
        List<FeedbackRecord> records = FeedbackLog.readStrict(Home.resolve("datasets/feedback/feedback.jsonl")).subList(0, 48);
        Map<String, double[]> zero = new HashMap<>();
        records.forEach(r -> zero.put(r.task(), new double[r.k()]));
        try (RewardModel rm = RewardModel.fromPretrained(Checkpoint.load(TINY, Device.cpu()), 1)) {
            RewardData.Split split = RewardData.split(records, rm, zero, 0.25, 1);
            RewardConfig config = RewardConfig.defaults(RewardConfig.Objective.BT).toBuilder().epochs(3).build();
            int perEpoch = (split.train().size() + config.batchSize() - 1) / config.batchSize();
            int before = rm.resourceCount();
            InterruptedRunException e = assertThrows(InterruptedRunException.class,
                    () -> RewardTrainer.train(rm, split, config, null, null, (epoch, n) -> {
                        if (epoch.epoch() == 1) {
                            Thread.currentThread().interrupt();
                        }
                    }));
            assertEquals("interrupted in epoch 2 of 3, after batch 0 of " + perEpoch, e.getMessage());
            assertEquals(before, rm.resourceCount(), "arrays on the reward model's manager");
        }
    }

    @Test
    void samplingStopsBetweenTokens() {
        try (LanguageModel lm = Checkpoint.load(TINY, Device.cpu())) {
            List<int[]> queries = prompts(false).subList(0, 4).stream().map(p -> lm.encodePrompt(p.text())).toList();
            SamplingConfig sampling = SamplingConfig.defaults().withMaxNewTokens(12);
            Sampler.generate(lm, queries, sampling, new Random(1)); // warm-up
            int before = lm.resourceCount();
            Thread.currentThread().interrupt();
            InterruptedRunException e = assertThrows(InterruptedRunException.class,
                    () -> Sampler.generate(lm, queries, sampling, new Random(1)));
            assertEquals("interrupted while sampling (after token 0 of 12)", e.getMessage());
            assertEquals(before, lm.resourceCount(), "arrays on the model's manager");
        }
    }

    @Test
    void ppoTrainerStopsBetweenIterations() {
        PpoConfig config = PpoConfig.defaults().toBuilder().steps(4).batchSize(4).miniBatchSize(2).device("cpu")
                .sampling(SamplingConfig.defaults().withMaxNewTokens(8)).build();
        try (PolicyModel policy = PolicyModel.of(Checkpoint.load(TINY, Device.cpu()), 1);
                LanguageModel reference = Checkpoint.load(TINY, Device.cpu());
                RewardModel rm = RewardModel.fromPretrained(Checkpoint.load(TINY, Device.cpu()), 1)) {
            PpoTrainer trainer = new PpoTrainer(policy, reference, rm, prompts(false), config);
            trainer.step(); // warm-up: the optimizer's state exists from the first step on
            int[] before = {policy.resourceCount(), reference.resourceCount(), rm.resourceCount()};
            trainer.addListener((it, m, r) -> {
                if (it == 2) {
                    Thread.currentThread().interrupt();
                }
            });
            trainer.step();
            InterruptedRunException e = assertThrows(InterruptedRunException.class, trainer::step);
            assertEquals("interrupted after PPO iteration 2", e.getMessage());
            assertEquals(2, trainer.iteration());
            assertEquals(List.of(before[0], before[1], before[2]),
                    List.of(policy.resourceCount(), reference.resourceCount(), rm.resourceCount()), "arrays held");
        }
    }

    @Test
    void ppoRunNamesTheLastCheckpoint(@TempDir Path out) throws Exception {
        try (RewardModel rm = RewardModel.fromPretrained(Checkpoint.load(TINY, Device.cpu()), 1)) {
            rm.save(out.resolve("rm"), Map.of());
        }
        PpoConfig config = PpoConfig.defaults().toBuilder().steps(5).batchSize(4).miniBatchSize(4).device("cpu")
                .sampling(SamplingConfig.defaults().withMaxNewTokens(8)).build();
        Path run = out.resolve("ppo");
        InterruptedRunException e = assertThrows(InterruptedRunException.class,
                () -> PpoRun.run(TINY, out.resolve("rm"), prompts(false), prompts(true), config, 2, run,
                        (it, steps, m, r) -> {
                            if (it == 3) {
                                Thread.currentThread().interrupt();
                            }
                        }));
        assertEquals("interrupted after iteration 3 of 5 (interrupted after PPO iteration 3); the checkpoint of"
                + " iteration 2 is in " + run.resolve("policy"), e.getMessage());
        assertTrue(Files.exists(run.resolve("policy").resolve("manifest.json")), "the checkpoint is whole");
        assertEquals(4, Files.readAllLines(run.resolve("metrics.csv")).size(), "a header and a row per finished iteration");
    }

    /**
     * An interrupt that lands while a step writes its checkpoint or its metrics row must not abort
     * the write (an NIO channel would close under it with ClosedByInterruptException): the files are
     * whole and the flag is still set, so the loop stops at its next check.
     */
    @Test
    void writesCompleteUnderAnInterrupt(@TempDir Path out) throws Exception {
        try (LanguageModel lm = Checkpoint.load(TINY, Device.cpu()); MetricsLog log = MetricsLog.toCsv(out.resolve("m.csv"))) {
            Thread.currentThread().interrupt();
            Checkpoint.save(lm, out.resolve("ckpt"), Map.of("iteration", 1)); // Files.write: streams are not interruptible
            log.log(Map.of("loss", 1.5));
            AtomicFiles.writeString(out.resolve("note.txt"), "whole");
            assertTrue(Thread.interrupted(), "the flag is left for the loop's next check");
            try (LanguageModel back = Checkpoint.load(out.resolve("ckpt"), Device.cpu())) {
                assertEquals(lm.config(), back.config());
            }
        }
        assertEquals(List.of("loss", "1.5"), Files.readAllLines(out.resolve("m.csv")));
        assertEquals("whole", Files.readString(out.resolve("note.txt")));
    }

    @Test
    void loopsOfRunsStopBeforeTheirNextRun(@TempDir Path out) {
        PpoConfig ppo = PpoConfig.defaults().toBuilder().steps(2).batchSize(4).miniBatchSize(4).device("cpu").build();
        Map<String, PpoConfig> arms = new LinkedHashMap<>();
        arms.put("a", ppo);
        arms.put("b", ppo);
        Thread.currentThread().interrupt();
        InterruptedRunException lab = assertThrows(InterruptedRunException.class,
                () -> HackingLab.run(TINY, out.resolve("rm"), prompts(false), prompts(true), arms, out.resolve("lab")));
        assertEquals("interrupted after arm 0 of 2 of the hacking lab", lab.getMessage());

        List<FeedbackRecord> feedback = FeedbackLog.readStrict(Home.resolve("datasets/feedback/feedback.jsonl")).subList(0, 8);
        RlhfLoop.Settings s = new RlhfLoop.Settings(2, 4, 2, ppo, RewardConfig.defaults(RewardConfig.Objective.BT));
        Thread.currentThread().interrupt();
        InterruptedRunException loop = assertThrows(InterruptedRunException.class,
                () -> RlhfLoop.run(SMALL, feedback, ReviewWorld.readPrompts(DATA.resolve("prompts.csv")), s, out.resolve("loop"),
                        null));
        assertEquals("interrupted after round 0 of 2 (each finished round is in " + out.resolve("loop").resolve("round-N")
                + ")", loop.getMessage());
        assertEquals(8, FeedbackLog.readStrict(out.resolve("loop").resolve("feedback.jsonl")).size(),
                "the feedback log written before the first round is whole");

        Thread.currentThread().interrupt();
        InterruptedRunException selection = assertThrows(InterruptedRunException.class,
                () -> ModelSelection.evaluate(ModelCatalog.bundled(), DATA, prompts(true).subList(0, 2), 0, 1, Device.cpu()));
        assertEquals("interrupted after candidate 0 of " + ModelCatalog.bundled().size() + " of the model selection",
                selection.getMessage());
    }
}
