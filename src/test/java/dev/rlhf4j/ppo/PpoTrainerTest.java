package dev.rlhf4j.ppo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.core.RunningMoments;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.NoGrad;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.model.TokenBatch;
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
 * PpoTrainer's phases, one iteration of the tiny bundled model (batch 8, ≤ 12 new tokens) at a
 * fixed seed, recomputed here from the recorded rollout by hand: the forward pass (one unpadded
 * sequence at a time, log-softmax in double), the scores, the KL-shaped rewards, GAE, the
 * whitening, the first minibatch's loss, and every logged metric with TRL's meaning. γ = 0.99 and
 * λ = 0.9 (not 1 and 0.95) so a swapped or dropped coefficient shows. The reference is the bundled
 * small model (same tokenizer), not a copy of the policy, so the KL is far from 0 at the first
 * iteration and every KL-dependent number is exercised.
 */
class PpoTrainerTest {

    static final Path TINY = Home.resolve("datasets/pretrained/tiny");
    static final Path SMALL = Home.resolve("datasets/pretrained/small");
    static final long SEED = 5;
    static final int BATCH = 8;
    static final double GAMMA = 0.99;
    static final double LAM = 0.9;
    static final double PENALTY = 1.0;
    static List<Prompt> prompts;

    @BeforeAll
    static void readPrompts() {
        prompts = ReviewWorld.readPrompts(Home.resolve("datasets/reviews/prompts.csv")).stream()
                .filter(p -> !p.heldOut()).toList();
    }

    /** TRL's defaults except as named; one minibatch of the whole batch per epoch. */
    static PpoConfig config(int ppoEpochs, KlPenalty kl, boolean whitenRewards, boolean scaling, boolean norm,
            double scoreClip) {
        return new PpoConfig(2, 1e-4f, BATCH, BATCH, ppoEpochs, 0.2, true, 6, 10_000, GAMMA, LAM, 0.2, 0.2, 0.1, 0.0, kl,
                whitenRewards, scaling, norm, scoreClip, PENALTY, 10.0, 1.0f,
                SamplingConfig.defaults().withMaxNewTokens(12), "cpu", SEED);
    }

    /** What a run leaves: every iteration's rollout and metrics, and the per-token numbers of an untouched policy. */
    record Run(List<Rollout> rollouts, List<Map<String, Double>> metrics, List<Host> host) {}

    /** Runs {@code steps} iterations; {@code host} recomputes the first rollout with the policy's starting weights. */
    static Run run(PpoConfig config, int steps) {
        List<Rollout> rollouts = new ArrayList<>();
        List<Map<String, Double>> metrics = new ArrayList<>();
        try (PolicyModel policy = PolicyModel.of(Checkpoint.load(TINY, Device.cpu()), SEED);
                LanguageModel reference = Checkpoint.load(SMALL, Device.cpu());
                RewardModel rm = RewardModel.fromPretrained(Checkpoint.load(TINY, Device.cpu()), 1)) {
            PpoTrainer trainer = new PpoTrainer(policy, reference, rm, prompts, config);
            trainer.addListener((it, m, r) -> {
                rollouts.add(r);
                metrics.add(m);
            });
            for (int i = 0; i < steps; i++) {
                trainer.step();
            }
            List<Host> host = new ArrayList<>();
            try (PolicyModel before = PolicyModel.of(Checkpoint.load(TINY, Device.cpu()), SEED)) {
                Rollout r = rollouts.get(0);
                for (int i = 0; i < r.size(); i++) {
                    host.add(Host.of(before, reference, rm, r, i));
                }
            }
            return new Run(rollouts, metrics, host);
        }
    }

    /**
     * Row i recomputed alone (no padding, no batch): log π and log π_ref of the response tokens from
     * log-softmax in double, V(s_t), the exact entropy H_t and the full KL at each position, and the
     * reward model's normalised score of the (prompt, completion) scored alone.
     */
    record Host(double[] logp, double[] refLogp, double[] values, double[] entropy, double[] fullKl, double rawScore) {

