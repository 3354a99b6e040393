package dev.rlhf4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenBatchTest {

    private static final int PAD = 0;

    /** First-fit decreasing into rows as long as the longest sequence, the rest padded on the right. */
    @Test
    void packsLongestFirstIntoTheFirstRowWithRoom() {
        List<int[]> seqs = List.of(new int[] {11, 12, 13}, new int[] {21, 22}, new int[] {31, 32, 33, 34, 35},
                new int[] {41, 42, 43, 44});
        TokenBatch b = TokenBatch.packed(seqs, PAD, 128);
        // 5 → row 0 (full); 4 → row 1; 3 → row 2 (row 1 has 1 left); 2 → row 2 (3 + 2 = 5)
        assertEquals(3, b.batchSize());
        assertEquals(5, b.length());
        assertEquals(4, b.sequences());
        long[][] expected = {{31, 32, 33, 34, 35}, {41, 42, 43, 44, PAD}, {11, 12, 13, 21, 22}};
        for (int r = 0; r < 3; r++) {
            for (int j = 0; j < 5; j++) {
                assertEquals(expected[r][j], b.id(r, j), "row " + r + " column " + j);
            }
        }
        assertTrue(!b.isValid(1, 4) && b.isValid(2, 4));
        assertEquals(2 * 5 + 3, b.slot(1, 0)); // sequence 1 starts at row 2, column 3
        assertEquals(2 * 4 + 3 + 1, b.nextTokenIndex(1, 1)); // its token 2 is predicted there in [B, T-1]
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 0, 1, 2, 3, 0, 0, 1, 2, 0, 1}, b.positions());
    }

    /**
     * Rows twice the longest length when that makes a cheaper grid: one sequence of 10 and six of 6 take
     * 7 rows of 10 slots, or 3 rows of 20 (10 + 6, 6 + 6 + 6, 6 + 6).
     */
    @Test
    void rowsTwiceTheLongestWhenThatSavesWork() {
        List<int[]> seqs = new ArrayList<>();
        seqs.add(new int[10]);
        for (int i = 0; i < 6; i++) {
            seqs.add(new int[] {1, 2, 3, 4, 5, 6});
        }
        TokenBatch b = TokenBatch.packed(seqs, PAD, 128);
        assertEquals(3, b.batchSize());
        assertEquals(20, b.length());
        assertEquals(10, b.slot(1, 0)); // the first 6 joins the 10 in row 0
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5}, java.util.Arrays.copyOfRange(b.positions(), 10, 16));
        // a narrow model pays more for attention over 20 slots: 7 x 10 (1 + 10/12) < 3 x 20 (1 + 20/12)
        assertEquals(10, TokenBatch.packed(seqs, PAD, 2).length());
    }

    /** Sequences of one length: one per row, in order, the same grid and inputs as right padding. */
    @Test
    void equalLengthsGiveTheRightPaddedGrid() {
        List<int[]> seqs = List.of(new int[] {1, 2, 3}, new int[] {4, 5, 6}, new int[] {7, 8, 9});
        TokenBatch packed = TokenBatch.packed(seqs, PAD, 128);
        TokenBatch padded = TokenBatch.rightPadded(seqs, PAD);
        assertEquals(padded.batchSize(), packed.batchSize());
        assertArrayEquals(padded.positions(), packed.positions());
        assertArrayEquals(padded.bias(), packed.bias());
        for (int i = 0; i < 3; i++) {
            assertEquals(padded.slot(i, 0), packed.slot(i, 0));
        }
    }

    /** A token attends to its own sequence's earlier tokens only; padding attends to the real tokens before it. */
    @Test
    void biasKeepsSequencesApart() {
        TokenBatch b = TokenBatch.packed(List.of(new int[] {1, 2, 3, 4}, new int[] {5, 6}, new int[] {7}), PAD, 128);
        // row 0: 1 2 3 4; row 1: 5 6 7 PAD
        float[] bias = b.bias();
        int t = b.length();
        float m = Gpt.maskedFill();
        float[][] row1 = new float[t][t];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
                row1[i][j] = bias[(t + i) * t + j];
            }
        }
        assertArrayEquals(new float[] {0, m, m, m}, row1[0]);
        assertArrayEquals(new float[] {0, 0, m, m}, row1[1]);
        assertArrayEquals(new float[] {m, m, 0, m}, row1[2]); // "7" sees only itself
        assertArrayEquals(new float[] {0, 0, 0, m}, row1[3]); // padding: the real tokens before it
    }

    /** The selector sums each completion's next-token values over a packed grid, prompts and neighbours left out. */
    @Test
    void completionSelectorSumsEachCompletion() {
        List<int[]> prompts = List.of(new int[] {1, 2}, new int[] {1}, new int[] {1, 2, 3});
        List<int[]> completions = List.of(new int[] {4, 5, 6}, new int[] {7}, new int[] {8, 9});
        List<int[]> seqs = List.of(new int[] {1, 2, 4, 5, 6}, new int[] {1, 7}, new int[] {1, 2, 3, 8, 9});
        TokenBatch b = TokenBatch.packed(seqs, PAD, 128);
        int grid = b.batchSize() * (b.length() - 1);
        float[] values = new float[grid];
        for (int i = 0; i < grid; i++) {
            values[i] = 1 << i; // a distinct bit per position: a sum shows exactly which positions went in
        }
        float[] select = b.completionSelector(prompts, completions);
        for (int i = 0; i < seqs.size(); i++) {
            double expected = 0;
            for (int t = 0; t < completions.get(i).length; t++) {
                expected += values[b.nextTokenIndex(i, prompts.get(i).length - 1 + t)];
            }
            double sum = 0;
            for (int k = 0; k < grid; k++) {
                sum += select[i * grid + k] * values[k];
            }
            assertEquals(expected, sum, 0, "completion " + i);
        }
        // sequence 1 = [1, 7]: its one completion token is predicted at its own first slot
        assertEquals(1f, select[grid + b.nextTokenIndex(1, 0)]);
    }

    /**
     * Packed scoring gives every sequence the log-probs, entropies and hidden states it gets alone
     * (within 1e-5): positions restart per sequence and attention stays inside it.
     */
    @Test
    void packedScoringEqualsScoringEachSequenceAlone() {
        GptConfig config = new GptConfig(40, 24, 2, 2, 16, 0f, GptConfig.Activation.GELU, 1e-5f);
        Random rnd = new Random(3);
        List<int[]> seqs = new ArrayList<>();
        for (int len : new int[] {12, 3, 7, 5, 2, 9, 4, 12, 1, 6}) {
            int[] s = new int[len];
            for (int j = 0; j < len; j++) {
                s[j] = 1 + rnd.nextInt(39);
            }
            seqs.add(s);
        }
        try (LanguageModel lm = LanguageModel.create(config, new FakeTokenizer(40), Device.cpu(), 5);
                NDManager work = lm.newWorkManager(); NoGrad g = NoGrad.enter()) {
            TokenBatch packed = TokenBatch.packed(seqs, PAD, config.nEmbd());
            assertTrue(packed.batchSize() < seqs.size(), "the test's sequences should share rows");
            float[][][] batched = LogProbs.arrays(lm, seqs);
            float[] hidden = lm.forward(packed.toInputs(work), false).get(1).toFloatArray();
            for (int i = 0; i < seqs.size(); i++) {
                int[] s = seqs.get(i);
                NDList alone = TokenBatch.rightPadded(List.of(s), PAD).toInputs(work);
                LogProbs.Scores ref = LogProbs.score(lm, alone, false);
                NDArray h = lm.forward(alone, false).get(1);
                assertArrayEquals(ref.logprobs().toFloatArray(), batched[0][i], 1e-5f, "log-probs of sequence " + i);
                assertArrayEquals(ref.entropy().toFloatArray(), batched[1][i], 1e-5f, "entropies of sequence " + i);
                float[] hAlone = h.toFloatArray();
                int e = config.nEmbd();
                for (int j = 0; j < s.length; j++) {
                    for (int k = 0; k < e; k++) {
                        assertEquals(hAlone[j * e + k], hidden[packed.slot(i, j) * e + k], 1e-5f,
                                "hidden state of sequence " + i + ", token " + j);
                    }
                }
            }
        }
    }
}
