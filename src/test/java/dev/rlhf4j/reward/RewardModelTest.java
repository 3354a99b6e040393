package dev.rlhf4j.reward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
import dev.rlhf4j.model.NoGrad;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.model.TokenBatch;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewWorld;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /**
     * The head reads the last real token under right padding. Two sequences equal up to the shorter's
     * length, the longer one continuing: scored together (the shorter is padded), the shorter's reward is
     * w·h + b at its own last token, computed here from the backbone's hidden states of the shorter
     * alone, and equals its reward scored alone; the longer one's reward differs.
     */
    @Test
    void theHeadReadsTheLastRealTokenUnderRightPadding() {
        try (RewardModel rm = RewardModel.fromPretrained(Checkpoint.load(TINY, Device.cpu()), 3)) {
            int[] longer = rm.encode("the pasta was", "great and fresh, we will be back.");
            int[] shorter = java.util.Arrays.copyOf(longer, longer.length - 4);
            double[] together = rm.scoreTokens(List.of(shorter, longer));
            double alone = rm.scoreTokens(List.of(shorter))[0];
            double byHand = headAtLastToken(rm, shorter);
            assertEquals(byHand, together[0], 1e-5, "w·h + b at the shorter sequence's last token");
            assertEquals(alone, together[0], 1e-5, "padding changes the shorter sequence's reward");
            assertEquals(headAtLastToken(rm, longer), together[1], 1e-5, "the longer sequence's reward");
            assertTrue(Math.abs(together[1] - together[0]) > 1e-3,
                    "the longer sequence's reward equals the shorter's: " + together[0] + " vs " + together[1]);
        }
    }

    /**
     * Short completions share a row with others (TokenBatch.packed): each one's reward, and its gradient
     * path, is what it gets scored alone.
     */
    @Test
    void packedSequencesScoreAsIfAlone() {
        try (RewardModel rm = RewardModel.fromPretrained(Checkpoint.load(TINY, Device.cpu()), 3)) {
            List<int[]> seqs = List.of(rm.encode("the pasta was", "great and fresh, we will be back."),
                    rm.encode("the soup was", "cold."), rm.encode("the staff", "rude."),
                    rm.encode("the soup was", "bland and the bread was stale, never again."), rm.encode("the room", "ok"));
            assertTrue(TokenBatch.packed(seqs, rm.tokenizer().padId(), rm.backbone().config().nEmbd()).batchSize() < seqs.size(),
                    "the test's sequences should share rows");
            double[] together = rm.scoreTokens(seqs);
            for (int i = 0; i < seqs.size(); i++) {
                assertEquals(headAtLastToken(rm, seqs.get(i)), together[i], 1e-5, "reward of sequence " + i);
            }
        }
    }

    /** w·h_{L−1} + b for one unpadded sequence of length L, from the backbone's hidden states. */
    private static double headAtLastToken(RewardModel rm, int[] seq) {
        try (NDManager work = rm.backbone().newWorkManager(); NoGrad g = NoGrad.enter()) {
            TokenBatch batch = TokenBatch.rightPadded(List.of(seq), rm.tokenizer().padId());
            NDArray hidden = rm.backbone().forward(batch.toInputs(work), false).get(1); // [1, L, E]
            float[] h = hidden.get(0, seq.length - 1).toFloatArray();
            float[] w = rm.parameters().get(RewardModel.HEAD_WEIGHT).getArray().toFloatArray();
            double r = rm.parameters().get(RewardModel.HEAD_BIAS).getArray().toFloatArray()[0];
            for (int i = 0; i < h.length; i++) {
                r += (double) w[i] * h[i]; // r = w·h + b
            }
            return r;
        }
    }

    /**
     * The split by prompt holds from both sides: no training record's prompt is a validation prompt,
     * every validation record's prompt is one, and together they hold every record once.
     */
    @Test
    void splitByPromptIsDisjointAndComplete() {
        try (RewardModel rm = RewardModel.fromPretrained(Checkpoint.load(TINY, Device.cpu()), 1)) {
            RewardData.Split split = RewardData.split(records, rm, zeroTargets(records), 0.25, 1);
            assertTrue(!split.validPrompts().isEmpty() && !split.valid().isEmpty() && !split.train().isEmpty());
            for (RewardData.Example e : split.train()) {
                assertTrue(!split.validPrompts().contains(e.record().promptId()),
                        "training record " + e.record().id() + " has validation prompt " + e.record().promptId());
            }
            Set<String> validSeen = new HashSet<>();
            for (RewardData.Example e : split.valid()) {
                assertTrue(split.validPrompts().contains(e.record().promptId()),
                        "validation record " + e.record().id() + " has training prompt " + e.record().promptId());
                validSeen.add(e.record().promptId());
            }
            assertEquals(split.validPrompts(), validSeen, "every validation prompt has validation records");
            List<String> ids = new ArrayList<>();
            split.train().forEach(e -> ids.add(e.record().id()));
            split.valid().forEach(e -> ids.add(e.record().id()));
            assertEquals(records.stream().map(FeedbackRecord::id).sorted().toList(), ids.stream().sorted().toList(),
                    "train + validation hold every record exactly once");
        }
    }

    /**
     * Training and validation measure the same loss, also for rankings of different K with ties, a
     * margin and the centering term: the NDArray objective training differentiates, on the same
     * rankings without dropout, equals the validation loss ({@link RewardTrainer#evaluate}).
     */
    @Test
    void trainingAndValidationLossesAreTheSameQuantity() {
        FeedbackRecord a = records.get(0);
        FeedbackRecord b = records.get(1);
        List<String> six = new ArrayList<>(a.completions());
        six.addAll(b.completions().subList(0, 2));
        FeedbackRecord k6 = new FeedbackRecord("m6", "tm6", a.promptId(), a.prompt(), "tiny", six,
                Ranking.parse("2 1=4 3 6 5", 6), "ann", Rater.Source.HUMAN, Instant.EPOCH);
        FeedbackRecord k2 = new FeedbackRecord("m2", "tm2", b.promptId(), b.prompt(), "tiny",
                b.completions().subList(2, 4), Ranking.of(1, 0), "ann", Rater.Source.HUMAN, Instant.EPOCH);
        Map<String, double[]> targets = Map.of("tm6", new double[] {0.4, 1.3, -0.8, 0.4, -0.2, -1.1},
                "tm2", new double[] {-0.9, 0.9});
        try (RewardModel rm = RewardModel.fromPretrained(Checkpoint.load(TINY, Device.cpu()), 2)) {
            List<RewardData.Example> examples = new ArrayList<>();
            for (FeedbackRecord r : List.of(k6, k2)) {
                List<int[]> seqs = r.completions().stream().map(c -> rm.encode(r.prompt(), c)).toList();
                examples.add(new RewardData.Example(r, seqs, dev.rlhf4j.feedback.Pairs.of(r.ranking()),
                        targets.get(r.task())));
            }
            for (RewardConfig.Objective o : RewardConfig.Objective.values()) {
                RewardConfig config = RewardConfig.defaults(o).toBuilder().margin(0.3).centerRewardsCoefficient(0.1).build();
                double valid = RewardTrainer.evaluate(rm, examples, config, null).loss();
                RewardTrainer.Batch batch = RewardTrainer.Batch.of(examples);
                double train;
                try (NDManager work = rm.backbone().newWorkManager(); NoGrad g = NoGrad.enter()) {
                    train = RewardTrainer.objective(rm.forward(work, batch.sequences(), false), batch, config).getFloat();
                }
                assertEquals(valid, train, 1e-5 * Math.max(1, Math.abs(valid)), o + ": training vs validation loss");
            }
        }
    }

    /** The at-chance warning also fires when validation accuracy is NaN (no strictly ordered pair). */
    @Test
    void chanceWarningCoversNaN() {
        double[] none = new double[0];
        assertEquals(1, RewardTrainer.warnings(evaluation(Double.NaN, none)).size(), "NaN accuracy");
        assertEquals(1, RewardTrainer.warnings(evaluation(0.5, none)).size(), "accuracy at chance");
        assertEquals(0, RewardTrainer.warnings(evaluation(0.8, none)).size(), "accuracy well above chance");
    }

    private static RewardTrainer.Evaluation evaluation(double accuracy, double[] none) {
        return new RewardTrainer.Evaluation(0.69, accuracy, 0, 0, 1, none, none, Double.NaN, Double.NaN);
    }
}
