package dev.rlhf4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.pytorch.jni.JniUtils;
import dev.rlhf4j.core.Rlhf4j;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class PpoSoakTest {

    /** The test JVM's current intra-op thread count, so that the soak does not change it for other tests. */
    private static int currentThreads() {
        Rlhf4j.init();
        return JniUtils.getNumThreads();
    }

    /**
     * 15 small PPO iterations (batch 8, minibatch 4, one epoch, 8 new tokens) on the bundled model:
     * after every iteration each model's NDManager holds exactly its parameters (policy: the
     * language model's 52 and the value head's 2; reference: 52; reward model: 52 + the score
     * head's 2), so nothing accumulates per iteration. About 5 s.
     */
    @Test
    void resourceCountsStayExactlyFlat() {
        PpoSoak.Options o = PpoSoak.Options.defaults().withThreads(currentThreads()).withOut(null)
                .withIterations(15, 5).withWork(8, 4, 1, 8).withProgress(0);
        PpoSoak.Result r = PpoSoak.run(o);
        assertTrue(r.countsFlat(), "counts changed after iteration " + r.firstCountChange() + ": " + r.table());
        assertArrayEquals(r.countsAtWarmup(), r.countsAtEnd());
        assertArrayEquals(r.parameterArrays(), r.countsAtEnd(), "arrays beyond the parameters: " + r.table());
        assertArrayEquals(new int[] {54, 52, 54}, r.parameterArrays()); // 52 GPT arrays + value / score head
        assertEquals(15, r.iterations());
    }

    /** The full soak (300 iterations, a few minutes): counts flat and RSS growth after warm-up at most 5%. */
    @Test
    @Tag("bench")
    void soakOf300Iterations() {
        PpoSoak.Result r = PpoSoak.run(PpoSoak.Options.defaults().withThreads(currentThreads()).withOut(null)
                .withProgress(0));
        assertTrue(r.countsFlat(), r.table());
        assertTrue(r.rssGrowthPct() <= 5, r.table());
    }
}
