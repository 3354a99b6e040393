package dev.rlhf4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogProbsTest {

    /** One batched forward gives the same log-probs and entropies as a softmax at each step. */
    @Test
    void scoringEqualsStepByStepSoftmax() {
        GptConfig config = new GptConfig(40, 24, 2, 2, 16, 0f, GptConfig.Activation.GELU, 1e-5f);
        try (LanguageModel lm = LanguageModel.create(config, new FakeTokenizer(40), Device.cpu(), 5)) {
            List<int[]> seqs = List.of(new int[] {1, 5, 6, 7, 8, 2}, new int[] {1, 9, 2}, new int[] {1, 30, 31, 32, 33, 34, 35, 36});
            float[][][] batched = LogProbs.arrays(lm, seqs);
            for (int r = 0; r < seqs.size(); r++) {
                int[] s = seqs.get(r);
                assertEquals(s.length - 1, batched[0][r].length);
                for (int t = 0; t + 1 < s.length; t++) {
                    int[] prefix = java.util.Arrays.copyOf(s, t + 1);
                    float[] logits = lm.logits(prefix)[t]; // logits at the last position of the prefix
                    double[] ref = SamplingReference.logProbAndEntropy(logits, s[t + 1]);
                    double expected = ref[0];
                    double entropy = ref[1];
                    assertEquals(expected, batched[0][r][t], 1e-4, "row " + r + " token " + (t + 1));
                    assertEquals(entropy, batched[1][r][t], 1e-4, "entropy row " + r + " position " + t);
                }
            }
        }
    }
}
