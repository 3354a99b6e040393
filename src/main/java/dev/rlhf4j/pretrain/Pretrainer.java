package dev.rlhf4j.pretrain;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.rlhf4j.core.Interrupts;
import dev.rlhf4j.core.MetricsLog;
import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.model.AttentionMask;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.LmOptimizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Next-token pretraining (the "P" in GPT): minimise the cross-entropy
 * L = −(1/BT)·Σ_{b,t} log p(x_{b,t+1} | x_{b,≤t}) over windows of the review stream, with AdamW, a
 * warm-up + cosine learning rate and global-norm clipping. Held-out perplexity is measured every
 * {@code evalInterval} steps and at the end.
 *
 * <p>Metrics per step go to a {@link MetricsLog} with columns {@code step, loss, lr, grad_norm,
 * tokens_per_s, valid_ppl} ({@code valid_ppl} only on evaluation steps).
 */
public final class Pretrainer {

    /** Progress callbacks (a progress bar, a live chart). */
    @FunctionalInterface
    public interface Listener {
        /** After each optimizer step. */
        void onStep(int step, int maxSteps, Map<String, Double> metrics);
    }

    /**
     * @param steps total optimizer steps the model has now had
     * @param finalLoss training loss of the last step
     * @param validPerplexity held-out perplexity on every validation review at the end
     * @param tokensPerSecond training throughput over this run
     * @param seconds wall time of this run
     */
    public record Result(int steps, double finalLoss, double validPerplexity, double tokensPerSecond, double seconds) {}

    private Pretrainer() {}

    /**
     * Trains {@code lm} from step {@code startStep} (0 for a fresh model; a checkpoint's recorded
     * steps to resume) up to {@code config.maxSteps()}.
     */
    public static Result run(LanguageModel lm, Corpus corpus, PretrainConfig config, int startStep, MetricsLog log,
            Listener listener) {
        int t = lm.config().contextLength();
        int b = config.batchSize();
        Seeds.seed(Seeds.child(config.seed(), "pretrain from step " + startStep)); // dropout's draws, once per run
        Windows windows = new Windows(corpus.train(), t + 1, Seeds.derive(config.seed(), "windows from step " + startStep));
        try (LmOptimizer optimizer = new LmOptimizer(lm.parameters(), config.weightDecay(), config.maxGradNorm())) {
            List<int[]> evalSet = corpus.valid().subList(0, Math.min(config.evalReviews(), corpus.valid().size()));
            long started = System.nanoTime();
            long tokens = 0;
            double loss = Double.NaN;
            double validPpl = Double.NaN;
            for (int step = startStep; step < config.maxSteps(); step++) {
                Interrupts.check("after step " + step + " of " + config.maxSteps());
                long t0 = System.nanoTime();
                float lr = config.learningRateAt(step);
                Step s = trainStep(lm, optimizer, windows.next(b), b, t, lr);
                loss = s.loss();
                tokens += (long) b * t;
                double seconds = (System.nanoTime() - t0) / 1e9;
                Map<String, Double> row = new LinkedHashMap<>();
                row.put("step", (double) (step + 1));
                row.put("loss", (double) s.loss());
                row.put("lr", (double) lr);
                row.put("grad_norm", (double) s.gradNorm());
                row.put("tokens_per_s", b * t / seconds);
                boolean last = step + 1 == config.maxSteps();
                row.put("valid_ppl", null);
                if (last) {
                    validPpl = Perplexity.of(lm, corpus.valid());
                    row.put("valid_ppl", validPpl);
                } else if ((step + 1) % config.evalInterval() == 0) {
                    row.put("valid_ppl", Perplexity.of(lm, evalSet));
                }
                if (log != null) {
                    log.log(row);
                }
                if (listener != null) {
                    listener.onStep(step + 1, config.maxSteps(), row);
                }
            }
            if (Double.isNaN(validPpl)) {
                validPpl = Perplexity.of(lm, corpus.valid());
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            return new Result(Math.max(startStep, config.maxSteps()), loss, validPpl, tokens / Math.max(seconds, 1e-9),
                    seconds);
        }
    }

    /**
     * What one training step did: the mean cross-entropy, the gradient's global norm before clipping,
     * and the time of its phases (forward + loss, backward, clipping + AdamW) in nanoseconds.
     */
    public record Step(float loss, float gradNorm, long forwardNanos, long backwardNanos, long optimizerNanos) {}

    /**
     * One optimizer step on {@code windows} ({@code b} rows of t+1 tokens): forward inside a gradient
     * collector, mean cross-entropy by log-softmax + gather, backward, then global-norm clipping and
     * AdamW. The benchmark times this very method.
     */
    public static Step trainStep(LanguageModel lm, LmOptimizer optimizer, long[][] windows, int b, int t, float lr) {
        long t0 = System.nanoTime();
        long[] x = new long[b * t];
        long[] y = new long[b * t];
        for (int r = 0; r < b; r++) {
            System.arraycopy(windows[r], 0, x, r * t, t); // inputs x_0..x_{T-1}
            System.arraycopy(windows[r], 1, y, r * t, t); // targets x_1..x_T
        }
        float lossValue;
        long t1;
        long t2;
        try (NDManager step = lm.newWorkManager()) {
            NDArray ids = step.create(x, new Shape(b, t));
            NDArray targets = step.create(y, new Shape(b, t, 1));
            NDArray positions = step.arange(0, t, 1, DataType.INT64).reshape(1, t);
            NDArray bias = AttentionMask.causal(step, t);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = lm.forward(new NDList(ids, positions, bias), true).get(0); // [B, T, V]
                NDArray loss = logits.logSoftmax(-1).gather(targets, -1).neg().mean(); // cross-entropy
                t1 = System.nanoTime();
                gc.backward(loss);
                lossValue = loss.getFloat();
                t2 = System.nanoTime();
            }
        }
        float norm = optimizer.step(lr);
        return new Step(lossValue, norm, t1 - t0, t2 - t1, System.nanoTime() - t2);
    }

    /** Random windows of the token stream that start at a review's BOS. */
    static final class Windows {
        private final int[] stream;
        private final int[] starts;
        private final int width;
        private final Random rng;

        Windows(List<int[]> reviews, int width, Random rng) {
            int total = 0;
            for (int[] s : reviews) {
                total += s.length;
            }
            stream = new int[total];
            List<Integer> st = new ArrayList<>();
            int at = 0;
            for (int[] s : reviews) {
                if (at + width <= total) {
                    st.add(at);
                }
                System.arraycopy(s, 0, stream, at, s.length);
                at += s.length;
            }
            if (st.isEmpty()) {
                throw new IllegalArgumentException("the training corpus has " + total + " tokens, fewer than one window of "
                        + width);
            }
            starts = st.stream().mapToInt(Integer::intValue).toArray();
            this.width = width;
            this.rng = rng;
        }

        long[][] next(int b) {
            long[][] out = new long[b][width];
            for (int r = 0; r < b; r++) {
                int s = starts[rng.nextInt(starts.length)];
                for (int j = 0; j < width; j++) {
                    out[r][j] = stream[s + j];
                }
            }
            return out;
        }
    }
}
