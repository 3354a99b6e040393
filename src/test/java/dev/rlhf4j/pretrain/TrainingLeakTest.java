package dev.rlhf4j.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import dev.rlhf4j.model.GptConfig;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.LmOptimizer;
import dev.rlhf4j.model.LogProbs;
import dev.rlhf4j.model.Sampler;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.text.Tokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrainingLeakTest {

    /** A copy task the tiny model can learn: each window is a repeated random pattern. */
    private static long[][] batch(Random rng, int b, int width) {
        long[][] w = new long[b][width];
        for (int r = 0; r < b; r++) {
            int period = 4;
            long[] pattern = new long[period];
            for (int i = 0; i < period; i++) {
                pattern[i] = 4 + rng.nextInt(20);
            }
            for (int j = 0; j < width; j++) {
                w[r][j] = pattern[j % period];
            }
        }
        return w;
    }

    /**
     * 220 training steps (with sampling and scoring in between) leave the model's NDManager
     * holding exactly the arrays it held after warm-up; the loss falls and each update clears the
     * gradients.
     */
    @Test
    void resourceCountStaysFlatAndLossFalls() {
        GptConfig config = new GptConfig(32, 16, 2, 2, 32, 0.1f, GptConfig.Activation.GELU, 1e-5f);
        try (LanguageModel lm = LanguageModel.create(config, new Tiny(), Device.cpu(), 1)) {
            LmOptimizer opt = new LmOptimizer(lm.parameters(), 0.01f, 1.0f);
            Random rng = new Random(2);
            float first = 0;
            float last = 0;
            int afterWarmup = -1;
            for (int step = 0; step < 220; step++) {
                Pretrainer.Step r = Pretrainer.trainStep(lm, opt, batch(rng, 8, 17), 8, 16, 3e-3f);
                if (step == 0) {
                    first = r.loss();
                }
                last = r.loss();
                if (step % 20 == 0) {
                    Sampler.generate(lm, List.of(new int[] {1, 5, 6}), SamplingConfig.defaults().withMaxNewTokens(8), rng);
                    LogProbs.of(lm, List.of(new int[] {1, 5, 6, 7}));
                }
                if (step == 10) {
                    afterWarmup = lm.resourceCount();
                }
            }
            assertEquals(afterWarmup, lm.resourceCount(), "arrays on the model's manager after 220 steps");
            assertTrue(last < first * 0.5, "loss should fall: " + first + " -> " + last);
            for (var p : lm.parameters().values()) {
                NDArray g = p.getArray().getGradient();
                assertEquals(0f, g.abs().sum().getFloat(), 0f, "gradient of " + p.getName() + " after the update");
                g.close();
            }
        }
    }

    static final class Tiny implements Tokenizer {
        @Override public int[] encode(String text) { return new int[0]; }
        @Override public String decode(int[] ids) { return ""; }
        @Override public String token(int id) { return "t" + id; }
        @Override public int vocabSize() { return 32; }
        @Override public int bosId() { return 1; }
        @Override public int eosId() { return 2; }
        @Override public int padId() { return 0; }
        @Override public int unkId() { return 3; }
        @Override public void save(Path dir) { throw new UnsupportedOperationException(); }
    }
}
