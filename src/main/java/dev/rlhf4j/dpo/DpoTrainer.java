package dev.rlhf4j.dpo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.rlhf4j.core.FloatArrays;
import dev.rlhf4j.core.Interrupts;
import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.LmOptimizer;
import dev.rlhf4j.model.LogProbs;
import dev.rlhf4j.model.NoGrad;
import dev.rlhf4j.model.TokenBatch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * DPO (Rafailov et al. 2023) as TRL's {@code DPOTrainer} with {@code precompute_ref_log_probs=True}:
 * no reward model and no sampling, the policy is trained directly on preference pairs.
 *
 * <ol>
 *   <li>once, before any update: the frozen reference's summed completion log-probs
 *       log π_ref(y_w|x) and log π_ref(y_l|x) of every pair (no gradient);</li>
 *   <li>each step: a shuffled batch of pairs, chosen rows stacked on rejected rows in one
 *       right-padded forward pass of the policy, each row's completion log-probs summed
 *       (EOS included, prompt and padding masked out);</li>
 *   <li>{@link DpoLoss} on those sums, backward, one AdamW step (global-norm clipped);</li>
 *   <li>metrics under TRL's names ({@code loss}, {@code rewards/chosen}, ..., {@code grad_norm}).</li>
 * </ol>
 *
 * Dropout is off in both models (TRL's {@code disable_dropout=True}), so at the first step the
 * policy equals the reference exactly: loss log 2, rewards 0, accuracies 0.
 */
public final class DpoTrainer {

    /** Called after every optimizer step with its metrics. */
    public interface Listener {
        void onStep(int step, Map<String, Double> metrics);
    }

    private final LanguageModel policy;
    private final LanguageModel reference;
    private final List<DpoPairs.Pair> pairs;
    private final DpoConfig config;
    private final double[] refChosen;
    private final double[] refRejected;
    private final LmOptimizer optimizer;
    private final Random rng;
    private final List<Listener> listeners = new ArrayList<>();
    private int step;

    /**
     * @param policy the model being tuned
     * @param reference the frozen reference (usually the checkpoint the policy started from); it is
     *     only read, here and by {@link #evaluate}
     * @param pairs the training pairs
     */
    public DpoTrainer(LanguageModel policy, LanguageModel reference, List<DpoPairs.Pair> pairs, DpoConfig config) {
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("DPO needs at least one preference pair");
        }
        if (reference.tokenizer().vocabSize() != policy.tokenizer().vocabSize()) {
            throw new IllegalArgumentException("policy and reference must share one tokenizer: vocabularies of "
                    + policy.tokenizer().vocabSize() + " and " + reference.tokenizer().vocabSize() + " tokens");
        }
        this.policy = policy;
        this.reference = reference;
        this.pairs = List.copyOf(pairs);
        this.config = config;
        double[][] ref = sequenceLogProbs(reference, this.pairs, config.batchSize()); // (1) once, before any update
        this.refChosen = ref[0];
        this.refRejected = ref[1];
        this.optimizer = new LmOptimizer(policy.parameters(), config.weightDecay(), config.maxGradNorm());
        this.rng = Seeds.derive(config.seed(), "dpo");
    }

    /** Adds a listener (metrics logs, progress bars, live charts). */
    public DpoTrainer addListener(Listener l) {
        listeners.add(l);
        return this;
    }

    /** Runs {@code numTrainEpochs} epochs. */
    public void train() {
        for (int e = 0; e < config.numTrainEpochs(); e++) {
            epoch();
        }
    }

    /** One pass over the pairs in a fresh shuffled order, {@code batchSize} pairs per step. */
    public void epoch() {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, rng);
        for (int start = 0; start < order.size(); start += config.batchSize()) {
            step(order.subList(start, Math.min(order.size(), start + config.batchSize())));
        }
    }

    /** Optimizer steps of one epoch: ⌈pairs / batchSize⌉. */
    public int stepsPerEpoch() {
        return (pairs.size() + config.batchSize() - 1) / config.batchSize();
    }

    /** One optimizer step on the pairs at {@code rows}; returns its metrics. */
    public Map<String, Double> step(List<Integer> rows) {
        Interrupts.check("after DPO step " + step);
        int b = rows.size();
        double[] rc = new double[b];
        double[] rr = new double[b];
        float[] nc = new float[b];
        float[] nr = new float[b];
        List<DpoPairs.Pair> batch = new ArrayList<>(b);
        for (int k = 0; k < b; k++) {
            int i = rows.get(k);
            batch.add(pairs.get(i));
            rc[k] = refChosen[i];
            rr[k] = refRejected[i];
            nc[k] = pairs.get(i).chosenTokens().length;
            nr[k] = pairs.get(i).rejectedTokens().length;
        }
        DpoLoss.Stats stats;
        try (NDManager work = policy.newWorkManager()) {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logp = summedLogProbs(policy, batch, work);                                // (2) [2B]: chosen, then rejected
                DpoLoss.Result loss = DpoLoss.compute(logp.get("0:" + b), logp.get(b + ":"),
                        work.create(FloatArrays.toFloats(rc)), work.create(FloatArrays.toFloats(rr)),
                        work.create(nc, new Shape(b)), work.create(nr, new Shape(b)), config.lossConfig()); // (3)
                gc.backward(loss.loss());
                stats = loss.stats();
            }
        }
        float gradNorm = optimizer.step(config.learningRate());
        step++;
        Map<String, Double> m = new LinkedHashMap<>();                                             // (4)
        m.put("step", (double) step);
        m.put("epoch", (double) step / stepsPerEpoch());
        m.putAll(stats.toMetrics());
        m.put("grad_norm", (double) gradNorm);
        for (Listener l : listeners) {
            l.onStep(step, m);
        }
        return m;
    }

    /**
     * The loss and TRL's statistics of {@code evalPairs} (e.g. validation pairs) under the current
     * policy against the reference, without training: TRL's {@code eval_} metrics.
     */
    public DpoLoss.Stats evaluate(List<DpoPairs.Pair> evalPairs) {
        double[][] p = sequenceLogProbs(policy, evalPairs, config.batchSize());
        double[][] r = sequenceLogProbs(reference, evalPairs, config.batchSize());
        int[] nc = evalPairs.stream().mapToInt(x -> x.chosenTokens().length).toArray();
        int[] nr = evalPairs.stream().mapToInt(x -> x.rejectedTokens().length).toArray();
        return DpoLoss.compute(p[0], p[1], r[0], r[1], nc, nr, config.lossConfig());
    }

    /**
     * log π(y|x) of every pair's chosen and rejected completion under {@code lm}, the sum of its
     * completion tokens' log-probs: {@code {chosen[N], rejected[N]}}, in no-grad batches of {@code batchSize} pairs.
     */
    public static double[][] sequenceLogProbs(LanguageModel lm, List<DpoPairs.Pair> pairs, int batchSize) {
        double[] chosen = new double[pairs.size()];
        double[] rejected = new double[pairs.size()];
        for (int start = 0; start < pairs.size(); start += batchSize) {
            List<DpoPairs.Pair> batch = pairs.subList(start, Math.min(pairs.size(), start + batchSize));
            float[] s;
            try (NDManager work = lm.newWorkManager(); NoGrad g = NoGrad.enter()) {
                s = summedLogProbs(lm, batch, work).toFloatArray();
            }
            for (int k = 0; k < batch.size(); k++) {
                chosen[start + k] = s[k];
                rejected[start + k] = s[batch.size() + k];
            }
        }
        return new double[][] {chosen, rejected};
    }

    /** Σ_t log π(y_t | x, y_&lt;t) over each completion, chosen rows then rejected rows: {@code [2B]}. */
    static NDArray summedLogProbs(LanguageModel lm, List<DpoPairs.Pair> batch, NDManager work) {
        List<int[]> prompts = new ArrayList<>();
        List<int[]> completions = new ArrayList<>();
        for (DpoPairs.Pair p : batch) {
            prompts.add(p.promptTokens());
            completions.add(p.chosenTokens());
        }
        for (DpoPairs.Pair p : batch) {
            prompts.add(p.promptTokens());
            completions.add(p.rejectedTokens());
        }
        List<int[]> seqs = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            seqs.add(concat(prompts.get(i), completions.get(i)));
        }
        TokenBatch tokens = TokenBatch.packed(seqs, lm.tokenizer().padId(), lm.config().nEmbd()); // rows shared
        long grid = (long) tokens.batchSize() * (tokens.length() - 1);
        NDList in = tokens.toInputs(work);
        NDArray select = work.create(tokens.completionSelector(prompts, completions), new Shape(seqs.size(), grid));
        NDArray logp = LogProbs.tokenLogProbs(lm, in, false).reshape(grid, 1);       // [rows·(T-1), 1]
        return select.matMul(logp).reshape(seqs.size()); // Σ_t log π over each completion, [2B]
    }

    private static int[] concat(int[] a, int[] b) {
        int[] s = new int[a.length + b.length];
        System.arraycopy(a, 0, s, 0, a.length);
        System.arraycopy(b, 0, s, a.length, b.length);
        return s;
    }

    /** The policy being tuned. */
    public LanguageModel policy() {
        return policy;
    }

    /** The reference's summed log-probs of the training pairs' chosen completions, computed once. */
    public double[] referenceChosen() {
        return refChosen.clone();
    }

    /** The reference's summed log-probs of the training pairs' rejected completions, computed once. */
    public double[] referenceRejected() {
        return refRejected.clone();
    }

    /** Optimizer steps done. */
    public int steps() {
        return step;
    }

    /** The training pairs. */
    public List<DpoPairs.Pair> pairs() {
        return pairs;
    }

    /** The configuration. */
    public DpoConfig config() {
        return config;
    }
}
