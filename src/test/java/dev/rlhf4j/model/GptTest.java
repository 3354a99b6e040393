package dev.rlhf4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.util.ArrayList;
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

    /** Left padding inside a batch does not change a row's logits. */
    @Test
    void paddingDoesNotChangeOutputs() {
        int[] shortSeq = {1, 7, 8};
        int[] longSeq = {1, 4, 5, 6, 7, 8, 9};
        Generation alone = Sampler.generate(lm, List.of(shortSeq), SamplingConfig.greedy().withMaxNewTokens(8), new Random(1));
        Generation batched = Sampler.generate(lm, List.of(longSeq, shortSeq), SamplingConfig.greedy().withMaxNewTokens(8), new Random(1));
        assertArrayEquals(alone.completions().get(0), batched.completions().get(1));
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
        Generation cached = Sampler.generate(lm, prompts, config.withKvCache(true), new Random(11));
        Generation uncached = Sampler.generate(lm, prompts, config.withKvCache(false), new Random(11));
        long total = 0;
        for (int i = 0; i < prompts.size(); i++) {
            assertArrayEquals(uncached.completions().get(i), cached.completions().get(i), "row " + i);
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
}
