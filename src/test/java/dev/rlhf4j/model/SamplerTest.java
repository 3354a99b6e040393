package dev.rlhf4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link Sampler#pick} against hand-computed distributions, the draws of a whole generation, and NaN logits. */
class SamplerTest {

    static final int DRAWS = 100_000;
    static LanguageModel lm;

    @BeforeAll
    static void setUp() {
        lm = LanguageModel.create(GptTest.CONFIG, new FakeTokenizer(50), Device.cpu(), 3);
    }

    @AfterAll
    static void tearDown() {
        lm.close();
    }

    /** Empirical frequencies of {@code draws} picks from one row of logits. */
    static double[] frequencies(float[] logits, SamplingConfig c, long seed) {
        double[] f = new double[logits.length];
        Random rng = new Random(seed);
        for (int i = 0; i < DRAWS; i++) {
            f[Sampler.pick(logits, 0, logits.length, c, rng)] += 1.0 / DRAWS;
        }
        return f;
    }

    /** Tokens with probability 0 are never drawn; the others within 5 standard errors of their probability. */
    static void assertDrawsFollow(double[] expected, double[] freq, String what) {
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] == 0) {
                assertEquals(0, freq[i], what + ": token " + i + " is outside the kept set but was drawn");
            } else {
                double se = Math.sqrt(expected[i] * (1 - expected[i]) / DRAWS);
                assertEquals(expected[i], freq[i], 5 * se + 1e-9, what + ": token " + i);
            }
        }
    }

    static float[] logitsOf(double... probabilities) {
        float[] l = new float[probabilities.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = (float) Math.log(probabilities[i]);
        }
        return l;
    }

    /**
     * Top-k with k = 3 of logits (2, 1, 0.5, 0, −1, 3) keeps tokens 5, 0, 1: q = e^{3, 2, 1}/(e³ + e² + e)
     * = 0.6652, 0.2447, 0.0900; tokens 2, 3, 4 are never drawn.
     */
    @Test
    void topKKeepsTheKLargestLogits() {
        float[] logits = {2f, 1f, 0.5f, 0f, -1f, 3f};
        SamplingConfig c = SamplingConfig.defaults().withTopK(3);
        double z = Math.exp(3) + Math.exp(2) + Math.exp(1);
        double[] hand = {Math.exp(2) / z, Math.exp(1) / z, 0, 0, 0, Math.exp(3) / z};
        assertArrayEquals(hand, SamplingReference.distribution(logits, c), 1e-12);
        assertDrawsFollow(hand, frequencies(logits, c, 1), "top-k 3");
    }

    /**
     * Probabilities (0.5, 0.3, 0.15, 0.05): top-p 0.51 keeps {0, 1} — token 1 crosses 0.51 and is
     * kept — renormalised to (0.625, 0.375); top-p 0.49 keeps token 0 alone; top-p 0.81 keeps three.
     */
    @Test
    void topPKeepsTheTokenThatCrossesP() {
        float[] logits = logitsOf(0.05, 0.5, 0.15, 0.3); // shuffled ids: 1 (0.5), 3 (0.3), 2 (0.15), 0 (0.05)
        assertDrawsFollow(new double[] {0, 0.625, 0, 0.375}, frequencies(logits, SamplingConfig.defaults().withTopP(0.51f), 2),
                "top-p 0.51");
        assertDrawsFollow(new double[] {0, 1, 0, 0}, frequencies(logits, SamplingConfig.defaults().withTopP(0.49f), 3),
                "top-p 0.49");
        assertDrawsFollow(new double[] {0, 0.5 / 0.95, 0.15 / 0.95, 0.3 / 0.95},
                frequencies(logits, SamplingConfig.defaults().withTopP(0.81f), 4), "top-p 0.81");
    }

    /** Temperature first, then top-k, then top-p: T = 0.5 turns (0.5, 0.3, 0.15, 0.05) into ∝ p², top-k 3, top-p 0.8. */
    @Test
    void temperatureThenTopKThenTopP() {
        float[] logits = logitsOf(0.5, 0.3, 0.15, 0.05);
        double[] sq = {0.25, 0.09, 0.0225, 0}; // p^(1/T) of the top 3; 0.05 is cut by top-k
        double z = sq[0] + sq[1] + sq[2];
        // renormalised: 0.6897, 0.2483, 0.0621; cumulative 0.6897 < 0.8 ≤ 0.9379: top-p keeps tokens 0 and 1
        double[] hand = {sq[0] / (sq[0] + sq[1]), sq[1] / (sq[0] + sq[1]), 0, 0};
        assertTrue(sq[0] / z < 0.8 && (sq[0] + sq[1]) / z >= 0.8);
        SamplingConfig c = SamplingConfig.defaults().withTemperature(0.5f).withTopK(3).withTopP(0.8f);
        assertArrayEquals(hand, SamplingReference.distribution(logits, c), 1e-6);
        assertDrawsFollow(hand, frequencies(logits, c, 5), "T 0.5, top-k 3, top-p 0.8");
        double[] hot = SamplingReference.distribution(logits, SamplingConfig.defaults().withTemperature(2f));
        assertDrawsFollow(hot, frequencies(logits, SamplingConfig.defaults().withTemperature(2f), 6), "T 2");
        assertEquals(Math.sqrt(0.5) / (Math.sqrt(0.5) + Math.sqrt(0.3) + Math.sqrt(0.15) + Math.sqrt(0.05)), hot[0], 1e-6);
    }

    /** pick reads the row at {@code offset}, not the first row of the batch. */
    @Test
    void pickReadsItsOwnRow() {
        float[] two = {5f, 0f, 0f, 0f, 0f, 0f, 7f, 0f};
        assertEquals(0, Sampler.pick(two, 0, 4, SamplingConfig.greedy(), new Random(1)));
        assertEquals(2, Sampler.pick(two, 4, 4, SamplingConfig.greedy(), new Random(1)));
        assertEquals(2, Sampler.pick(two, 4, 4, SamplingConfig.defaults().withTopK(1), new Random(1)));
    }

    /**
     * Every token of a sampled batch (left-padded prompts, KV cache, temperature, top-k and top-p) is
     * the inverse-CDF draw, with the row's own random stream, from the distribution computed by hand
     * from a full forward pass of that row alone: the sampler draws from the logits of the right
     * position, with temperature, top-k and top-p applied as documented.
     */
    @Test
    void generatedTokensAreDrawsFromTheDocumentedDistribution() {
        for (SamplingConfig c : List.of(SamplingConfig.defaults().withMaxNewTokens(12),
                SamplingConfig.defaults().withTemperature(0.7f).withTopK(8).withTopP(0.8f).withMaxNewTokens(12),
                SamplingConfig.defaults().withTemperature(1.5f).withTopP(0.6f).withMaxNewTokens(12).withKvCache(false))) {
            List<int[]> prompts = List.of(new int[] {1, 7, 8, 9, 10}, new int[] {1}, new int[] {1, 20, 21});
            Generation g = Sampler.generate(lm, prompts, c, new Random(11));
            Random seeds = new Random(11);
            int checked = 0;
            for (int r = 0; r < prompts.size(); r++) {
                Random row = new Random(seeds.nextLong()); // the sampler's per-row stream
                int[] seq = g.sequence(r);
                float[][] logits = lm.logits(seq);
                int p = prompts.get(r).length;
                for (int t = 0; t < g.completions().get(r).length; t++) {
                    double[] q = SamplingReference.distribution(logits[p - 1 + t], c); // predicts token p + t
                    assertEquals(SamplingReference.draw(q, row.nextDouble()), seq[p + t], c + ": row " + r + ", token " + t);
                    checked++;
                }
            }
            assertTrue(checked >= 12, "checked " + checked + " draws");
        }
    }

    /**
     * Rows leave the batch when they finish: sixteen prompts sampled hot enough that EOS comes at
     * different steps. The observer sees rows dropped (NaN) while others go on; with and without the
     * KV cache every row's logits at every step are those (1e-5) of a full forward pass of that row alone,
     * its tokens the documented draws from them, and the first rows of the batch are what a smaller batch of those prompts gives.
     */
    @Test
    void finishedRowsLeaveTheBatchWithoutChangingAnyRow() {
        Random r = new Random(5);
        List<int[]> prompts = SamplingReference.randomSequences(r, 16, 1, 3);
        for (boolean cache : new boolean[] {true, false}) {
            SamplingConfig c = SamplingConfig.defaults().withTemperature(3f).withMaxNewTokens(28).withKvCache(cache);
            int[] dropped = new int[1];
            List<float[]> seen = new java.util.ArrayList<>();
            Generation g = Sampler.generate(lm, prompts, c, new Random(3), (step, logits) -> {
                seen.add(logits);
                int nan = 0;
                for (int row = 0; row < prompts.size(); row++) {
                    nan += Float.isNaN(logits[row * lm.config().vocabSize()]) ? 1 : 0;
                }
                dropped[0] = Math.max(dropped[0], nan);
            });
            int finished = 0;
            java.util.Set<Integer> lengths = new java.util.HashSet<>();
            for (int row = 0; row < prompts.size(); row++) {
                finished += g.finished()[row] ? 1 : 0;
                lengths.add(g.completions().get(row).length);
            }
            assertTrue(dropped[0] >= 4 && lengths.size() >= 4, "cache " + cache + ": " + finished + " rows finished, "
                    + dropped[0] + " left the batch, " + lengths.size() + " different lengths");
            Random seeds = new Random(3);
            for (int row = 0; row < prompts.size(); row++) {
                Random own = new Random(seeds.nextLong());
                int[] seq = g.sequence(row);
                float[][] logits = lm.logits(seq);
                int p = prompts.get(row).length;
                int v = lm.config().vocabSize();
                for (int t = 0; t < g.completions().get(row).length; t++) {
                    assertArrayEquals(logits[p - 1 + t], Arrays.copyOfRange(seen.get(t), row * v, (row + 1) * v), 1e-5f,
                            "cache " + cache + ": row " + row + "'s logits at step " + t);
                    double[] q = SamplingReference.distribution(logits[p - 1 + t], c);
                    assertEquals(SamplingReference.draw(q, own.nextDouble()), seq[p + t],
                            "cache " + cache + ": row " + row + ", token " + t);
                }
            }
            Generation first5 = Sampler.generate(lm, prompts.subList(0, 5), c, new Random(3));
            for (int row = 0; row < 5; row++) {
                assertArrayEquals(g.completions().get(row), first5.completions().get(row), "cache " + cache + ": row " + row);
            }
        }
    }

    /**
     * {@link Sampler#generateScored}: the tokens {@code generate} draws with the same arguments, and for every
     * token its log-probability and entropy under softmax(logits) of a full forward pass of its row alone —
     * the model's own distribution, not the tempered or truncated one the draw used — and the readout
     * w·h + b of that pass's hidden state, within 1e-5. With and without the KV cache; at temperature 1
     * (the draw's weights are reused) and at temperature 3 with top-k 10 (recomputed); rows finish early
     * and leave the batch.
     */
    @Test
    void scoredGenerationReportsTheModelsOwnNumbers() {
        Random r = new Random(9);
        List<int[]> prompts = SamplingReference.randomSequences(r, 12, 1, 3);
        int e = lm.config().nEmbd();
        float[] w = new float[e];
        for (int j = 0; j < e; j++) {
            w[j] = (float) r.nextGaussian();
        }
        float bias = 0.25f;
        for (SamplingConfig c : List.of(SamplingConfig.defaults().withMaxNewTokens(20),
                SamplingConfig.defaults().withTemperature(3f).withTopK(10).withMaxNewTokens(20),
                SamplingConfig.defaults().withTemperature(3f).withMaxNewTokens(20).withKvCache(false))) {
            Sampler.Scored s = Sampler.generateScored(lm, prompts, c, new Random(4), w, bias);
            Generation g = Sampler.generate(lm, prompts, c, new Random(4));
            int lengths = 0;
            for (int row = 0; row < prompts.size(); row++) {
                assertArrayEquals(g.completions().get(row), s.generation().completions().get(row), c + ": row " + row + "'s tokens");
                int[] seq = g.sequence(row);
                int p = prompts.get(row).length;
                float[][] logits = lm.logits(seq);
                float[] hidden;
                try (ai.djl.ndarray.NDManager m = lm.newWorkManager()) {
                    hidden = lm.hidden(TokenBatch.rightPadded(List.of(seq), lm.tokenizer().padId()).toInputs(m), false)
                            .toFloatArray(); // [1, T, E]
                }
                int n = g.completions().get(row).length;
                lengths += n;
                assertEquals(n, s.logprobs()[row].length);
                for (int t = 0; t < n; t++) {
                    double[] ref = SamplingReference.logProbAndEntropy(logits[p - 1 + t], seq[p + t]);
                    double readout = bias;
                    for (int j = 0; j < e; j++) {
                        readout += w[j] * hidden[(p - 1 + t) * e + j];
                    }
                    String at = c + ": row " + row + ", token " + t;
                    assertEquals(ref[0], s.logprobs()[row][t], 1e-5, at + ": log-probability");
                    assertEquals(ref[1], s.entropies()[row][t], 1e-5, at + ": entropy");
                    assertEquals(readout, s.readouts()[row][t], 1e-5, at + ": readout");
                }
            }
            assertTrue(lengths > prompts.size() * 3, c + ": only " + lengths + " tokens sampled");
        }
        assertEquals(null, Sampler.generateScored(lm, prompts, SamplingConfig.defaults().withMaxNewTokens(3), new Random(4),
                null, 0f).readouts());
        assertThrows(IllegalArgumentException.class,
                () -> Sampler.generateScored(lm, prompts, SamplingConfig.defaults(), new Random(4), new float[e + 1], 0f));
    }

    /**
     * Small decoding steps run on one intra-op thread: the sampler switches while it samples and
     * leaves the engine's thread count as it found it, after a normal run and after a failure.
     */
    @Test
    void theThreadCountIsRestored() {
        int before = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        int[] during = new int[1];
        Sampler.generate(lm, List.of(new int[] {1, 5}, new int[] {1}), SamplingConfig.defaults().withMaxNewTokens(6),
                new Random(1), (step, logits) -> during[0] = Math.max(during[0], step > 0 ? ai.djl.pytorch.jni.JniUtils.getNumThreads() : 0));
        assertEquals(before, ai.djl.pytorch.jni.JniUtils.getNumThreads());
        if (before > 1) {
            assertEquals(1, during[0], "2 rows of a width-32 model decode on one thread");
        }
        assertThrows(IllegalStateException.class, () -> Sampler.generate(lm, List.of(new int[] {1, 5}),
                SamplingConfig.defaults().withMaxNewTokens(6), new Random(1), (step, logits) -> {
                    if (step == 2) {
                        throw new IllegalStateException("stopped mid-sampling");
                    }
                }));
        assertEquals(before, ai.djl.pytorch.jni.JniUtils.getNumThreads());
    }

    /** A diverged model (NaN weights) stops the sampler with a message instead of "sampling" token 0. */
    @Test
    void nanLogitsFailClearly() {
        try (LanguageModel broken = LanguageModel.create(GptTest.CONFIG, new FakeTokenizer(50), Device.cpu(), 3)) {
            NDArray w = broken.parameters().get("ln_f.weight").getArray();
            float[] nan = new float[(int) w.size()];
            Arrays.fill(nan, Float.NaN);
            w.set(nan);
            List<int[]> prompts = List.of(new int[] {1, 7}, new int[] {1, 8, 9});
            for (SamplingConfig c : List.of(SamplingConfig.greedy(), SamplingConfig.defaults())) {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> Sampler.generate(broken, prompts, c.withMaxNewTokens(4), new Random(1)));
                assertTrue(e.getMessage().startsWith("Sampler: the next-token logits of row 0 at decoding step 0 (position 2)"
                        + " are not a distribution: 50 of 50 logits are NaN or +inf"), e.getMessage());
                assertTrue(e.getMessage().contains("diverged"), e.getMessage());
            }
        }
        float[] row = {0.5f, Float.NaN, 1f};
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Sampler.pick(row, 0, 3, SamplingConfig.defaults(), new Random(1)));
        assertTrue(e.getMessage().contains("1 of 3 logits are NaN or +inf (the first at token id 1: NaN)"), e.getMessage());
        float[] inf = {0f, Float.POSITIVE_INFINITY};
        assertThrows(IllegalStateException.class, () -> Sampler.pick(inf, 0, 2, SamplingConfig.greedy(), new Random(1)));
        float[] none = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        e = assertThrows(IllegalStateException.class, () -> Sampler.pick(none, 0, 2, SamplingConfig.defaults(), new Random(1)));
        assertTrue(e.getMessage().contains("all 2 logits are -inf"), e.getMessage());
        float[] masked = {Float.NEGATIVE_INFINITY, 0f, Float.NEGATIVE_INFINITY};
        assertEquals(1, Sampler.pick(masked, 0, 3, SamplingConfig.defaults(), new Random(1)), "−∞ is probability 0, not an error");
        assertEquals(1, Sampler.pick(masked, 0, 3, SamplingConfig.greedy(), new Random(1)));
    }
}
