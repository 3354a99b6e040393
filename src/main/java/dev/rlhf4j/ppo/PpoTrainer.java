package dev.rlhf4j.ppo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.rlhf4j.core.FloatArrays;
import dev.rlhf4j.core.Interrupts;
import dev.rlhf4j.core.RunningMoments;
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
 * PPO with a KL penalty to a frozen reference (Ziegler et al. 2019, "Fine-Tuning Language Models
 * from Human Preferences"; InstructGPT), following TRL's classic {@code PPOTrainer}. One call of
 * {@link #step()} is one iteration, in seven visible phases:
 *
 * <ol>
 *   <li>rollout: sample a batch of responses with the KV cache;</li>
 *   <li>score: the reward model's normalised score of each (prompt, response);</li>
 *   <li>forward: log-probs of the reference (the policy's log-probs and values were recorded while sampling);</li>
 *   <li>rewards: {@code r_t = −β·KL_t}, plus the score at the last token;</li>
 *   <li>advantages: GAE on plain arrays, whitened over the batch;</li>
 *   <li>optimise: {@code ppoEpochs} passes of shuffled minibatches of the clipped loss;</li>
 *   <li>KL controller update and metrics (TRL's names).</li>
 * </ol>
 *
 * <p>What the adaptive KL controller sees (phase 7): the batch's mean per-sequence KL,
 * {@code mean_i Σ_t KL_t} with {@code KL_t} from the configured estimator ({@link KlPenalty}: the
 * same numbers the rewards were shaped with), and {@code nSteps} = the batch size. That is TRL's
 * {@code kl_ctl.update(stats["objective/kl"], batch_size · num_processes)} with
 * {@code objective/kl = kl_list.mean()}, {@code kl_list = (kls·mask).sum(-1)}, since v0.7.9 (PR
 * #1180, "Fix reported KL in PPO trainer"); up to v0.7.8 TRL summed {@code logprobs − ref_logprobs}
 * (k1) there whatever {@code kl_penalty} said. {@code objective/kl} is logged as that same number.
 *
 * <p>{@link PpoConfig#ratioThreshold()}: a minibatch whose mean ratio {@code masked_mean(ρ)} is
 * above the threshold (or NaN), or whose loss is not finite, is skipped entirely here: no backward
 * pass and no optimizer step, so neither the weights nor Adam's moments or step count change, and
 * {@code ppo/skipped_batches} counts it. TRL v0.7–v0.11 instead multiplies the losses by 0 and
 * still calls {@code backward} and {@code optimizer.step()}: the gradient is zero, but Adam's
 * moments decay and its momentum still moves the weights. Its logged losses of such a minibatch are
 * then 0; ours are the computed (unapplied) ones.
 */
public final class PpoTrainer {

    /** Called after every iteration with its metrics and its rollout. */
    public interface Listener {
        void onStep(int iteration, Map<String, Double> metrics, Rollout rollout);
    }

    private final PolicyModel policy;
    private final LanguageModel reference;
    private final RewardModel rewardModel;
    private final List<Prompt> prompts;
    private final PpoConfig config;
    private final KlController kl;
    private final LmOptimizer optimizer;
    private final Random rng;
    private final RunningMoments scoreMoments = new RunningMoments();
    /**
     * Added to the running std before dividing by it, as TRL's
     * {@code scores / (self.running.std + torch.finfo(scores.dtype).eps)} with float32 scores:
     * float32's machine epsilon 2⁻²³ ≈ 1.19e-7.
     */
    static final double SCORE_EPS = Math.ulp(1.0f);
    private final Diagnostics diagnostics = new Diagnostics();
    private final List<Listener> listeners = new ArrayList<>();
    private ToDoubleBiFunction<Prompt, String> trueReward;
    private int iteration;

    /**
     * @param policy the model being tuned (with its value head)
     * @param reference the frozen reference, usually the same checkpoint the policy started from
     * @param rewardModel scores responses; its normalisation is applied
     * @param prompts the prompts rollouts are drawn from
     */
    public PpoTrainer(PolicyModel policy, LanguageModel reference, RewardModel rewardModel, List<Prompt> prompts,
            PpoConfig config) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("PPO needs at least one prompt");
        }
        if (reference.tokenizer().vocabSize() != policy.lm().tokenizer().vocabSize()
                || rewardModel.tokenizer().vocabSize() != policy.lm().tokenizer().vocabSize()) {
            throw new IllegalArgumentException("policy, reference and reward model must share one tokenizer: vocabularies of "
                    + policy.lm().tokenizer().vocabSize() + ", " + reference.tokenizer().vocabSize() + " and "
                    + rewardModel.tokenizer().vocabSize() + " tokens");
        }
        this.policy = policy;
        this.reference = reference;
        this.rewardModel = rewardModel;
        this.prompts = List.copyOf(prompts);
        this.config = config;
        this.kl = config.klController();
        this.optimizer = new LmOptimizer(policy.parameters(), 0f, config.maxGradNorm());
        this.rng = Seeds.derive(config.seed(), "ppo");
    }

    /** Adds a listener (charts, checkpoints, logs hang off listeners, not the loop). */
    public PpoTrainer addListener(Listener l) {
        listeners.add(l);
        return this;
    }

    /** Also logs {@code env/true_reward_mean}: a reward the policy never sees (the simulated human's utility). */
    public PpoTrainer withTrueReward(ToDoubleBiFunction<Prompt, String> f) {
        this.trueReward = f;
        return this;
    }

    /**
     * Phase 1's output: the prompts drawn, their token ids, what the policy sampled (with the KV cache),
     * the completions as text, and what the policy said about each sampled token while it sampled: its
     * log-probability, the value head's {@code V(s_t)} and the entropy of the distribution it came from
     * (row i, index t: token t of completion i; see {@link Sampler.Scored}). Phase 3 uses these instead of a
     * second forward pass of the policy; a batch without them (null) gets that pass.
     */
    public record Batch(List<Prompt> prompts, List<int[]> queries, Generation generation, List<String> completions,
            double[][] logprobs, double[][] values, double[][] entropies) {

        /** A batch without the policy's numbers: phase 3 computes them with a forward pass. */
        public Batch(List<Prompt> prompts, List<int[]> queries, Generation generation, List<String> completions) {
            this(prompts, queries, generation, completions, null, null, null);
        }

        /** How many samples. */
        public int size() {
            return prompts.size();
        }
    }

    /**
     * Phase 2's output: the reward model's normalised scores ({@code raw}), after the missing-EOS
     * penalty ({@code penalized}, what {@code env/reward_mean} describes) and after scaling and clipping
     * ({@code scores}, what lands on the last token).
     */
    public record Scores(double[] raw, double[] penalized, double[] scores) {}

    /**
     * Phase 3's output, one row per sample over its completion tokens: the policy's and the reference's
     * log-probs of the sampled tokens, the value head's values, the exact per-token KL (only with
     * {@link KlPenalty#FULL}, else null) and each completion's summed entropy Σ_t H_t.
     */
    public record ForwardPass(double[][] logprobs, double[][] refLogprobs, double[][] values, double[][] fullKl,
            double[] entropy) {}

    /**
     * One PPO iteration, its seven phases in order: {@link #sample()}, {@link #score}, {@link #forward},
     * {@link #rollout} (per-token rewards and advantages), {@link #optimize}, and {@link #finish} (the KL
     * controller and the metrics). Returns the iteration's metrics. Calling the phases one by one, as
     * notebook 04 does, gives the same numbers.
     */
    public Map<String, Double> step() {
        Interrupts.check("after PPO iteration " + iteration);
        long t0 = System.nanoTime();
        Batch batch = sample();                                   // (1) rollout
        long t1 = System.nanoTime();
        Scores scores = score(batch);                             // (2) score
        long t2 = System.nanoTime();
        ForwardPass f = forward(batch);                           // (3) forward
        Rollout rollout = rollout(batch, scores, f);              // (4) per-token rewards, (5) advantages
        long t3 = System.nanoTime();
        MinibatchStats stats = optimize(rollout);                 // (6) minibatch epochs
        long t4 = System.nanoTime();
        Map<String, Double> m = metrics(scores, f, rollout, stats); // (7) KL controller and metrics
        m.put("time/ppo/rollout", (t1 - t0) / 1e9);
        m.put("time/ppo/score", (t2 - t1) / 1e9);
        m.put("time/ppo/forward_pass", (t3 - t2) / 1e9);
        m.put("time/ppo/optimize_step", (t4 - t3) / 1e9);
        m.put("time/ppo/total", (System.nanoTime() - t0) / 1e9);
        return announce(m, rollout);
    }

    /** Phase 1: draws {@code batchSize} prompts (seeded) and samples a completion of each with the KV cache. */
    public Batch sample() {
        List<Prompt> batch = new ArrayList<>(config.batchSize());
        List<int[]> queries = new ArrayList<>(config.batchSize());
        for (int i = 0; i < config.batchSize(); i++) {
            Prompt p = prompts.get(rng.nextInt(prompts.size()));
            batch.add(p);
            queries.add(policy.lm().encodePrompt(p.text()));
        }
        // the policy's log-probs, values and entropies come with the tokens: read off the same decoding steps
        Sampler.Scored s = Sampler.generateScored(policy.lm(), queries, config.sampling(), rng,
                policy.valueWeightOnHost(), policy.valueBiasOnHost());
        Generation g = s.generation();
        return new Batch(batch, queries, g, g.completionTexts(policy.lm().tokenizer()), s.logprobs(), s.readouts(),
                s.entropies());
    }

    /**
     * Phase 2: the reward model's normalised score of every completion, the missing-EOS penalty, then
     * {@link #scaleAndClip} (which updates the running moments of the scores).
     */
    public Scores score(Batch b) {
        double[] raw = rewardModel.normalizedScore(b.prompts().stream().map(Prompt::text).toList(), b.completions());
        double[] penalized = penalizeMissingEos(raw, b.generation().finished(), config.missingEosPenalty());
        return new Scores(raw, penalized, scaleAndClip(penalized, scoreMoments, config));
    }

    /**
     * Phases 4 and 5 on plain arrays: per-token rewards r_t = −β·KL_t plus the score on the last token
     * (β the controller's current value), then GAE per row and advantages whitened over the batch.
     */
    public Rollout rollout(Batch b, Scores s, ForwardPass f) {
        double beta = kl.value();
        int n = b.size();
        double[][] klT = new double[n][];
        double[][] rewards = new double[n][];
        for (int i = 0; i < n; i++) {
            klT[i] = config.klPenalty() == KlPenalty.FULL ? f.fullKl()[i] : config.klPenalty().perToken(f.logprobs()[i], f.refLogprobs()[i]);
            rewards[i] = new double[klT[i].length];
            for (int t = 0; t < klT[i].length; t++) {
                rewards[i][t] = -beta * klT[i][t]; // r_t = −β·KL_t
            }
            rewards[i][rewards[i].length - 1] += s.scores()[i]; // + score at the last token
        }
        if (config.whitenRewards()) {
            rewards = Whitening.whitenRows(rewards, false);
        }
        Gae.Result[] gae = Gae.compute(rewards, f.values(), config.gamma(), config.lam());
        double[][] returns = new double[n][];
        double[][] advantages = new double[n][];
        for (int i = 0; i < n; i++) {
            returns[i] = gae[i].returns();
            advantages[i] = gae[i].advantages();
        }
        advantages = Whitening.whitenRows(advantages, true);
        return new Rollout(b.prompts(), b.queries(), b.generation().completions(), b.generation().finished(), b.completions(),
                s.raw(), s.scores(), f.logprobs(), f.refLogprobs(), f.values(), klT, rewards, advantages, returns, beta);
    }

    /**
     * Phase 7: updates the KL controller with the batch's mean sequence KL, counts the iteration, and
     * returns its metrics (TRL's names; no {@code time/} entries) after telling the listeners. What
     * {@link #step()} ends with; call it after {@link #optimize} when running the phases by hand.
     */
    public Map<String, Double> finish(Scores s, ForwardPass f, Rollout r, MinibatchStats stats) {
        return announce(metrics(s, f, r, stats), r);
    }

    private Map<String, Double> metrics(Scores s, ForwardPass f, Rollout rollout, MinibatchStats stats) {
        int n = rollout.size();
        double meanKl = 0;
        for (int i = 0; i < n; i++) {
            meanKl += rollout.sequenceKl(i) / n; // KL of a sequence = Σ_t KL_t, averaged over the batch
        }
        double beta = rollout.beta();
        kl.update(meanKl, n); // TRL ≥ 0.7.9: kl_ctl.update(mean_i Σ_t KL_t, batch_size)
        iteration++;
        Map<String, Double> m = PpoMetrics.of(iteration, rollout, s.penalized(), stats, meanKl, beta, kl.value(), f.entropy());
        if (trueReward != null) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += trueReward.applyAsDouble(rollout.prompts().get(i), rollout.completions().get(i)) / n;
            }
            m.put("env/true_reward_mean", sum);
        }
        return m;
    }

    private Map<String, Double> announce(Map<String, Double> m, Rollout rollout) {
        diagnostics.check(iteration, m, config);
        for (Listener l : listeners) {
            l.onStep(iteration, m, rollout);
        }
        return m;
    }

    /**
     * Score shaping, part 1: {@code missingEosPenalty} is subtracted from the score of every response
     * that never ended (TRL's PPOv2 {@code missing_eos_penalty}; classic TRL has none, its users
     * shape the scores they pass to {@code step}). These are the scores {@code env/reward_mean} and
     * {@code env/reward_std} describe.
     */
    static double[] penalizeMissingEos(double[] raw, boolean[] finished, double penalty) {
        double[] s = raw.clone();
        for (int i = 0; i < s.length; i++) {
            if (!finished[i]) {
                s[i] -= penalty; // a response that never ended
            }
        }
        return s;
    }

    /**
     * Score shaping, part 2, TRL v0.7–v0.11's {@code step}: with {@code useScoreScaling} the running
     * moments are updated with this batch first, then
     *
     * <pre>
     *   s ← s / (std + ε)              (useScoreScaling)
     *   s ← (s − μ) / (std + ε)        (useScoreScaling and useScoreNorm)
     *   s ← clip(s, −scoreClip, scoreClip)
     * </pre>
     *
     * with μ and std the running mean and unbiased standard deviation of every score so far
     * ({@link RunningMoments}) and ε = {@link #SCORE_EPS}. The ε keeps a batch of equal scores
     * finite: std is 0 then, so norm gives 0 and scaling alone multiplies the scores by 1/ε ≈ 8.4e6
     * (TRL does the same; {@code scoreClip} bounds it).
     */
    static double[] scaleAndClip(double[] scores, RunningMoments moments, PpoConfig config) {
        double[] s = scores.clone();
        if (config.useScoreScaling()) {
            moments.update(s);
            double scale = moments.std() + SCORE_EPS;                                       // std + ε
            for (int i = 0; i < s.length; i++) {
                s[i] = config.useScoreNorm() ? (s[i] - moments.mean()) / scale : s[i] / scale; // (s − μ)/(std + ε) or s/(std + ε)
            }
        }
        if (!Double.isNaN(config.scoreClip())) {
            for (int i = 0; i < s.length; i++) {
                s[i] = Math.max(-config.scoreClip(), Math.min(config.scoreClip(), s[i])); // clip(s, −c, c)
            }
        }
        return s;
    }

    /**
     * Phase 3: the reference's log-probs of the sampled tokens (one no-grad forward over the batch), and
     * the policy's log-probs, values and entropies. Those were recorded while sampling (the same weights,
     * dropout off, the same numbers up to float rounding), so the policy needs no second pass (TRL's
     * {@code PPOTrainer}, v0.11+, also takes the log-probs from the generation's logits). The policy's pass runs
     * when the batch does not carry them, and with {@link KlPenalty#FULL}, which needs its whole rows.
     */
    public ForwardPass forward(Batch b) {
        List<int[]> queries = b.queries();
        List<int[]> responses = b.generation().completions();
        int n = queries.size();
        List<int[]> seqs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            seqs.add(concat(queries.get(i), responses.get(i)));
        }
        TokenBatch batch = TokenBatch.packed(seqs, policy.lm().tokenizer().padId(), policy.lm().config().nEmbd());
        boolean sampled = b.logprobs() != null && b.values() != null && b.entropies() != null
                && config.klPenalty() != KlPenalty.FULL;
        if (sampled) {
            checkRows("logprobs", b.logprobs(), responses);
            checkRows("values", b.values(), responses);
            checkRows("entropies", b.entropies(), responses);
        }
        try (NDManager work = policy.lm().newWorkManager(); NoGrad g = NoGrad.enter()) {
            NDList in = batch.toInputs(work);
            // the heads and the softmax at completion positions only: N rows instead of B·T
            NDArray slots = work.create(batch.completionSlots(queries, responses));
            NDArray targets = work.create(TokenForward.targets(responses));
            NDArray refRows = reference.head(TokenForward.at(reference.hidden(in, false), slots)).logSoftmax(-1); // [N, V]
            double[][] ref = TokenForward.split(TokenForward.tokenLogProbs(refRows, targets).toFloatArray(), responses);
            if (sampled) {
                return new ForwardPass(b.logprobs(), ref, b.values(), null, rowSums(b.entropies()));
            }
            NDList out = policy.forwardAt(in, slots);
            NDArray rows = out.get(0).logSoftmax(-1);                                        // [N, V]
            float[] lp = TokenForward.tokenLogProbs(rows, targets).toFloatArray();           // [N]
            float[] val = out.get(1).toFloatArray();
            float[] ent = TokenForward.entropy(rows).toFloatArray();
            float[] full = config.klPenalty() == KlPenalty.FULL ? KlPenalty.full(rows, refRows).toFloatArray() : null;
            return new ForwardPass(TokenForward.split(lp, responses), ref, TokenForward.split(val, responses),
                    full == null ? null : TokenForward.split(full, responses), rowSums(TokenForward.split(ent, responses)));
        }
    }

    /** Each completion's summed entropy Σ_t H_t. */
    private static double[] rowSums(double[][] perToken) {
        double[] sums = new double[perToken.length];
        for (int i = 0; i < sums.length; i++) {
            for (double v : perToken[i]) {
                sums[i] += v;
            }
        }
        return sums;
    }

    /** A batch's recorded numbers must have one row per completion, one number per completion token. */
    private static void checkRows(String what, double[][] rows, List<int[]> responses) {
        if (rows.length != responses.size()) {
            throw new IllegalArgumentException("PPO batch: " + what + " has " + rows.length + " rows for "
                    + responses.size() + " completions");
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != responses.get(i).length) {
                throw new IllegalArgumentException("PPO batch: " + what + " row " + i + " has " + rows[i].length
                        + " numbers for a completion of " + responses.get(i).length + " tokens");
            }
        }
    }

    static int[] concat(int[] a, int[] b) {
        int[] s = new int[a.length + b.length];
        System.arraycopy(a, 0, s, 0, a.length);
        System.arraycopy(b, 0, s, a.length, b.length);
        return s;
    }

    /**
     * Phase 6: {@code ppoEpochs} passes over the rollout in shuffled minibatches, each a clipped-loss
     * gradient step (skipped when its ratio passes {@code ratioThreshold}); returns the averaged loss statistics.
     */
    public MinibatchStats optimize(Rollout r) {
        MinibatchStats stats = new MinibatchStats();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < r.size(); i++) {
            order.add(i);
        }
        for (int epoch = 0; epoch < config.ppoEpochs(); epoch++) {
            Collections.shuffle(order, rng);
            for (int start = 0; start < order.size(); start += config.miniBatchSize()) {
                List<Integer> rows = order.subList(start, Math.min(order.size(), start + config.miniBatchSize()));
                Interrupts.check("in PPO iteration " + (iteration + 1) + ", epoch " + (epoch + 1) + " of "
                        + config.ppoEpochs() + ", before the minibatch at row " + start);
                minibatch(r, rows, stats);
            }
        }
        return stats;
    }

    private void minibatch(Rollout r, List<Integer> rows, MinibatchStats stats) {
        List<int[]> seqs = new ArrayList<>(rows.size());
        for (int i : rows) {
            seqs.add(r.sequence(i));
        }
        TokenBatch batch = TokenBatch.packed(seqs, policy.lm().tokenizer().padId(), policy.lm().config().nEmbd());
        List<int[]> queries = new ArrayList<>(rows.size());
        List<int[]> responses = new ArrayList<>(rows.size());
        for (int i : rows) {
            queries.add(r.queries().get(i));
            responses.add(r.responses().get(i));
        }
        long[] targets = TokenForward.targets(responses);
        int n = targets.length; // the minibatch's response tokens, sequence by sequence
        double[] oldLogp = new double[n];
        double[] adv = new double[n];
        double[] oldValues = new double[n];
        double[] returns = new double[n];
        int k = 0;
        for (int i : rows) {
            for (int t = 0; t < r.responses().get(i).length; t++, k++) {
                oldLogp[k] = r.logprobs()[i][t];
                adv[k] = r.advantages()[i][t];
                oldValues[k] = r.values()[i][t];
                returns[k] = r.returns()[i][t];
            }
        }
        boolean skipped;
        try (NDManager work = policy.lm().newWorkManager()) {
            NDList in = batch.toInputs(work);
            NDArray slots = work.create(batch.completionSlots(queries, responses));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDList out = policy.forwardAt(in, slots);                        // heads at the response tokens only
                NDArray logRows = out.get(0).logSoftmax(-1);                     // [N, V]
                NDArray logp = TokenForward.tokenLogProbs(logRows, work.create(targets)); // [N]
                NDArray vpred = out.get(1);                                      // [N]
                NDArray entropy = config.entropyCoef() > 0 ? TokenForward.entropy(logRows) : null;
                // the loss and its gradient in logp, V (and H) on the host, where N numbers each are cheap: the
                // backward then starts from Σ logp·∂L/∂logp + Σ V·∂L/∂V, the same gradient as PpoLoss's NDArray form
                double[] h = entropy == null ? null : FloatArrays.toDoubles(entropy.toFloatArray());
                PpoLoss.Gradient loss = PpoLoss.withGradient(FloatArrays.toDoubles(logp.toFloatArray()), oldLogp, adv,
                        FloatArrays.toDoubles(vpred.toFloatArray()), oldValues, returns, h, config.lossConfig());
                // mean ratio above ratioThreshold (or NaN), or a non-finite loss: skip this minibatch, no backward and
                // no optimizer step (TRL multiplies the loss by 0 but still steps Adam, whose momentum moves the weights)
                skipped = !(loss.stats().ratioMean() <= config.ratioThreshold()) || !Double.isFinite(loss.stats().total());
                if (!skipped) {
                    NDArray surrogate = logp.dot(work.create(FloatArrays.toFloats(loss.logp())))
                            .add(vpred.dot(work.create(FloatArrays.toFloats(loss.value()))));
                    if (entropy != null) {
                        surrogate = surrogate.add(entropy.dot(work.create(FloatArrays.toFloats(loss.entropy()))));
                    }
                    gc.backward(surrogate);
                }
                stats.add(loss.stats(), MinibatchStats.rolloutStats(returns, oldValues, adv), skipped);
            }
        }
        if (!skipped) {
            try {
                stats.gradNorm(optimizer.step(config.learningRate()));
            } catch (ArithmeticException e) {
                // a non-finite gradient from a finite loss: drop this minibatch (no update) and go on;
                // if every minibatch of the iteration fails, PPO has diverged
                optimizer.discardGradients();
                stats.nonFiniteGradient();
                if (stats.nonFiniteGradients() >= config.ppoEpochs() * ((r.size() + config.miniBatchSize() - 1)
                        / config.miniBatchSize())) {
                    throw new Diagnostics.DivergedException("PPO diverged at iteration " + (iteration + 1)
                            + ": every minibatch gave a non-finite gradient (" + e.getMessage()
                            + "). Keep the last checkpoint written before it; lower learningRate.");
                }
            }
        }
    }

    /** The trainer's policy. */
    public PolicyModel policy() {
        return policy;
    }

    /** The current KL coefficient β. */
    public double klCoef() {
        return kl.value();
    }

    /** Iterations done. */
    public int iteration() {
        return iteration;
    }

    /** The warnings raised so far (negative KL, skipped batches). */
    public List<String> warnings() {
        return diagnostics.warnings();
    }

    /** The configuration. */
    public PpoConfig config() {
        return config;
    }
}