        static Host of(PolicyModel before, LanguageModel reference, RewardModel rm, Rollout r, int i) {
            int[] seq = r.sequence(i);
            int q = r.queries().get(i).length;
            int n = r.responses().get(i).length;
            int vocab = before.lm().config().vocabSize();
            float[] logits;
            float[] refLogits;
            float[] values;
            try (NDManager work = before.lm().newWorkManager(); NoGrad g = NoGrad.enter()) {
                NDList in = TokenBatch.rightPadded(List.of(seq), before.lm().tokenizer().padId()).toInputs(work);
                NDList out = before.forward(in);
                logits = out.get(0).toFloatArray();     // [1, L, V]
                values = out.get(1).toFloatArray();     // [1, L]
                refLogits = reference.forward(in, false).get(0).toFloatArray();
            }
            double[] logp = new double[n];
            double[] ref = new double[n];
            double[] v = new double[n];
            double[] h = new double[n];
            double[] full = new double[n];
            for (int t = 0; t < n; t++) {
                int pos = q - 1 + t;               // the position whose next token is response token t
                int token = seq[q + t];
                double[] lp = logSoftmax(logits, pos * vocab, vocab);
                double[] lr = logSoftmax(refLogits, pos * vocab, vocab);
                logp[t] = lp[token];
                ref[t] = lr[token];
                v[t] = values[pos];                // V(s_t): the context before token t
                for (int k = 0; k < vocab; k++) {
                    h[t] -= Math.exp(lp[k]) * lp[k];                 // H_t = −Σ π log π
                    full[t] += Math.exp(lp[k]) * (lp[k] - lr[k]);    // Σ π (log π − log π_ref)
                }
            }
            double score = rm.normalizedScore(List.of(r.prompts().get(i).text()), List.of(r.completions().get(i)))[0];
            return new Host(logp, ref, v, h, full, score);
        }

