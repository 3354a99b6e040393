package dev.rlhf4j.grpo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.rlhf4j.core.Interrupts;
import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.model.Generation;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.LmOptimizer;
import dev.rlhf4j.model.LogProbs;
import dev.rlhf4j.model.NoGrad;
import dev.rlhf4j.model.Sampler;
import dev.rlhf4j.model.TokenBatch;
import dev.rlhf4j.reward.RewardModel;
import dev.rlhf4j.world.Prompt;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleBiFunction;

/**
 * GRPO (Shao et al. 2024, DeepSeekMath §4.1) as TRL's {@code GRPOTrainer}: PPO without a value
 * model. One call of {@link #step()} is one iteration, in visible phases:
 *
 * <ol>
 *   <li>group sampling: {@code batchSize / numGenerations} prompts, each sampled G times with the KV cache;</li>
 *   <li>rewards: the reward model's normalised score (the same model as PPO's), minus the missing-EOS penalty;</li>
 *   <li>advantages: each completion's reward relative to its group, (r − mean)/(std + 1e-4) ({@link GrpoLoss#advantages});</li>
 *   <li>log π_old recorded while sampling, and one no-grad forward of the frozen reference (log π_ref);</li>
 *   <li>optimise: {@code numIterations} passes of shuffled minibatches of the clipped surrogate with
 *       β·k3 in the loss ({@link GrpoLoss}), one AdamW step each;</li>
 *   <li>metrics under TRL's names ({@code reward}, {@code reward_std}, {@code frac_reward_zero_std},
 *       {@code kl}, {@code clip_ratio/*}, {@code completions/*}, {@code loss}).</li>
 * </ol>
 */
public final class GrpoTrainer {

    /** Called after every iteration with its metrics and its batch. */
    public interface Listener {
        void onStep(int iteration, Map<String, Double> metrics, Batch batch);
    }

    /**
     * One iteration's groups. Row i is completion i; rows {@code g·G … g·G + G − 1} share a prompt.
     *
     * @param prompts the prompt of each row
     * @param queries the prompt tokens (BOS first)
     * @param completions the sampled tokens (EOS last when finished)
     * @param finished whether each completion ended with EOS
     * @param texts the completions as text
     * @param rawScores the reward model's normalised scores
     * @param rewards the rewards GRPO uses: raw minus the missing-EOS penalty
     * @param advantages group-normalised advantages
     * @param oldLogprobs log π of each completion token at sampling time
     * @param refLogprobs log π_ref of each completion token
     */
    public record Batch(List<Prompt> prompts, List<int[]> queries, List<int[]> completions, boolean[] finished,
            List<String> texts, double[] rawScores, double[] rewards, double[] advantages, double[][] oldLogprobs,
            double[][] refLogprobs) {

        /** Number of completions. */
        public int size() {
            return prompts.size();
        }
    }

    private final LanguageModel policy;
    private final LanguageModel reference;
    private final RewardModel rewardModel;
    private final List<Prompt> prompts;
    private final GrpoConfig config;
    private final LmOptimizer optimizer;
    private final Random rng;
    private final List<Listener> listeners = new ArrayList<>();
    private ToDoubleBiFunction<Prompt, String> trueReward;
    private int iteration;

