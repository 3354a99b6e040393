package dev.rlhf4j.ppo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.model.SamplingReference;
import dev.rlhf4j.reward.RewardModel;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewWorld;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;
import tech.tablesaw.api.Table;

/** One PPO iteration of the tiny bundled model (batch 8, minibatch 4, ≤ 16 new tokens), then its rollout token by token. */
class StepThroughTest {

    static final Path TINY = Home.resolve("datasets/pretrained/tiny");
    static final long SEED = 3;
    static PolicyModel policy;
    static PolicyModel before;
    static LanguageModel reference;
    static RewardModel rewardModel;
    static PpoConfig config;
    static Rollout rollout;

    @BeforeAll
    static void oneIteration() {
        List<Prompt> prompts = ReviewWorld.readPrompts(Home.resolve("datasets/reviews/prompts.csv"));
        policy = PolicyModel.of(Checkpoint.load(TINY, Device.cpu()), SEED);
        reference = Checkpoint.load(TINY, Device.cpu());
        rewardModel = RewardModel.fromPretrained(Checkpoint.load(TINY, Device.cpu()), 1);
        config = PpoConfig.defaults().toBuilder().batchSize(8).miniBatchSize(4).steps(1).seed(SEED)
                .sampling(SamplingConfig.defaults().withMaxNewTokens(16)).build();
        PpoTrainer trainer = new PpoTrainer(policy, reference, rewardModel, prompts, config);
        trainer.addListener((it, metrics, r) -> rollout = r);
        trainer.step();
        before = PolicyModel.of(Checkpoint.load(TINY, Device.cpu()), SEED); // the same weights the rollout sampled with
    }

