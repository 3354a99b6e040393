package dev.rlhf4j.dpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.feedback.FeedbackLog;
import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.reward.RewardModel;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewPreference;
import dev.rlhf4j.world.ReviewWorld;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** DPO's implicit reward next to a reward model's score, on the tiny bundled model. */
class ImplicitRewardTest {

    static final java.nio.file.Path TINY = Home.resolve("datasets/pretrained/tiny");

    /** Hand-worked: the share of positive entries, and of same signs where the second array is not 0. */
    @Test
    void sharesAreCountedByHand() {
        assertEquals(0.5, ImplicitReward.positive(new double[] {1, -1, 0, 2}), 1e-12);
        // b ≠ 0 at 0, 1, 3; same sign only at 0
        assertEquals(1.0 / 3, ImplicitReward.agree(new double[] {1, -2, 3, 0.5}, new double[] {2, 1, 0, -1}), 1e-12);
        assertTrue(Double.isNaN(ImplicitReward.agree(new double[] {1}, new double[] {0})));
        // a margin of 0 (a tie) does not agree with a positive one
        assertEquals(0.5, ImplicitReward.agree(new double[] {0, 1}, new double[] {1, 1}), 1e-12);
    }

    /**
     * After a few DPO steps each r̂ is β·(log π − log π_ref) of the completion scored alone; every
     * accuracy is recomputed pair by pair from the reward model's scores and the simulated human's
     * utilities; with the reference as the policy, every margin is 0 and no pair counts as ordered.
     */
    @Test
    void rewardsAndAccuraciesAreThePairsOwn() {
        List<FeedbackRecord> records = FeedbackLog.read(Home.resolve(FeedbackLog.BUNDLED)).records().subList(0, 12);
        List<Prompt> prompts = ReviewWorld.readPrompts(Home.resolve("datasets/reviews/prompts.csv"));
        ReviewPreference judge = ReviewPreference.defaults();
        double beta = 0.1;
        try (LanguageModel policy = Checkpoint.load(TINY, Device.cpu());
                LanguageModel reference = Checkpoint.load(TINY, Device.cpu());
                RewardModel rm = RewardModel.fromPretrained(Checkpoint.load(TINY, Device.cpu()), 5)) {
            List<DpoPairs.Pair> pairs = DpoPairs.of(records, policy, Set.of());
            DpoConfig config = DpoConfig.defaults().toBuilder().batchSize(8).beta(beta).device("cpu").seed(3).build();
            DpoTrainer trainer = new DpoTrainer(policy, reference, pairs.subList(0, 16), config);
            for (int i = 0; i < 4; i++) {
                trainer.step(List.of(0, 1, 2, 3, 4, 5, 6, 7));
            }
            ImplicitReward.Comparison c = ImplicitReward.compare(policy, reference, rm, pairs, beta, prompts, judge);
            assertEquals(pairs.size(), c.size());
            int dpoRight = 0, rmRight = 0, same = 0;
            for (int i = 0; i < pairs.size(); i++) {
                DpoPairs.Pair p = pairs.get(i);
                double chosen = beta * (DpoTrainerTest.alone(policy, p.promptTokens(), p.chosenTokens())
                        - DpoTrainerTest.alone(reference, p.promptTokens(), p.chosenTokens()));
                double rejected = beta * (DpoTrainerTest.alone(policy, p.promptTokens(), p.rejectedTokens())
                        - DpoTrainerTest.alone(reference, p.promptTokens(), p.rejectedTokens()));
                assertEquals(chosen, c.dpoChosen()[i], 1e-4, "r̂(chosen) of pair " + i);
                assertEquals(rejected, c.dpoRejected()[i], 1e-4, "r̂(rejected) of pair " + i);
                double rmMargin = rm.score(List.of(p.prompt()), List.of(p.chosen()))[0]
                        - rm.score(List.of(p.prompt()), List.of(p.rejected()))[0];
                assertEquals(rmMargin, c.rmMargins()[i], 1e-4, "reward model margin of pair " + i);
                Prompt prompt = prompts.stream().filter(x -> x.id().equals(p.promptId())).findFirst().orElseThrow();
                assertEquals(judge.utility(prompt, p.chosen()) - judge.utility(prompt, p.rejected()), c.trueMargin()[i], 1e-12);
                dpoRight += c.dpoMargins()[i] > 0 ? 1 : 0;
                rmRight += c.rmMargins()[i] > 0 ? 1 : 0;
                same += Math.signum(c.dpoMargins()[i]) == Math.signum(c.rmMargins()[i]) ? 1 : 0;
            }
            assertEquals((double) dpoRight / pairs.size(), c.dpoAccuracy(), 1e-12);
            assertEquals((double) rmRight / pairs.size(), c.rmAccuracy(), 1e-12);
            assertEquals((double) same / pairs.size(), c.agreement(), 1e-12);
            long trained = java.util.stream.IntStream.range(0, 8).filter(i -> c.dpoMargins()[i] > 0).count();
            assertTrue(trained > 4, "the 8 trained pairs are mostly ordered: " + trained);
            assertEquals(3, c.summary().columnCount());
            assertEquals(5, c.table(5).rowCount());

            ImplicitReward.Comparison none = ImplicitReward.compare(reference, reference, rm, pairs, beta, prompts, judge);
            for (double m : none.dpoMargins()) {
                assertEquals(0.0, m, 1e-9);
            }
            assertEquals(0.0, none.dpoAccuracy());

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ImplicitReward.compare(policy, reference, rm, pairs, beta, List.of(prompts.get(0)), judge));
            assertTrue(e.getMessage().contains(pairs.stream().filter(p -> !p.promptId().equals(prompts.get(0).id()))
                    .findFirst().orElseThrow().record()), e.getMessage());
        }
    }
}
