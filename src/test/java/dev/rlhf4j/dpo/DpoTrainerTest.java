package dev.rlhf4j.dpo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.feedback.FeedbackLog;
import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.LogProbs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DpoTrainer on the tiny bundled model and the first rankings of the bundled feedback. */
class DpoTrainerTest {

    static final java.nio.file.Path TINY = Home.resolve("datasets/pretrained/tiny");
    static List<FeedbackRecord> records;

    @BeforeAll
    static void read() {
        records = FeedbackLog.read(Home.resolve(FeedbackLog.BUNDLED)).records().subList(0, 40);
    }

    static DpoConfig config(int batchSize) {
        return DpoConfig.defaults().toBuilder().batchSize(batchSize).device("cpu").seed(3).build();
    }

    /**
     * A ranking [[1], [0, 2], [3]] of K = 4 gives C(4,2) = 6 comparisons, one of them the tie (0, 2):
     * 5 pairs, the better group's completion chosen, each completion followed by EOS; a held-out
     * prompt's rankings give none.
     */
    @Test
    void pairsLeaveTiesOutAndEndWithEos() {
        FeedbackRecord tied = records.stream().filter(r -> r.ranking().groups().stream().anyMatch(g -> g.size() > 1))
                .findFirst().orElseThrow();
        try (LanguageModel lm = Checkpoint.load(TINY, Device.cpu())) {
            List<DpoPairs.Pair> pairs = DpoPairs.of(List.of(tied), lm, Set.of());
            int tiedPairs = 0;
            for (List<Integer> g : tied.ranking().groups()) {
                tiedPairs += g.size() * (g.size() - 1) / 2;
            }
            assertTrue(tiedPairs > 0);
            assertEquals(6 - tiedPairs, pairs.size(), tied.ranking().groups().toString());
            List<List<Integer>> groups = tied.ranking().groups();
            for (DpoPairs.Pair p : pairs) {
                int c = tied.completions().indexOf(p.chosen());
                int r = tied.completions().indexOf(p.rejected());
                assertTrue(group(groups, c) < group(groups, r), "chosen ranks above rejected: " + p);
                int eos = lm.tokenizer().eosId();
                assertEquals(eos, p.chosenTokens()[p.chosenTokens().length - 1]);
                assertEquals(eos, p.rejectedTokens()[p.rejectedTokens().length - 1]);
                assertArrayEquals(lm.tokenizer().encode(p.chosen()),
                        java.util.Arrays.copyOf(p.chosenTokens(), p.chosenTokens().length - 1));
                assertArrayEquals(lm.encodePrompt(tied.prompt()), p.promptTokens());
            }
            assertThrows(IllegalArgumentException.class, () -> DpoPairs.of(List.of(tied), lm, Set.of(tied.promptId())),
                    "a held-out prompt's ranking gives no pairs");
        }
    }

    private static int group(List<List<Integer>> groups, int i) {
        for (int g = 0; g < groups.size(); g++) {
            if (groups.get(g).contains(i)) {
                return g;
            }
        }
        throw new AssertionError(i);
    }

    /**
     * The reference's log-probs, computed once in batches (right padding), are each completion's
     * summed token log-probs recomputed alone (no padding): the tokens after the prompt, EOS
     * included. At the first step π = π_ref: loss log 2, margins 0, accuracies 0.
     */
    @Test
    void referenceLogProbsAreTheCompletionSumsAndTheFirstLossIsLog2() {
        try (LanguageModel policy = Checkpoint.load(TINY, Device.cpu());
                LanguageModel reference = Checkpoint.load(TINY, Device.cpu())) {
            List<DpoPairs.Pair> pairs = DpoPairs.of(records.subList(0, 3), policy, Set.of());
            DpoTrainer trainer = new DpoTrainer(policy, reference, pairs, config(4));
            double[] chosen = trainer.referenceChosen();
            double[] rejected = trainer.referenceRejected();
            for (int i = 0; i < pairs.size(); i++) {
                DpoPairs.Pair p = pairs.get(i);
                assertEquals(alone(reference, p.promptTokens(), p.chosenTokens()), chosen[i], 1e-4, "chosen " + i);
                assertEquals(alone(reference, p.promptTokens(), p.rejectedTokens()), rejected[i], 1e-4, "rejected " + i);
            }
            Map<String, Double> m = trainer.step(List.of(0, 1, 2, 3));
            assertEquals(Math.log(2), m.get("loss"), 1e-5);
            assertEquals(0.0, m.get("rewards/margins"), 1e-5);
            assertEquals(0.0, m.get("rewards/chosen"), 1e-5);
            double logps = 0;
            for (int i = 0; i < 4; i++) {
                logps += chosen[i] / 4;
            }
            assertEquals(logps, m.get("logps/chosen"), 1e-4);
            assertTrue(m.get("grad_norm") > 0);
            assertEquals(1.0, m.get("step"));
        }
    }

    /** Σ_t log π of the completion tokens of prompt ++ completion, scored as one unpadded sequence. */
    static double alone(LanguageModel lm, int[] prompt, int[] completion) {
        int[] seq = new int[prompt.length + completion.length];
        System.arraycopy(prompt, 0, seq, 0, prompt.length);
        System.arraycopy(completion, 0, seq, prompt.length, completion.length);
        float[] lp = LogProbs.of(lm, List.of(seq))[0]; // lp[j] scores token j + 1
        double s = 0;
        for (int j = prompt.length - 1; j < lp.length; j++) {
            s += lp[j];
        }
        return s;
    }

    /**
     * Training steps leave both models' managers holding what they held after the first steps, and
     * the policy learns its pairs: after 4 epochs on 32 pairs the loss is below log 2 and the implicit
     * reward orders most pairs right (evaluate, against the reference).
     */
    @Test
    void resourcesStayFlatAndTheLossFalls() {
        try (LanguageModel policy = Checkpoint.load(TINY, Device.cpu());
                LanguageModel reference = Checkpoint.load(TINY, Device.cpu())) {
            List<DpoPairs.Pair> pairs = DpoPairs.of(records, policy, Set.of()).subList(0, 32);
            DpoTrainer trainer = new DpoTrainer(policy, reference, pairs, config(8));
            List<int[]> counts = new ArrayList<>();
            trainer.addListener((step, m) -> counts.add(new int[] {policy.resourceCount(), reference.resourceCount()}));
            for (int e = 0; e < 4; e++) {
                trainer.epoch();
            }
            assertEquals(16, trainer.steps());
            assertArrayEquals(counts.get(1), counts.get(15), "arrays held after step 2 vs step 16");
            DpoLoss.Stats s = trainer.evaluate(pairs);
            assertTrue(s.loss() < Math.log(2) - 0.05, "loss " + s.loss());
            assertTrue(s.accuracies() > 0.7, "accuracies " + s.accuracies());
            assertTrue(s.margins() > 0, "margins " + s.margins());
            assertArrayEquals(counts.get(1), new int[] {policy.resourceCount(), reference.resourceCount()},
                    "evaluate leaves nothing behind");
        }
    }
}
