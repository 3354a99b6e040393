package dev.rlhf4j.ppo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.NoGrad;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.model.SamplingReference;
import dev.rlhf4j.model.TokenBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PolicyModelTest {

    /**
     * The heads at completion positions only: in a packed batch of prompts and completions of mixed
     * lengths, {@code forwardAt(completionSlots)} gives, token by token and in order, the logits (1e-5)
     * and values of the full forward pass at the position before each completion token.
     */
    @Test
    void forwardAtTheCompletionSlotsIsTheFullForwardThere() {
        Random r = new Random(4);
        List<int[]> prompts = new ArrayList<>();
        List<int[]> completions = new ArrayList<>();
        List<int[]> seqs = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            int[] p = new int[1 + r.nextInt(5)];
            int[] c = new int[1 + r.nextInt(12)];
            p[0] = 1;
            for (int j = 1; j < p.length; j++) {
                p[j] = 4 + r.nextInt(200);
            }
            for (int j = 0; j < c.length; j++) {
                c[j] = 4 + r.nextInt(200);
            }
            prompts.add(p);
            completions.add(c);
            seqs.add(PpoTrainer.concat(p, c));
        }
        try (PolicyModel policy = PolicyModel.of(Checkpoint.load(Home.resolve("datasets/pretrained/tiny"), Device.cpu()), 3);
                NDManager work = policy.lm().newWorkManager(); NoGrad g = NoGrad.enter()) {
            TokenBatch batch = TokenBatch.packed(seqs, policy.lm().tokenizer().padId(), policy.lm().config().nEmbd());
            NDList in = batch.toInputs(work);
            NDList full = policy.forward(in);
            long[] slots = batch.completionSlots(prompts, completions);
            NDList at = policy.forwardAt(in, work.create(slots));
            int v = policy.lm().config().vocabSize();
            float[] fullLogits = full.get(0).toFloatArray();
            float[] fullValues = full.get(1).toFloatArray();
            float[] logits = at.get(0).toFloatArray();
            float[] values = at.get(1).toFloatArray();
            int n = completions.stream().mapToInt(c -> c.length).sum();
            assertEquals(n, slots.length);
            assertEquals(n * v, logits.length);
            int k = 0;
            for (int i = 0; i < seqs.size(); i++) {
                for (int t = 0; t < completions.get(i).length; t++, k++) {
                    int slot = batch.slot(i, prompts.get(i).length - 1 + t);
                    assertEquals(slot, slots[k], "sequence " + i + ", token " + t);
                    assertArrayEquals(Arrays.copyOfRange(fullLogits, slot * v, (slot + 1) * v),
                            Arrays.copyOfRange(logits, k * v, (k + 1) * v), 1e-5f, "logits, sequence " + i + ", token " + t);
                    assertEquals(fullValues[slot], values[k], 1e-5, "value, sequence " + i + ", token " + t);
                }
            }
            NDArray targets = work.create(TokenForward.targets(completions));
            float[] lp = TokenForward.tokenLogProbs(at.get(0).logSoftmax(-1), targets).toFloatArray();
            double[][] split = TokenForward.split(lp, completions);
            for (int i = 0; i < seqs.size(); i++) {
                float[][] alone = policy.lm().logits(seqs.get(i));
                for (int t = 0; t < completions.get(i).length; t++) {
                    double[] q = SamplingReference.distribution(alone[prompts.get(i).length - 1 + t], SamplingConfig.defaults());
                    double expected = Math.log(q[completions.get(i)[t]]); // log softmax, in double
                    assertEquals(expected, split[i][t], 1e-4, "log-prob, sequence " + i + ", token " + t + " (alone)");
                }
            }
        }
    }
}
