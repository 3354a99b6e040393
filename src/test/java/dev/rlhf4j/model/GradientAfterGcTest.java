package dev.rlhf4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.rlhf4j.core.Home;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A garbage collection between the forward pass and {@code backward} must not change the gradients
 * (DJL's number operands are freed buffers libtorch still reads: see {@code core.Scalars}).
 */
class GradientAfterGcTest {

    @Test
    void gcBetweenForwardAndBackwardChangesNothing() {
        try (LanguageModel lm = Checkpoint.load(Home.resolve("datasets/pretrained/tiny"), Device.cpu())) {
            int[] seq = lm.encodePrompt("the pasta was great and the staff was friendly .");
            float[] quiet = gradient(lm, seq, false);
            float[] collected = gradient(lm, seq, true);
            assertArrayEquals(quiet, collected, 0f);
        }
    }

    private static float[] gradient(LanguageModel lm, int[] seq, boolean gc) {
        NDArray w = lm.parameters().get("h.0.attn.c_attn.weight").getArray();
        try (NDManager work = lm.newWorkManager()) {
            NDList in = TokenBatch.rightPadded(List.of(seq), lm.tokenizer().padId()).toInputs(work);
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                NDArray loss = LogProbs.score(lm, in, false).logprobs().sum().neg();
                if (gc) {
                    for (int i = 0; i < 5; i++) {
                        System.gc();
                        byte[][] churn = new byte[64][];
                        for (int j = 0; j < churn.length; j++) {
                            churn[j] = new byte[1 << 16];
                        }
                    }
                }
                c.backward(loss);
            }
            NDArray g = w.getGradient();
            g.attach(work);
            float[] out = g.toFloatArray();
            g.muli(0f); // leave the model without gradients
            return out;
        }
    }
}
