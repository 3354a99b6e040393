package dev.rlhf4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GptTest {

    static final GptConfig CONFIG = new GptConfig(50, 32, 2, 4, 32, 0f, GptConfig.Activation.GELU, 1e-5f);
    static LanguageModel lm;

    @BeforeAll
    static void setUp() {
        lm = LanguageModel.create(CONFIG, new FakeTokenizer(50), Device.cpu(), 3);
    }

    @AfterAll
    static void tearDown() {
        lm.close();
    }

    @Test
    void parameterCountMatchesConfig() {
        assertEquals(CONFIG.parameterCount(), lm.parameterCount());
    }

    /** hidden() is forward()'s hidden output without the head, and head() on it gives forward()'s logits. */
    @Test
    void hiddenAndHeadMatchTheFullForward() {
        try (ai.djl.ndarray.NDManager work = lm.newWorkManager(); NoGrad g = NoGrad.enter()) {
            ai.djl.ndarray.NDList in = TokenBatch.rightPadded(java.util.List.of(new int[] {1, 5, 9, 13}, new int[] {1, 7}),
                    0).toInputs(work);
            ai.djl.ndarray.NDList full = lm.forward(in, false);
            ai.djl.ndarray.NDArray hidden = lm.hidden(in, false);
            assertArrayEquals(full.get(1).toFloatArray(), hidden.toFloatArray(), 0f);
            assertArrayEquals(full.get(0).toFloatArray(), lm.head(hidden).toFloatArray(), 1e-6f);
            assertEquals(full.get(0).getShape(), lm.head(hidden).getShape());
        }
    }

    /**
     * {@link LanguageModel#hiddenAt} is {@link LanguageModel#hidden} at the slots asked for, in their order
     * (1e-5), and so are the gradients it gives every parameter for the same loss (1e-5 of the largest, or
     * absolute below 1). Packed rows hold
     * several sequences, and the slots (each sequence's last token, some middle tokens too, shuffled) put 1
     * to 3 queries in a row, so rows repeat slots to fill theirs; then one sequence per row.
     */
    @Test
    void hiddenAtIsHiddenAtThoseSlotsWithTheSameGradients() {
        Random r = new Random(11);
        List<int[]> seqs = SamplingReference.randomSequences(r, 9, 3, 12);
        for (TokenBatch batch : List.of(TokenBatch.packed(seqs, 0, CONFIG.nEmbd()), TokenBatch.rightPadded(seqs, 0))) {
            List<Long> picked = new ArrayList<>();
            for (int i = 0; i < seqs.size(); i++) {
                picked.add((long) batch.slot(i, seqs.get(i).length - 1));
                if (i % 3 == 0) {
                    picked.add((long) batch.slot(i, 1));
                }
            }
            java.util.Collections.shuffle(picked, r);
            long[] slots = picked.stream().mapToLong(Long::longValue).toArray();
            int e = CONFIG.nEmbd();
            float[] weights = new float[slots.length * e];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = (float) r.nextGaussian();
            }
            float[][] out = new float[2][];
            List<List<float[]>> grads = new ArrayList<>();
            for (int way = 0; way < 2; way++) {
                try (ai.djl.ndarray.NDManager work = lm.newWorkManager();
                        ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                    ai.djl.ndarray.NDList in = batch.toInputs(work);
                    ai.djl.ndarray.NDArray h = way == 0
                            ? lm.hidden(in, false).reshape(-1, e).get(work.create(slots))
                            : lm.hiddenAt(in, slots, false);
                    assertEquals(new ai.djl.ndarray.types.Shape(slots.length, e), h.getShape());
                    out[way] = h.toFloatArray();
                    gc.backward(h.mul(work.create(weights, h.getShape())).sum()); // a loss that reads every output
                    List<float[]> g = new ArrayList<>();
                    for (ai.djl.nn.Parameter param : lm.parameters().values()) {
                        ai.djl.ndarray.NDArray grad = param.getArray().getGradient();
                        g.add(grad.toFloatArray());
                        grad.subi(grad); // zero for the other way
                    }
                    grads.add(g);
                }
            }
            assertArrayEquals(out[0], out[1], 1e-5f, batch.batchSize() + " rows: the hidden states");
            List<String> names = new ArrayList<>(lm.parameters().keySet());
            for (int i = 0; i < names.size(); i++) {
                float scale = 1f;
                for (float x : grads.get(0).get(i)) {
                    scale = Math.max(scale, Math.abs(x));
                }
                assertArrayEquals(grads.get(0).get(i), grads.get(1).get(i), 1e-5f * scale, // float sums in another order
                        batch.batchSize() + " rows: gradient of " + names.get(i));
            }
            float largest = 0f;
            for (float x : grads.get(1).get(names.indexOf("h.1.mlp.c_fc.weight"))) {
                largest = Math.max(largest, Math.abs(x));
            }
            assertTrue(largest > 1e-3f, "the last block's MLP gets a gradient: largest " + largest);
        }
        assertTrue(TokenBatch.packed(seqs, 0, CONFIG.nEmbd()).batchSize() < seqs.size(), "rows were shared");
    }

    /** Changing the tokens after position t leaves the logits at positions ≤ t unchanged. */
    @Test
    void causal() {
        int[] a = {1, 5, 9, 13, 17, 21, 25, 29, 33, 37};
        int[] b = a.clone();
        int t = 4;
        for (int i = t + 1; i < b.length; i++) {
            b[i] = 40 - i;
        }
        float[][] la = lm.logits(a);
        float[][] lb = lm.logits(b);
        for (int i = 0; i <= t; i++) {
            assertArrayEquals(la[i], lb[i], 1e-5f, "position " + i);
        }
        float diff = 0;
        for (int v = 0; v < CONFIG.vocabSize(); v++) {
            diff = Math.max(diff, Math.abs(la[t + 1][v] - lb[t + 1][v]));
        }
        assertTrue(diff > 1e-4, "position t+1 must see the changed token");
    }

    /**
     * Left padding inside a batch does not change a row's logits: at every step, the short prompt's
     * row of the batch [long, short] has the logits (1e-5) of the short prompt sampled alone, with and
     * without the KV cache, and so the same greedy tokens.
     */
    @Test
    void paddingDoesNotChangeOutputs() {
        int[] shortSeq = {1, 7, 8};
        int[] longSeq = {1, 4, 5, 6, 7, 8, 9};
        for (boolean cache : new boolean[] {true, false}) {
            SamplingConfig c = SamplingConfig.greedy().withMaxNewTokens(8).withKvCache(cache);
            List<float[]> aloneLogits = new ArrayList<>();
            List<float[]> batchedLogits = new ArrayList<>();
            Generation alone = Sampler.generate(lm, List.of(shortSeq), c, new Random(1), (step, l) -> aloneLogits.add(l));
            Generation batched = Sampler.generate(lm, List.of(longSeq, shortSeq), c, new Random(1),
                    (step, l) -> batchedLogits.add(l));
            assertArrayEquals(alone.completions().get(0), batched.completions().get(1));
            int v = CONFIG.vocabSize();
            int steps = alone.completions().get(0).length;
            assertTrue(steps >= 2, "compared " + steps + " steps");
            for (int step = 0; step < steps; step++) {
                assertArrayEquals(aloneLogits.get(step), Arrays.copyOfRange(batchedLogits.get(step), v, 2 * v), 1e-5f,
                        "cache " + cache + ", step " + step);
            }
        }
    }

    @Test
    void kvCacheGivesTheSameTokensGreedy() {
        sameWithAndWithoutCache(SamplingConfig.greedy().withMaxNewTokens(20));
    }

    @Test
    void kvCacheGivesTheSameTokensSampled() {
        sameWithAndWithoutCache(SamplingConfig.defaults().withMaxNewTokens(20));
        sameWithAndWithoutCache(SamplingConfig.defaults().withTemperature(0.8f).withTopK(10).withTopP(0.9f).withMaxNewTokens(20));
    }

    /**
     * Six left-padded prompts of lengths 1..6 sampled with and without the KV cache: the same tokens,
     * and at every step every unfinished row's logits equal (1e-5) those of a full forward pass of
     * that row's prompt and tokens so far, alone and unpadded — with the cache and without it.
     */
    private void sameWithAndWithoutCache(SamplingConfig config) {
        List<int[]> prompts = new ArrayList<>();
        Random r = new Random(7);
        for (int i = 0; i < 6; i++) {
            int[] p = new int[1 + r.nextInt(6)];
            p[0] = 1;
            for (int j = 1; j < p.length; j++) {
                p[j] = 4 + r.nextInt(40);
            }
            prompts.add(p);
        }
        List<float[]> cachedLogits = new ArrayList<>();
        List<float[]> uncachedLogits = new ArrayList<>();
        Generation cached = Sampler.generate(lm, prompts, config.withKvCache(true), new Random(11), (s, l) -> cachedLogits.add(l));
        Generation uncached = Sampler.generate(lm, prompts, config.withKvCache(false), new Random(11),
                (s, l) -> uncachedLogits.add(l));
        int v = CONFIG.vocabSize();
        long total = 0;
        for (int i = 0; i < prompts.size(); i++) {
            assertArrayEquals(uncached.completions().get(i), cached.completions().get(i), "row " + i);
            int[] seq = cached.sequence(i);
            float[][] full = lm.logits(seq); // [T][V] of the row alone
            int p = prompts.get(i).length;
            for (int step = 0; step < cached.completions().get(i).length; step++) {
                float[] expected = full[p - 1 + step]; // the logits that predict token p + step
                assertArrayEquals(expected, Arrays.copyOfRange(cachedLogits.get(step), i * v, (i + 1) * v), 1e-5f,
                        "KV cache, row " + i + ", step " + step);
                assertArrayEquals(expected, Arrays.copyOfRange(uncachedLogits.get(step), i * v, (i + 1) * v), 1e-5f,
                        "no cache, row " + i + ", step " + step);
            }
            total += cached.completions().get(i).length;
        }
        assertTrue(total > prompts.size(), "generated something");
    }

    /** Row i's sample does not depend on how many rows are sampled with it. */
    @Test
    void rowsAreIndependentOfBatchSize() {
        int[] p = {1, 7, 8};
        SamplingConfig c = SamplingConfig.defaults().withMaxNewTokens(12);
        Generation three = Sampler.generate(lm, List.of(p, p, p), c, new Random(5));
        Generation two = Sampler.generate(lm, List.of(p, p), c, new Random(5));
        assertArrayEquals(three.completions().get(0), two.completions().get(0));
        assertArrayEquals(three.completions().get(1), two.completions().get(1));
    }

    /**
     * Dropout keeps each element with probability 1 − p and scales it by 1/(1 − p): over 400,000 ones
     * the dropped share is p within 5 standard errors, every kept value is exactly 1/(1 − p), the same
     * seed gives the same mask, the gradient is the mask times 1/(1 − p), and p = 0 is the identity.
     */
    @Test
    void dropoutDropsAShareOfPAndScalesTheRest() {
        float p = 0.1f;
        int n = 400_000;
        float[][] draws = new float[2][];
        for (int rep = 0; rep < 2; rep++) {
            dev.rlhf4j.core.Seeds.seed(7);
            try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager(Device.cpu());
                    ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                ai.djl.ndarray.NDArray x = m.ones(new ai.djl.ndarray.types.Shape(n));
                x.setRequiresGradient(true);
                ai.djl.ndarray.NDArray y = Gpt.dropout(x, p);
                gc.backward(y.sum());
                draws[rep] = y.toFloatArray();
                assertArrayEquals(draws[rep], x.getGradient().toFloatArray(), 0f, "d(sum y)/dx is the scaled mask");
            }
        }
        assertArrayEquals(draws[0], draws[1], 0f, "same seed, same mask");
        float kept = 1f / (1f - p);
        int dropped = 0;
        for (float v : draws[0]) {
            assertTrue(v == 0f || v == kept, "a dropout output is 0 or 1/(1-p), found " + v);
            dropped += v == 0f ? 1 : 0;
        }
        double share = dropped / (double) n;
        assertEquals(p, share, 5 * Math.sqrt(p * (1 - p) / n), "share of dropped elements");
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager(Device.cpu())) {
            ai.djl.ndarray.NDArray x = m.ones(new ai.djl.ndarray.types.Shape(4));
            assertTrue(Gpt.dropout(x, 0f) == x, "p = 0 is the identity");
        }
    }
}