        static double[] logSoftmax(float[] flat, int from, int vocab) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < vocab; k++) {
                max = Math.max(max, flat[from + k]);
            }
            double sum = 0;
            for (int k = 0; k < vocab; k++) {
                sum += Math.exp(flat[from + k] - max);
            }
            double log = max + Math.log(sum);
            double[] out = new double[vocab];
            for (int k = 0; k < vocab; k++) {
                out[k] = flat[from + k] - log;
            }
            return out;
        }
    }

    /** GAE by hand: A_t = Σ_k (γλ)^k δ_{t+k}, δ_t = r_t + γ·V_{t+1} − V_t, V after the last token 0. */
    static double[][] advantagesByHand(double[][] rewards, double[][] values) {
        double[][] a = new double[rewards.length][];
        for (int i = 0; i < rewards.length; i++) {
            int n = rewards[i].length;
            a[i] = new double[n];
            for (int t = 0; t < n; t++) {
                double discount = 1;
                for (int k = t; k < n; k++) {
                    double next = k + 1 < n ? values[i][k + 1] : 0;
                    a[i][t] += discount * (rewards[i][k] + GAMMA * next - values[i][k]);
                    discount *= GAMMA * LAM;
                }
            }
        }
        return a;
    }

    /** (x − mean)/sqrt(var + 1e-8) over every entry of every row, var unbiased; the mean is added back unless shift. */
    static double[][] whitenByHand(double[][] rows, boolean shift) {
        double sum = 0;
        int n = 0;
        for (double[] r : rows) {
            for (double x : r) {
                sum += x;
                n++;
            }
        }
        double mean = sum / n;
        double ss = 0;
        for (double[] r : rows) {
            for (double x : r) {
                ss += (x - mean) * (x - mean);
            }
        }
        double scale = 1 / Math.sqrt(ss / (n - 1) + 1e-8);
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = new double[rows[i].length];
            for (int t = 0; t < rows[i].length; t++) {
                out[i][t] = (rows[i][t] - mean) * scale + (shift ? 0 : mean);
            }
        }
        return out;
    }

    static double[] penalized(Rollout r) {
        double[] s = new double[r.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = r.rawScores()[i] - (r.finished()[i] ? 0 : PENALTY);
        }
        return s;
    }

    static double mean(double[] xs) {
        double s = 0;
        for (double x : xs) {
            s += x / xs.length;
        }
        return s;
    }

    static double unbiasedVar(double[] xs) {
        double mu = mean(xs);
        double s = 0;
        for (double x : xs) {
            s += (x - mu) * (x - mu);
        }
        return s / (xs.length - 1);
    }

    static double[] flat(double[][] rows) {
        return PpoArrays.concat(rows);
    }

    /** r_t = −β·KL_t, plus the score on the last token. */
    static double[][] shapedRewards(double[][] kl, double[] scores, double beta) {
        double[][] rewards = new double[kl.length][];
        for (int i = 0; i < kl.length; i++) {
            rewards[i] = new double[kl[i].length];
            for (int t = 0; t < kl[i].length; t++) {
                rewards[i][t] = -beta * kl[i][t] + (t == kl[i].length - 1 ? scores[i] : 0);
            }
        }
        return rewards;
    }

    static void assertRows(double[][] expected, double[][] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": rows");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i].length, actual[i].length, what + ": length of row " + i);
            for (int t = 0; t < expected[i].length; t++) {
                assertEquals(expected[i][t], actual[i][t], tol, what + " row " + i + " token " + t);
            }
        }
    }

    /** One iteration with the k1 estimator, every phase and metric recomputed. */
    @Test
    void oneIterationPhaseByPhase() {
        PpoConfig config = config(1, KlPenalty.KL, false, false, false, Double.NaN);
        Run run = run(config, 1);
        Rollout r = run.rollouts().get(0);
        Map<String, Double> m = run.metrics().get(0);
        int n = r.size();
        assertEquals(BATCH, n);
        double beta = 0.2;
        assertEquals(beta, r.beta());

        // (2) scores: each scored alone; the missing-EOS penalty on responses that never ended
        double[] penalized = penalized(r);
        for (int i = 0; i < n; i++) {
            assertEquals(run.host().get(i).rawScore(), r.rawScores()[i], 1e-4, "raw score " + i);
            assertEquals(penalized[i], r.scores()[i], 1e-12, "score " + i);
        }
        // (3) forward: each sequence alone, unpadded
        for (int i = 0; i < n; i++) {
            Host h = run.host().get(i);
            for (int t = 0; t < h.logp().length; t++) {
                assertEquals(h.logp()[t], r.logprobs()[i][t], 1e-4, "logprob row " + i + " token " + t);
                assertEquals(h.refLogp()[t], r.refLogprobs()[i][t], 1e-4, "ref logprob row " + i + " token " + t);
                assertEquals(h.values()[t], r.values()[i][t], 1e-4, "value row " + i + " token " + t);
            }
        }
        // (4) KL_t = logp − logp_ref; r_t = −β·KL_t (+ score at the last token)
        double[][] kl = new double[n][];
        for (int i = 0; i < n; i++) {
            kl[i] = new double[r.logprobs()[i].length];
            for (int t = 0; t < kl[i].length; t++) {
                kl[i][t] = r.logprobs()[i][t] - r.refLogprobs()[i][t];
            }
        }
        assertRows(kl, r.kl(), 1e-12, "KL");
        assertRows(shapedRewards(kl, r.scores(), beta), r.rewards(), 1e-12, "reward");
        // (5) GAE, returns before whitening, advantages whitened over the batch
        double[][] adv = advantagesByHand(r.rewards(), r.values());
        double[][] ret = new double[n][];
        for (int i = 0; i < n; i++) {
            ret[i] = new double[adv[i].length];
            for (int t = 0; t < adv[i].length; t++) {
                ret[i][t] = adv[i][t] + r.values()[i][t];
            }
        }
        assertRows(ret, r.returns(), 1e-9, "return");
        assertRows(whitenByHand(adv, true), r.advantages(), 1e-9, "whitened advantage");

        // (7) metrics, TRL's meanings
        double tokens = 0;
        double klSum = 0;
        double sampledEntropy = 0;
        double exactEntropy = 0;
        for (int i = 0; i < n; i++) {
            tokens += kl[i].length;
            for (int t = 0; t < kl[i].length; t++) {
                klSum += kl[i][t];
                sampledEntropy -= r.logprobs()[i][t];
                exactEntropy += run.host().get(i).entropy()[t];
            }
        }
        double meanKl = klSum / n;
        assertEquals(meanKl, m.get("objective/kl"), 1e-12, "mean over sequences of Σ_t KL_t");
        assertEquals(beta, m.get("objective/kl_coef"), 0);
        double e = Math.max(-0.2, Math.min(0.2, meanKl / 6 - 1));
        assertEquals(beta * (1 + e * BATCH / 10_000.0), m.get("objective/kl_coef_next"), 1e-15, "controller saw mean KL, n = batch");
        assertEquals(-beta * klSum / tokens, m.get("ppo/mean_non_score_reward"), 1e-12, "per-token mean of −β·KL");
        assertEquals(sampledEntropy / n, m.get("objective/entropy"), 1e-12, "TRL: mean Σ_t −log π(a_t)");
        assertEquals(exactEntropy / n, m.get("objective/entropy_exact"), 1e-3, "mean Σ_t H_t");
        assertEquals(mean(penalized), m.get("env/reward_mean"), 1e-12);
        assertEquals(Math.sqrt(unbiasedVar(penalized)), m.get("env/reward_std"), 1e-12, "unbiased, as torch.std");
        assertEquals(mean(r.scores()), m.get("ppo/mean_scores"), 1e-12);
        assertEquals(Math.sqrt(unbiasedVar(r.scores())), m.get("ppo/std_scores"), 1e-12);
        assertEquals(mean(r.rawScores()), m.get("env/raw_reward_mean"), 1e-12);

        // (6) the one minibatch ran on the starting weights: ρ = 1 and V = V_old, so the loss is computable
        double[] values = flat(r.values());
        double[] returns = flat(ret);
        double[] hostValues = new double[values.length];
        int k = 0;
        for (Host h : run.host()) {
            for (double v : h.values()) {
                hostValues[k++] = v;
            }
        }
        PpoLoss.Stats loss = PpoLoss.compute(flat(r.logprobs()), flat(r.logprobs()), flat(r.advantages()), hostValues,
                values, returns, config.lossConfig());
        assertEquals(loss.policy(), m.get("ppo/loss/policy"), 1e-5);
        assertEquals(loss.value(), m.get("ppo/loss/value"), 1e-4);
        assertEquals(loss.total(), m.get("ppo/loss/total"), 1e-4);
        assertEquals(1.0, m.get("ppo/policy/ratio"), 1e-5);
        assertEquals(0.0, m.get("ppo/policy/clipfrac"), 0);
        assertEquals(0.0, m.get("ppo/skipped_batches"), 0);
        double error = 0;
        double vpred = 0;
        for (int i = 0; i < returns.length; i++) {
            error += (hostValues[i] - returns[i]) * (hostValues[i] - returns[i]) / returns.length;
            vpred += hostValues[i] / returns.length;
        }
        assertEquals(vpred, m.get("ppo/val/vpred"), 1e-4);
        assertEquals(error, m.get("ppo/val/error"), 1e-4, "mean((V − R)²)");
        assertEquals(mean(returns), m.get("ppo/returns/mean"), 1e-5);
        assertEquals(unbiasedVar(returns), m.get("ppo/returns/var"), 1e-4, "unbiased");
        assertEquals(mean(values), m.get("ppo/val/mean"), 1e-5);
        assertEquals(unbiasedVar(values), m.get("ppo/val/var"), 1e-4);
        assertEquals(mean(flat(r.advantages())), m.get("ppo/policy/advantages_mean"), 1e-6);
        assertEquals(1 - error / unbiasedVar(returns), m.get("ppo/val/var_explained"), 1e-4, "1 − mean((V − R)²)/Var(R)");
        assertEquals(tokens / n, m.get("tokens/responses_len_mean"), 1e-12);
    }

    /**
     * Two trainers from the same checkpoints and seed: one runs {@code step()}, the other calls the
     * phases by hand (sample, score, forward, rollout, optimize, finish), as notebook 04 does. For two
     * iterations every metric (but the timings), every sample and every advantage is the same, so the
     * phases are the iteration and the second iteration starts from the same state.
     */
    @Test
    void phasesByHandAreTheIteration() {
        PpoConfig config = config(2, KlPenalty.KL, false, true, false, Double.NaN);
        List<Map<String, Double>> stepped = new ArrayList<>();
        List<Rollout> steppedRollouts = new ArrayList<>();
        try (PolicyModel policy = PolicyModel.of(Checkpoint.load(TINY, Device.cpu()), SEED);
                LanguageModel reference = Checkpoint.load(SMALL, Device.cpu());
                RewardModel rm = RewardModel.fromPretrained(Checkpoint.load(TINY, Device.cpu()), 1)) {
            PpoTrainer trainer = new PpoTrainer(policy, reference, rm, prompts, config);
            trainer.addListener((it, m, r) -> steppedRollouts.add(r));
            for (int i = 0; i < 2; i++) {
                stepped.add(trainer.step());
            }
        }
        try (PolicyModel policy = PolicyModel.of(Checkpoint.load(TINY, Device.cpu()), SEED);
                LanguageModel reference = Checkpoint.load(SMALL, Device.cpu());
                RewardModel rm = RewardModel.fromPretrained(Checkpoint.load(TINY, Device.cpu()), 1)) {
            PpoTrainer trainer = new PpoTrainer(policy, reference, rm, prompts, config);
            for (int i = 0; i < 2; i++) {
                PpoTrainer.Batch batch = trainer.sample();
                PpoTrainer.Scores scores = trainer.score(batch);
                PpoTrainer.ForwardPass f = trainer.forward(batch);
                Rollout r = trainer.rollout(batch, scores, f);
                MinibatchStats stats = trainer.optimize(r);
                Map<String, Double> m = trainer.finish(scores, f, r, stats);
                Rollout s = steppedRollouts.get(i);
                assertEquals(s.completions(), r.completions(), "iteration " + (i + 1) + ": the samples");
                for (int row = 0; row < r.size(); row++) {
                    org.junit.jupiter.api.Assertions.assertArrayEquals(s.advantages()[row], r.advantages()[row], 0.0,
                            "iteration " + (i + 1) + ", row " + row + ": the advantages");
                }
                Map<String, Double> expected = new java.util.TreeMap<>(stepped.get(i));
                expected.keySet().removeIf(key -> key.startsWith("time/"));
                assertEquals(expected, new java.util.TreeMap<>(m), "iteration " + (i + 1) + ": the metrics");
            }
            assertEquals(2, trainer.iteration());
        }
    }

    /**
     * Phase 3 takes the policy's log-probs, values and entropies recorded while sampling instead of a second
     * pass of the policy, and they are that pass's numbers: the same batch without them (the public
     * four-argument {@code Batch}) gets the full pass, and every log-prob, value and per-sequence entropy
     * agrees within 1e-5 (1e-4 for the entropy, a sum over the completion). The reference's log-probs are
     * the same either way.
     */
    @Test
    void forwardReusesWhatTheSamplerRecorded() {
        try (PolicyModel policy = PolicyModel.of(Checkpoint.load(TINY, Device.cpu()), SEED);
                LanguageModel reference = Checkpoint.load(SMALL, Device.cpu());
                RewardModel rm = RewardModel.fromPretrained(Checkpoint.load(TINY, Device.cpu()), 1)) {
            PpoTrainer trainer = new PpoTrainer(policy, reference, rm, prompts, config(1, KlPenalty.KL, false, false, false, Double.NaN));
            PpoTrainer.Batch batch = trainer.sample();
            PpoTrainer.ForwardPass reused = trainer.forward(batch);
            assertSame(batch.logprobs(), reused.logprobs(), "the sampler's log-probs are used");
            assertSame(batch.values(), reused.values(), "the sampler's values are used");
            PpoTrainer.ForwardPass full = trainer.forward(new PpoTrainer.Batch(batch.prompts(), batch.queries(),
                    batch.generation(), batch.completions()));
            int tokens = 0;
            for (int i = 0; i < batch.size(); i++) {
                int n = batch.generation().completions().get(i).length;
                tokens += n;
                assertEquals(n, reused.logprobs()[i].length, "row " + i);
                org.junit.jupiter.api.Assertions.assertArrayEquals(full.logprobs()[i], reused.logprobs()[i], 1e-5, "row " + i + ": log-probs");
                org.junit.jupiter.api.Assertions.assertArrayEquals(full.values()[i], reused.values()[i], 1e-5, "row " + i + ": values");
                org.junit.jupiter.api.Assertions.assertArrayEquals(full.refLogprobs()[i], reused.refLogprobs()[i], 0.0, "row " + i + ": reference");
                assertEquals(full.entropy()[i], reused.entropy()[i], 1e-4, "row " + i + ": entropy");
            }
            assertTrue(tokens >= batch.size() * 3, tokens + " tokens");
            double[][] short0 = batch.values().clone();
            short0[0] = java.util.Arrays.copyOf(short0[0], short0[0].length - 1);
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> trainer.forward(new PpoTrainer.Batch(batch.prompts(), batch.queries(), batch.generation(),
                            batch.completions(), batch.logprobs(), short0, batch.entropies())));
            assertTrue(e.getMessage().contains("values row 0 has " + short0[0].length + " numbers for a completion of "
                    + batch.values()[0].length + " tokens"), e.getMessage());
        }
    }

    /**
     * KlPenalty.FULL inside the trainer: KL_t is Σ_v π(v)(log π(v) − log π_ref(v)) of the policy and
     * reference rows at that position, the rewards and objective/kl use it. Two epochs: the second
     * minibatch's value predictions come from updated weights, and val/error must use them (TRL's
     * var_explained uses the training predictions, not a separate pass over the rollout's values).
     */
    @Test
    void fullKlEstimatorInsideTheTrainer() {
        Run run = run(config(2, KlPenalty.FULL, false, false, false, Double.NaN), 1);
        Rollout r = run.rollouts().get(0);
        Map<String, Double> m = run.metrics().get(0);
        double[][] full = new double[r.size()][];
        double klSum = 0;
        boolean differsFromK1 = false;
        for (int i = 0; i < r.size(); i++) {
            full[i] = run.host().get(i).fullKl();
            for (int t = 0; t < full[i].length; t++) {
                klSum += full[i][t];
                assertTrue(full[i][t] >= -1e-9, "the full KL is a true KL, ≥ 0");
                differsFromK1 |= Math.abs(full[i][t] - (r.logprobs()[i][t] - r.refLogprobs()[i][t])) > 1e-3;
            }
        }
        assertTrue(differsFromK1, "the example tells FULL from k1");
        assertRows(full, r.kl(), 1e-5, "full KL");
        assertRows(shapedRewards(r.kl(), r.scores(), 0.2), r.rewards(), 1e-12, "reward");
        assertEquals(klSum / r.size(), m.get("objective/kl"), 1e-4);

        double[] returns = flat(r.returns());
        double[] values = flat(r.values());
        double rolloutError = 0;
        for (int i = 0; i < returns.length; i++) {
            rolloutError += (values[i] - returns[i]) * (values[i] - returns[i]) / returns.length;
        }
        assertTrue(Math.abs(m.get("ppo/val/error") - rolloutError) > 1e-2,
                "val/error averages the training predictions of both epochs, not the rollout's values: "
                        + m.get("ppo/val/error") + " vs " + rolloutError);
        assertEquals(unbiasedVar(returns), m.get("ppo/returns/var"), 1e-4, "both minibatches hold the whole batch");
        assertEquals(1 - m.get("ppo/val/error") / m.get("ppo/returns/var"), m.get("ppo/val/var_explained"), 1e-12);
    }

    /** whitenRewards: the shaped rewards are whitened over the batch's tokens with the mean kept, then GAE runs on them. */
    @Test
    void whitenRewardsWhitensTheShapedRewardsBeforeGae() {
        Run run = run(config(1, KlPenalty.KL, true, false, false, Double.NaN), 1);
        Rollout r = run.rollouts().get(0);
        double[][] shaped = shapedRewards(r.kl(), r.scores(), r.beta());
        double[][] whitened = whitenByHand(shaped, false);
        assertRows(whitened, r.rewards(), 1e-9, "whitened reward");
        double[][] adv = advantagesByHand(whitened, r.values());
        assertRows(whitenByHand(adv, true), r.advantages(), 1e-9, "whitened advantage");
    }

    /**
     * useScoreScaling over two iterations: each batch's scores are divided by (std + ε), std the
     * unbiased standard deviation of every pre-scaling score so far (8, then 16), ε = float32's
     * epsilon 2⁻²³; env/reward_* describe the scores before scaling, ppo/mean_scores after.
     */
    @Test
    void scoreScalingUsesTheRunningUnbiasedStdPlusEpsilon() {
        Run run = run(config(1, KlPenalty.KL, false, true, false, Double.NaN), 2);
        double eps = 1.1920928955078125e-7;
        List<Double> seen = new ArrayList<>();
        for (int it = 0; it < 2; it++) {
            Rollout r = run.rollouts().get(it);
            double[] before = penalized(r);
            for (double s : before) {
                seen.add(s);
            }
            double std = Math.sqrt(unbiasedVar(seen.stream().mapToDouble(Double::doubleValue).toArray()));
            for (int i = 0; i < r.size(); i++) {
                assertEquals(before[i] / (std + eps), r.scores()[i], 1e-12, "iteration " + (it + 1) + ", score " + i);
            }
            Map<String, Double> m = run.metrics().get(it);
            assertEquals(mean(before), m.get("env/reward_mean"), 1e-12, "before scaling");
            assertEquals(mean(r.scores()), m.get("ppo/mean_scores"), 1e-12, "after scaling");
        }
    }

    /** Equal scores in the first batch give std 0: TRL's ε keeps them finite, norm gives 0, clip bounds scaling. */
    @Test
    void equalScoresStayFinite() {
        double[] equal = {0.5, 0.5, 0.5, 0.5};
        double[] scaled = PpoTrainer.scaleAndClip(equal, new RunningMoments(), config(1, KlPenalty.KL, false, true, false,
                Double.NaN));
        double[] normed = PpoTrainer.scaleAndClip(equal, new RunningMoments(), config(1, KlPenalty.KL, false, true, true,
                Double.NaN));
        double[] clipped = PpoTrainer.scaleAndClip(equal, new RunningMoments(), config(1, KlPenalty.KL, false, true, false,
                3.0));
        for (int i = 0; i < equal.length; i++) {
            assertEquals(4194304.0, scaled[i], 0, "0.5/2⁻²³ = 2²²"); // 0.5 / (0 + ε)
            assertEquals(0.0, normed[i], 0);                           // (0.5 − 0.5)/(0 + ε)
            assertEquals(3.0, clipped[i], 0);
        }
        double[] unscaled = PpoTrainer.scaleAndClip(new double[] {1, 2}, new RunningMoments(),
                config(1, KlPenalty.KL, false, false, false, 1.5));
        assertEquals(1.0, unscaled[0], 0);
        assertEquals(1.5, unscaled[1], 0, "clip without scaling");
        double[] missing = PpoTrainer.penalizeMissingEos(new double[] {1, 1}, new boolean[] {true, false}, 0.25);
        assertEquals(1.0, missing[0], 0);
        assertEquals(0.75, missing[1], 0);
    }
}