    /**
     * @param policy the model being tuned (no value head)
     * @param reference the frozen reference of the KL term, usually the checkpoint the policy started from
     * @param rewardModel scores completions; its normalisation is applied
     * @param prompts the prompts groups are drawn from
     */
    public GrpoTrainer(LanguageModel policy, LanguageModel reference, RewardModel rewardModel, List<Prompt> prompts,
            GrpoConfig config) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("GRPO needs at least one prompt");
        }
        int v = policy.tokenizer().vocabSize();
        if (reference.tokenizer().vocabSize() != v || rewardModel.tokenizer().vocabSize() != v) {
            throw new IllegalArgumentException("policy, reference and reward model must share one tokenizer: vocabularies of "
                    + v + ", " + reference.tokenizer().vocabSize() + " and " + rewardModel.tokenizer().vocabSize() + " tokens");
        }
        this.policy = policy;
        this.reference = reference;
        this.rewardModel = rewardModel;
        this.prompts = List.copyOf(prompts);
        this.config = config;
        this.optimizer = new LmOptimizer(policy.parameters(), 0f, config.maxGradNorm());
        this.rng = Seeds.derive(config.seed(), "grpo");
    }

    /** Adds a listener (metrics logs, progress bars, live charts). */
    public GrpoTrainer addListener(Listener l) {
        listeners.add(l);
        return this;
    }

    /** Also logs {@code env/true_reward_mean}: a reward the policy never sees (the simulated human's utility). */
    public GrpoTrainer withTrueReward(ToDoubleBiFunction<Prompt, String> f) {
        this.trueReward = f;
        return this;
    }

    /** One GRPO iteration; returns its metrics. */
    public Map<String, Double> step() {
        Interrupts.check("after GRPO iteration " + iteration);
        int g = config.numGenerations();
        // (1) group sampling: each prompt G times
        List<Prompt> rows = new ArrayList<>(config.batchSize());
        List<int[]> queries = new ArrayList<>(config.batchSize());
        for (int p = 0; p < config.promptsPerStep(); p++) {
            Prompt prompt = prompts.get(rng.nextInt(prompts.size()));
            for (int j = 0; j < g; j++) {
                rows.add(prompt);
                queries.add(policy.encodePrompt(prompt.text()));
            }
        }
        // log π_old comes with the tokens: read off the same decoding steps (no second pass of the policy)
        Sampler.Scored scored = Sampler.generateScored(policy, queries, config.sampling(), rng, null, 0f);
        Generation gen = scored.generation();
        List<String> texts = gen.completionTexts(policy.tokenizer());
        // (2) rewards
        double[] raw = rewardModel.normalizedScore(rows.stream().map(Prompt::text).toList(), texts);
        double[] rewards = raw.clone();
        for (int i = 0; i < rewards.length; i++) {
            rewards[i] -= gen.finished()[i] ? 0 : config.missingEosPenalty(); // a completion that never ended
        }
        // (3) group-normalised advantages
        double[] advantages = GrpoLoss.advantages(rewards, g, config.scaleRewards());
        // (4) log π_ref of every completion token (log π_old was recorded while sampling)
        Batch batch = new Batch(rows, queries, gen.completions(), gen.finished(), texts, raw, rewards, advantages,
                scored.logprobs(), refLogProbs(queries, gen.completions()));
        // (5) numIterations passes of shuffled minibatches
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            order.add(i);
        }
        double[] sums = new double[6]; // loss, kl, low, high, region, grad norm
        int steps = 0;
        for (int pass = 0; pass < config.numIterations(); pass++) {
            Collections.shuffle(order, rng);
            for (int start = 0; start < order.size(); start += config.miniBatchSize()) {
                Interrupts.check("in GRPO iteration " + (iteration + 1) + ", before the minibatch at row " + start);
                double[] s = minibatch(batch, order.subList(start, start + config.miniBatchSize()));
                for (int k = 0; k < sums.length; k++) {
                    sums[k] += s[k];
                }
                steps++;
            }
        }
        iteration++;
        // (6) metrics
        Map<String, Double> m = metrics(batch, sums, steps);
        for (Listener l : listeners) {
            l.onStep(iteration, m, batch);
        }
        return m;
    }

    /**
     * Phase 4: {@code ref[i][t]} from one no-grad forward of the reference over the batch. The policy's
     * {@code old[i][t]} needs no pass of its own: the sampler recorded them from the logits it drew from
     * (the same weights; the same numbers up to float rounding, {@code SamplerTest}).
     */
    private double[][] refLogProbs(List<int[]> queries, List<int[]> completions) {
        TokenBatch tokens = TokenBatch.packed(sequences(queries, completions), policy.tokenizer().padId(), policy.config().nEmbd());
        try (NDManager work = policy.newWorkManager(); NoGrad ng = NoGrad.enter()) {
            float[] ref = LogProbs.tokenLogProbs(reference, tokens.toInputs(work), false).toFloatArray(); // [rows, T-1]
            return tokens.completionRows(ref, queries, completions);
        }
    }

    /** One optimizer step on {@code rows}; returns {loss, kl, clip low, clip high, clip region, grad norm}. */
    private double[] minibatch(Batch batch, List<Integer> rows) {
        List<int[]> queries = new ArrayList<>(rows.size());
        List<int[]> completions = new ArrayList<>(rows.size());
        for (int i : rows) {
            queries.add(batch.queries().get(i));
            completions.add(batch.completions().get(i));
        }
        TokenBatch tokens = TokenBatch.rightPadded(sequences(queries, completions), policy.tokenizer().padId());
        int w = tokens.length() - 1;
        float[] mask = tokens.completionMask(queries, completions);
        float[] old = new float[mask.length];
        float[] ref = new float[mask.length];
        float[] adv = new float[rows.size()];
        for (int b = 0; b < rows.size(); b++) {
            int i = rows.get(b);
            int start = queries.get(b).length - 1;
            adv[b] = (float) batch.advantages()[i];
            for (int t = 0; t < completions.get(b).length; t++) {
                old[b * w + start + t] = (float) batch.oldLogprobs()[i][t];
                ref[b * w + start + t] = (float) batch.refLogprobs()[i][t];
            }
        }
        Shape shape = new Shape(rows.size(), w);
        GrpoLoss.Stats stats;
        try (NDManager work = policy.newWorkManager()) {
            NDList in = tokens.toInputs(work);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logp = LogProbs.tokenLogProbs(policy, in, false);                      // [b, T-1]
                GrpoLoss.Result loss = GrpoLoss.compute(logp, work.create(old, shape), work.create(ref, shape),
                        work.create(adv), work.create(mask, shape), config.lossConfig());
                gc.backward(loss.loss());
                stats = loss.stats();
            }
        }
        float norm = optimizer.step(config.learningRate());
        return new double[] {stats.loss(), stats.kl(), stats.clipLow(), stats.clipHigh(), stats.clipRegion(), norm};
    }

    private static List<int[]> sequences(List<int[]> queries, List<int[]> completions) {
        List<int[]> seqs = new ArrayList<>(queries.size());
        for (int i = 0; i < queries.size(); i++) {
            int[] s = new int[queries.get(i).length + completions.get(i).length];
            System.arraycopy(queries.get(i), 0, s, 0, queries.get(i).length);
            System.arraycopy(completions.get(i), 0, s, queries.get(i).length, completions.get(i).length);
            seqs.add(s);
        }
        return seqs;
    }

    /** Phase 6: TRL's metric names, means over the batch or over the minibatches. */
    private Map<String, Double> metrics(Batch batch, double[] sums, int steps) {
        int n = batch.size();
        int g = config.numGenerations();
        double mean = 0;
        for (double r : batch.rewards()) {
            mean += r / n;
        }
        double ss = 0;
        for (double r : batch.rewards()) {
            ss += (r - mean) * (r - mean);
        }
        int zeroStd = 0;
        for (int start = 0; start < n; start += g) {
            boolean equal = true;
            for (int i = start + 1; i < start + g; i++) {
                equal &= Math.abs(batch.rewards()[i] - batch.rewards()[start]) < 1e-9;
            }
            zeroStd += equal ? g : 0;
        }
        double len = 0;
        double min = Double.MAX_VALUE;
        double max = 0;
        double clipped = 0;
        for (int i = 0; i < n; i++) {
            int l = batch.completions().get(i).length;
            len += (double) l / n;
            min = Math.min(min, l);
            max = Math.max(max, l);
            clipped += batch.finished()[i] ? 0 : 1.0 / n;
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("iteration", (double) iteration);
        m.put("reward", mean);
        m.put("reward_std", Math.sqrt(ss / (n - 1)));                 // std of all batch rewards (TRL v0.27+)
        m.put("frac_reward_zero_std", (double) zeroStd / n);
        m.put("loss", sums[0] / steps);
        m.put("kl", sums[1] / steps);
        m.put("clip_ratio/low_mean", sums[2] / steps);
        m.put("clip_ratio/high_mean", sums[3] / steps);
        m.put("clip_ratio/region_mean", sums[4] / steps);
        m.put("completions/mean_length", len);
        m.put("completions/min_length", min);
        m.put("completions/max_length", max);
        m.put("completions/clipped_ratio", clipped);
        m.put("grad_norm", sums[5] / steps);
        if (trueReward != null) {
            double t = 0;
            for (int i = 0; i < n; i++) {
                t += trueReward.applyAsDouble(batch.prompts().get(i), batch.texts().get(i)) / n;
            }
            m.put("env/true_reward_mean", t);
        }
        return m;
    }

    /** The policy being tuned. */
    public LanguageModel policy() {
        return policy;
    }

    /** Iterations done. */
    public int iteration() {
        return iteration;
    }

    /** The configuration. */
    public GrpoConfig config() {
        return config;
    }
}