    @AfterAll
    static void close() {
        for (AutoCloseable c : new AutoCloseable[] {policy, before, reference, rewardModel}) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void oneRecordPerResponseTokenWithTheRolloutsNumbers() {
        for (int row = 0; row < rollout.size(); row++) {
            StepThrough s = StepThrough.of(rollout, row, policy, config.cliprange());
            int[] resp = rollout.responses().get(row);
            assertEquals(resp.length, s.tokens().size());
            double beta = rollout.beta();
            for (StepThrough.Token k : s.tokens()) {
                int t = k.t();
                assertEquals(resp[t], k.id());
                assertEquals(policy.lm().tokenizer().token(resp[t]), k.text());
                assertEquals(rollout.logprobs()[row][t], k.logprob());
                assertEquals(rollout.refLogprobs()[row][t], k.refLogprob());
                assertEquals(rollout.values()[row][t], k.value());
                assertEquals(rollout.advantages()[row][t], k.advantage());
                assertEquals(rollout.returns()[row][t], k.ret());
                assertEquals(k.ret() - k.value(), k.rawAdvantage(), 1e-12);
                boolean last = t == resp.length - 1;
                double expected = -beta * rollout.kl()[row][t] + (last ? rollout.scores()[row] : 0); // r_t = −β·KL_t (+ score)
                assertEquals(expected, k.reward(), 1e-9, "row " + row + ", token " + t);
                assertEquals(expected, k.klPenalty() + k.score(), 1e-9);
            }
        }
    }

    @Test
    void theSamplingPolicyGivesRatioOne() {
        for (int row = 0; row < rollout.size(); row++) {
            for (StepThrough.Token k : StepThrough.of(rollout, row, before, config.cliprange()).tokens()) {
                assertEquals(k.logprob(), k.newLogprob(), 1e-4, "row " + row + ", token " + k.t());
                assertEquals(1.0, k.ratio(), 1e-4);
                assertFalse(k.clipped());
            }
        }
    }

    /**
     * The rollout's log π_old(token) is the log-probability of the distribution the sampler drew the
     * token from (temperature, top-k and top-p applied by hand to a full forward of the row alone, with
     * the weights that sampled), at the token's own position: an off-by-one between the sampled token
     * and the scored position, or a slice starting one column late, fails here (1e-5). The reference
     * starts from the same weights, so its log-probs are the same numbers.
     */
    @Test
    void rolloutLogprobsAreTheSamplingDistributions() {
        SamplingConfig sampling = config.sampling();
        int checked = 0;
        for (int row = 0; row < rollout.size(); row++) {
            int[] seq = rollout.sequence(row);
            int q = rollout.queries().get(row).length;
            float[][] logits = before.lm().logits(seq); // [T][V], the row alone, unpadded
            int[] resp = rollout.responses().get(row);
            assertEquals(resp.length, rollout.logprobs()[row].length);
            for (int t = 0; t < resp.length; t++) {
                double[] dist = SamplingReference.distribution(logits[q - 1 + t], sampling); // predicts seq[q + t]
                assertTrue(dist[resp[t]] > 0, "row " + row + ", token " + t + " was drawn from outside the kept set");
                double expected = Math.log(dist[resp[t]]);
                assertEquals(expected, rollout.logprobs()[row][t], 1e-5, "row " + row + ", token " + t);
                assertEquals(expected, rollout.refLogprobs()[row][t], 1e-5, "row " + row + ", token " + t);
                checked++;
            }
        }
        assertTrue(checked >= rollout.size(), "checked " + checked + " tokens");
    }

    @Test
    void afterTheUpdateRatiosMoveAndTheClipFlagFollowsPpoLoss() {
        int moved = 0;
        for (int row = 0; row < rollout.size(); row++) {
            for (StepThrough.Token k : StepThrough.of(rollout, row, policy, config.cliprange()).tokens()) {
                assertEquals(Math.exp(k.newLogprob() - k.logprob()), k.ratio(), 1e-12);
                assertEquals(PpoLoss.surrogateClipped(k.ratio(), k.advantage(), config.cliprange()), k.clipped());
                if (k.clipped()) {
                    assertTrue(k.ratio() < 1 - config.cliprange() || k.ratio() > 1 + config.cliprange());
                }
                moved += Math.abs(k.ratio() - 1) > 1e-3 ? 1 : 0;
            }
        }
        assertTrue(moved > 0, "the update changed some token's probability");
    }

    @Test
    void tableChartAndText() {
        StepThrough s = StepThrough.of(rollout, 0, policy, config.cliprange());
        int n = rollout.responses().get(0).length;
        Table t = s.table();
        assertEquals(List.of("t", "token", "logprob", "ref_logprob", "kl", "kl_penalty", "score", "reward", "value",
                "advantage", "raw_advantage", "return", "new_logprob", "ratio", "clipped"), t.columnNames());
        assertEquals(n, t.rowCount());
        assertArrayEquals(rollout.advantages()[0], t.doubleColumn("advantage").asDoubleArray(), 1e-12);
        assertArrayEquals(rollout.returns()[0], t.doubleColumn("return").asDoubleArray(), 1e-12);

        CategoryChart c = s.rewardChart();
        double[] penalty = values(c, StepThrough.KL_PENALTY);
        double[] score = values(c, StepThrough.SCORE);
        assertEquals(n, penalty.length);
        for (int i = 0; i < n; i++) {
            assertEquals(rollout.rewards()[0][i], penalty[i] + score[i], 1e-9, "bar " + i + " stacks to r_t");
            assertEquals(i == n - 1 ? rollout.scores()[0] : 0, score[i]);
        }

        String text = s.toString();
        assertEquals(3 + 1 + n, text.lines().count(), text);
        assertTrue(text.contains(rollout.completions().get(0)));
        assertTrue(text.lines().skip(3).findFirst().orElseThrow().contains("ρ"));
    }

    static double[] values(CategoryChart c, String series) {
        return c.getSeriesMap().get(series).getYData().stream().mapToDouble(Number::doubleValue).toArray();
    }

    @Test
    void withoutANewPolicyTheRatioIsNaN() {
        StepThrough s = StepThrough.of(rollout, 1, policy.lm().tokenizer());
        assertTrue(s.tokens().stream().allMatch(k -> Double.isNaN(k.ratio()) && !k.clipped()));
        assertEquals(rollout.responses().get(1).length, s.table().rowCount());
        assertThrows(IllegalArgumentException.class, () -> StepThrough.of(rollout, rollout.size(), policy, 0.2));
    }
}
