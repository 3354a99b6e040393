package dev.rlhf4j.bench;

import ai.djl.Device;
import ai.djl.nn.Parameter;
import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.NoGrad;
import dev.rlhf4j.ppo.PolicyModel;
import dev.rlhf4j.ppo.PpoConfig;
import dev.rlhf4j.ppo.PpoTrainer;
import dev.rlhf4j.reward.RewardModel;
import dev.rlhf4j.text.Tokenizer;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewWorld;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The bundled PPO setup the PPO benchmarks time: policy and reference from one checkpoint
 * ({@code datasets/pretrained/small} by default), a reward model on a third copy of it with an
 * <em>untrained</em> scalar head (the head's values do not change the work), prompts from
 * {@code prompts.csv}, and a {@link PpoTrainer} on them. On the CPU, always: the twin is a CPU run.
 *
 * <p>With {@code fullLength}, the policy's language model gets the checkpoint's weights and a
 * tokenizer that has no end-of-sequence id ({@link NoEosTokenizer}), so {@code Sampler} never stops
 * a row early and every response has exactly {@code maxNewTokens} tokens; only prompts of
 * {@code promptTokens} tokens (BOS included) are kept. The work of an iteration then has fixed
 * shapes, the same as the PyTorch twin's. PpoTrainer itself is unchanged: its missing-EOS penalty
 * simply applies to every row.
 */
final class PpoSetup implements AutoCloseable {

    final PolicyModel policy;
    final LanguageModel reference;
    final RewardModel rewardModel;
    final List<Prompt> prompts;
    final PpoConfig config;
    final PpoTrainer trainer;

    /**
     * @param checkpoint the policy's, reference's and reward model's starting checkpoint
     * @param promptsCsv {@code prompts.csv}
     * @param config the PPO config (batch sizes, epochs, sampling)
     * @param fullLength force full-length responses and keep only prompts of {@code promptTokens} tokens
     * @param promptTokens prompt length in tokens, BOS included (only with {@code fullLength}; ≤ 0 = all prompts)
     */
    PpoSetup(Path checkpoint, Path promptsCsv, PpoConfig config, boolean fullLength, int promptTokens) {
        LanguageModel policyLm = null;
        LanguageModel ref = null;
        RewardModel rm = null;
        PolicyModel pol = null;
        try {
            ref = Checkpoint.load(checkpoint, Device.cpu());
            policyLm = fullLength ? copyWithoutEos(ref, config.seed()) : Checkpoint.load(checkpoint, Device.cpu());
            pol = PolicyModel.of(policyLm, Seeds.child(config.seed(), "value head"));
            policyLm = null; // owned by the policy now
            rm = RewardModel.fromPretrained(Checkpoint.load(checkpoint, Device.cpu()), Seeds.child(config.seed(), "reward head"));
            List<Prompt> all = ReviewWorld.readPrompts(promptsCsv);
            LanguageModel lm = pol.lm();
            List<Prompt> kept = promptTokens <= 0 ? all
                    : all.stream().filter(p -> lm.encodePrompt(p.text()).length == promptTokens).toList();
            if (kept.isEmpty()) {
                throw new IllegalArgumentException(promptsCsv + ": no prompt has " + promptTokens
                        + " tokens (BOS included)");
            }
            this.trainer = new PpoTrainer(pol, ref, rm, kept, config);
            this.policy = pol;
            this.reference = ref;
            this.rewardModel = rm;
            this.prompts = kept;
            this.config = config;
        } catch (RuntimeException e) {
            for (AutoCloseable c : new AutoCloseable[] {policyLm, pol, ref, rm}) {
                closeQuietly(c);
            }
            throw e;
        }
    }

    /** A new model with {@code src}'s config and weights and a tokenizer without an EOS id. */
    private static LanguageModel copyWithoutEos(LanguageModel src, long seed) {
        LanguageModel dst = LanguageModel.create(src.config(), new NoEosTokenizer(src.tokenizer()), Device.cpu(), seed);
        try (NoGrad g = NoGrad.enter()) {
            Map<String, Parameter> to = dst.parameters();
            for (Map.Entry<String, Parameter> e : src.parameters().entrySet()) {
                to.get(e.getKey()).getArray().set(e.getValue().getArray().toFloatArray());
            }
        } catch (RuntimeException e) {
            dst.close();
            throw e;
        }
        return dst;
    }

    /** Arrays held by the three models' managers: {policy, reference, reward model}. */
    int[] resourceCounts() {
        return new int[] {policy.resourceCount(), reference.resourceCount(), rewardModel.resourceCount()};
    }

    @Override
    public void close() {
        closeQuietly(policy);
        closeQuietly(reference);
        closeQuietly(rewardModel);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // closing natives of a failed setup: nothing left to do
        }
    }

    /**
     * A tokenizer that reports no end-of-sequence id ({@code eosId() = -1}, which no sampled token
     * equals), so generation always runs to {@code maxNewTokens}; everything else is delegated.
     * For benchmarks only: a reward model or corpus must never use it (they append {@code eosId()}).
     */
    static final class NoEosTokenizer implements Tokenizer {
        private final Tokenizer t;

        NoEosTokenizer(Tokenizer t) {
            this.t = t;
        }

        @Override public int[] encode(String text) { return t.encode(text); }
        @Override public String decode(int[] ids) { return t.decode(ids); }
        @Override public String token(int id) { return t.token(id); }
        @Override public int vocabSize() { return t.vocabSize(); }
        @Override public int bosId() { return t.bosId(); }
        @Override public int eosId() { return -1; }
        @Override public int padId() { return t.padId(); }
        @Override public int unkId() { return t.unkId(); }
        @Override public void save(Path dir) {
            throw new UnsupportedOperationException("the benchmark's EOS-less tokenizer is not saved");
        }
    }
}
