package dev.rlhf4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.rlhf4j.core.Interrupts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Batched autoregressive sampling. Prompts of different lengths are padded on the left, so every
 * row's next token goes into the same column; padding is masked out of attention and does not
 * shift positions. With a KV cache each step feeds only the newest token and reuses the keys and
 * values of everything before it; without one it re-runs the whole sequence (same tokens, slower).
 * Rows that have sampled EOS leave the batch (with their cached keys and values) once a quarter of
 * it has finished, so the later steps cost what the rows still going cost.
 *
 * <p>The next token is drawn on the Java side from the last position's logits with the caller's
 * {@link Random}: temperature, then top-k, then top-p (nucleus), then one draw. Each row draws from
 * its own stream seeded from the caller's generator, so the same seed gives the same text, cached or
 * not, and the first rows of a batch of n are the rows of a batch of n−1.
 */
public final class Sampler {

    private static final NDIndex LAST = new NDIndex(":, -1, :");

    /**
     * On the CPU, a step whose linear layers do fewer multiply-adds per weight matrix than this (rows
     * fed × width²) runs on one intra-op thread: OpenMP's fork and join then cost more than a second
     * thread saves. On two cores, 64 rows of the bundled small model (64 × 128², about 1M per step)
     * sample 15–20% faster on one thread, the medium model's (64 × 256², 4M) 10–20% faster on two
     * ({@code bench/README.md}). The thread count found is restored after sampling, also after an
     * error. The thread count can move results by float rounding at most; the tests check every row's
     * logits against a full forward pass of that row alone (1e-5).
     */
    static final long ONE_THREAD_BELOW = 1L << 21;

    /**
     * libtorch's batched product ({@code bmm}) takes a naive loop, about twice as slow, for matrices of
     * fewer than 400 multiply-adds: a decoding step's q·kᵀ and weights·v with few cached columns (one
     * query, head size × columns). Decoding therefore attends over at least 400 / head size + 1 columns
     * of its preallocated cache, the ones not filled yet masked (weight exactly 0): for 64 rows and 8
     * columns, 139 µs a product, against 69 µs at 20 ({@code bench/README.md}).
     */
    private static final int MIN_PRODUCT = 400;

    private Sampler() {}

    /** Samples a completion for each prompt (token arrays, BOS first). */
    public static Generation generate(LanguageModel lm, List<int[]> prompts, SamplingConfig config, Random rng) {
        return generate(lm, prompts, config, rng, null, null);
    }

    /**
     * A generation with what the sampling model said about each token it drew, read off the decoding
     * steps themselves (no second forward pass): {@code logprobs[i][t]} = log π(token | context) and
     * {@code entropies[i][t]} = H = −Σ π·log π of the model's own next-token distribution softmax(logits),
     * untempered and untruncated whatever temperature, top-k or top-p the draw used, and
     * {@code readouts[i][t]} = w·h + b of the final hidden state h that predicted the token (a value
     * head; null when no readout was asked for). Row i, index t: the t-th token of completion i. The
     * numbers are those of a full forward pass over prompt + completion up to float rounding (the
     * cached and the full pass add in different orders; the tests hold them to 1e-5).
     */
    public record Scored(Generation generation, double[][] logprobs, double[][] entropies, double[][] readouts) {}

    /**
     * {@link #generate} that also records, for every sampled token, its log-probability, the entropy of
     * the distribution it came from and, when {@code readoutWeight} is given ({@code [E]}), the readout
     * {@code readoutWeight·h + readoutBias} of the hidden state that predicted it (see {@link Scored}).
     * The tokens are those {@link #generate} draws with the same arguments.
     */
    public static Scored generateScored(LanguageModel lm, List<int[]> prompts, SamplingConfig config, Random rng,
            float[] readoutWeight, float readoutBias) {
        int e = lm.config().nEmbd();
        if (readoutWeight != null && readoutWeight.length != e) {
            throw new IllegalArgumentException("Sampler: the readout has " + readoutWeight.length
                    + " weights, the model's hidden state " + e);
        }
        Recorder rec = new Recorder(prompts.size(), config.maxNewTokens(), readoutWeight, readoutBias);
        Generation g = generate(lm, prompts, config, rng, null, rec);
        return rec.finish(g);
    }

    /**
     * Sees the next-token logits of every decoding step, {@code [B, V]} flattened (row r at r·V), before
     * the draws; rows already dropped from the batch (finished) are NaN.
     */
    interface StepObserver {
        void onStep(int step, float[] logits);
    }

    /** {@link #generate} with an observer of each step's logits (tests compare them with a full forward). */
    static Generation generate(LanguageModel lm, List<int[]> prompts, SamplingConfig config, Random rng,
            StepObserver observer) {
        return generate(lm, prompts, config, rng, observer, null);
    }

    private static Generation generate(LanguageModel lm, List<int[]> prompts, SamplingConfig config, Random rng,
            StepObserver observer, Recorder rec) {
        int b = prompts.size();
        int promptLen = 0;
        for (int[] p : prompts) {
            if (p.length == 0) {
                throw new IllegalArgumentException("Sampler: empty prompt (expected at least the BOS token)");
            }
            promptLen = Math.max(promptLen, p.length);
        }
        int maxNew = config.maxNewTokens();
        int ctx = lm.config().contextLength();
        if (promptLen + maxNew > ctx) {
            throw new IllegalArgumentException("Sampler: the longest prompt (" + promptLen + " tokens) plus maxNewTokens ("
                    + maxNew + ") exceeds the model's context length " + ctx);
        }
        int v = lm.config().vocabSize();
        int pad = lm.tokenizer().padId();
        int eos = lm.tokenizer().eosId();
        int cap = promptLen + maxNew;
        int minKeys = MIN_PRODUCT / lm.config().headSize() + 1; // attention's products stay off libtorch's naive loop
        // The token grid [B, cap] and which slots are real (left padding, then generated tokens).
        TokenBatch prompt = TokenBatch.leftPadded(prompts, pad);
        long[] grid = new long[b * cap];
        boolean[] valid = new boolean[b * cap];
        for (int r = 0; r < b; r++) {
            for (int j = 0; j < promptLen; j++) {
                grid[r * cap + j] = prompt.id(r, j);
                valid[r * cap + j] = prompt.isValid(r, j);
            }
        }
        List<List<Integer>> out = new ArrayList<>();
        for (int r = 0; r < b; r++) {
            out.add(new ArrayList<>());
        }
        Random[] rowRng = new Random[b]; // one stream per row: row i's text does not depend on the batch size
        for (int r = 0; r < b; r++) {
            rowRng[r] = new Random(rng.nextLong());
        }
        boolean[] finished = new boolean[b];
        int[] nextPos = new int[b];
        for (int r = 0; r < b; r++) {
            nextPos[r] = prompts.get(r).length;
        }

        int[] rows = new int[b]; // the prompts still in the batch, in batch order
        for (int r = 0; r < b; r++) {
            rows[r] = r;
        }
        int n = b;
        // Reused at every step: the logits of the rows in the batch and the draw's scratch, so that a
        // step allocates almost nothing on the Java heap (a fresh heap page costs 10–20 µs to fault in).
        float[] logits = new float[b * v];
        double[] scratch = new double[2 * v + 2];
        // at temperature 1 without top-k or top-p the draw's softmax numerators are the model's own
        boolean plain = !config.isGreedy() && config.temperature() == 1f && (config.topK() <= 0 || config.topK() >= v)
                && config.topP() >= 1f;
        int e = lm.config().nEmbd();
        float[] hidden = rec != null && rec.readsHidden() ? new float[b * e] : null;
        boolean cpu = !lm.device().isGpu();
        int threads = cpu ? JniUtils.getNumThreads() : 0; // restored at the end
        int using = threads;
        long width2 = (long) lm.config().nEmbd() * lm.config().nEmbd();
        try (NoGrad g = NoGrad.enter(); NDManager work = lm.newWorkManager()) {
            NDList cache = null; // with the KV cache: a key and a value buffer [n, H, cap, hd] per layer
            NDManager cacheManager = null;
            if (config.useKvCache()) {
                cacheManager = work.newSubManager();
                GptConfig mc = lm.config();
                Shape buffer = new Shape(b, mc.nHead(), cap, mc.headSize());
                cache = new NDList(2 * mc.nLayer());
                for (int i = 0; i < 2 * mc.nLayer(); i++) {
                    cache.add(cacheManager.zeros(buffer));
                }
            }
            int len = promptLen; // filled columns
            for (int step = 0; step < maxNew; step++) {
                Interrupts.check("while sampling (after token " + step + " of " + maxNew + ")");
                if (cpu) {
                    long fed = (long) n * (config.useKvCache() && step > 0 ? 1 : len);
                    int want = fed * width2 < ONE_THREAD_BELOW ? 1 : threads;
                    if (want != using) {
                        JniUtils.setNumThreads(want);
                        using = want;
                    }
                }
                try (NDManager stepManager = work.newSubManager()) {
                    NDList result;
                    if (!config.useKvCache()) {
                        result = lm.forward(fullInputs(stepManager, grid, valid, rows, n, cap, len, len), false);
                    } else {
                        // attention reads at least minKeys columns of the cache; those from len on are masked
                        int keys = Math.min(cap, Math.max(len, minKeys));
                        NDList inputs = step == 0 ? fullInputs(stepManager, grid, valid, rows, n, cap, len, keys)
                                : lastTokenInputs(stepManager, grid, valid, nextPos, rows, n, cap, len, keys);
                        inputs.addAll(cache); // written in place: the step's keys and values go to their columns
                        result = lm.decode(inputs, len);
                    }
                    // [n, V], read straight from the tensor's memory (made contiguous first if it is not)
                    result.get(0).get(LAST).toByteBuffer(true).asFloatBuffer().get(logits, 0, n * v);
                    if (hidden != null) {
                        result.get(1).get(LAST).toByteBuffer(true).asFloatBuffer().get(hidden, 0, n * e); // [n, E]
                    }
                }
                if (observer != null) {
                    observer.onStep(step, allRows(logits, rows, n, b, v));
                }
                boolean allDone = true;
                int live = 0;
                for (int i = 0; i < n; i++) {
                    int r = rows[i];
                    int slot = r * cap + len;
                    if (finished[r]) {
                        grid[slot] = pad;
                        continue;
                    }
                    checkFinite(logits, i * v, v, "row " + r + " at decoding step " + step + " (position " + nextPos[r] + ")");
                    int token = draw(logits, i * v, v, config, rowRng[r], scratch);
                    if (rec != null) {
                        rec.record(r, out.get(r).size(), logits, i * v, v, token, plain ? scratch : null, hidden, i * e);
                    }
                    out.get(r).add(token);
                    grid[slot] = token;
                    valid[slot] = true;
                    nextPos[r]++;
                    if (token == eos) {
                        finished[r] = true;
                    } else {
                        allDone = false;
                        live++;
                    }
                }
                len++;
                if (allDone) {
                    break;
                }
                // Finished rows only feed padding from here on: once a quarter of the batch has
                // finished, drop them (and their cached keys and values). A row's tokens do not depend
                // on the rows beside it, so the text is the same; the steps left cost what the rows
                // still going cost.
                if (live <= n - Math.max(1, n / 4)) {
                    long[] keep = new long[live];
                    int k = 0;
                    for (int i = 0; i < n; i++) {
                        if (!finished[rows[i]]) {
                            keep[k] = i;
                            rows[k++] = rows[i];
                        }
                    }
                    n = live;
                    if (cache != null) {
                        NDManager next = work.newSubManager();
                        NDArray index = next.create(keep);
                        NDList kept = new NDList(cache.size());
                        for (NDArray c : cache) {
                            kept.add(c.get(index)); // [n, H, cap, hd]
                        }
                        kept.attach(next);
                        cacheManager.close();
                        cacheManager = next;
                        cache = kept;
                    }
                }
            }
        } finally {
            if (cpu && using != threads) {
                JniUtils.setNumThreads(threads);
            }
        }
        List<int[]> completions = new ArrayList<>(b);
        for (List<Integer> c : out) {
            completions.add(c.stream().mapToInt(Integer::intValue).toArray());
        }
        return new Generation(List.copyOf(prompts), completions, finished);
    }

    /** Collects {@link Scored}'s numbers row by row as the tokens are drawn. */
    private static final class Recorder {
        private final double[][] logprobs;
        private final double[][] entropies;
        private final double[][] readouts;
        private final float[] weight;
        private final float bias;

        Recorder(int b, int maxNew, float[] weight, float bias) {
            this.logprobs = new double[b][maxNew];
            this.entropies = new double[b][maxNew];
            this.readouts = weight == null ? null : new double[b][maxNew];
            this.weight = weight;
            this.bias = bias;
        }

        boolean readsHidden() {
            return weight != null;
        }

        /**
         * Token t of row r, drawn from {@code logits[lo .. lo+v)}; its hidden state at {@code hidden[ho .. ho+E)}.
         * {@code drawn}: the draw's scratch when it drew from softmax(logits) itself (its weights exp(l − max),
         * max and sum are reused), else null.
         */
        void record(int r, int t, float[] logits, int lo, int v, int token, double[] drawn, float[] hidden, int ho) {
            double max;
            double total = 0;
            double weighted = 0;
            if (drawn != null) {
                max = drawn[2 * v];
                total = drawn[2 * v + 1];
                for (int i = 0; i < v; i++) {
                    if (drawn[i] > 0) {
                        weighted += drawn[i] * (logits[lo + i] - max);
                    }
                }
            } else {
                max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < v; i++) {
                    max = Math.max(max, logits[lo + i]);
                }
                for (int i = 0; i < v; i++) {
                    double x = logits[lo + i] - max;
                    double p = Math.exp(x); // unnormalised π_i (0 for a −∞ logit, which must not meet a 0·∞)
                    if (p > 0) {
                        total += p;
                        weighted += p * x;
                    }
                }
            }
            double logZ = Math.log(total); // log Σ exp(l − max)
            logprobs[r][t] = logits[lo + token] - max - logZ;  // log π(token) = l_token − logsumexp(l)
            entropies[r][t] = logZ - weighted / total;         // H = −Σ π·log π = logZ − Σ π·(l − max)
            if (weight != null) {
                double y = bias;
                for (int j = 0; j < weight.length; j++) {
                    y += (double) weight[j] * hidden[ho + j]; // w·h + b
                }
                readouts[r][t] = y;
            }
        }

        Scored finish(Generation g) {
            int b = g.size();
            double[][] lp = new double[b][];
            double[][] h = new double[b][];
            double[][] ro = readouts == null ? null : new double[b][];
            for (int i = 0; i < b; i++) {
                int n = g.completions().get(i).length;
                lp[i] = Arrays.copyOf(logprobs[i], n);
                h[i] = Arrays.copyOf(entropies[i], n);
                if (ro != null) {
                    ro[i] = Arrays.copyOf(readouts[i], n);
                }
            }
            return new Scored(g, lp, h, ro);
        }
    }

    /**
     * Inputs for the whole filled grid of the {@code n} rows in the batch ({@code [n, len]}), with a bias
     * over {@code keys ≥ len} key slots (those from {@code len} on masked).
     */
    private static NDList fullInputs(NDManager m, long[] grid, boolean[] valid, int[] rows, int n, int cap, int len,
            int keys) {
        long[] ids = new long[n * len];
        long[] pos = new long[n * len];
        boolean[] keyValid = new boolean[n * keys];
        for (int i = 0; i < n; i++) {
            long p = 0;
            for (int j = 0; j < len; j++) {
                int src = rows[i] * cap + j;
                int dst = i * len + j;
                ids[dst] = grid[src];
                keyValid[i * keys + j] = valid[src];
                pos[dst] = valid[src] ? p++ : 0;
            }
        }
        return new NDList(m.create(ids, new Shape(n, len)), m.create(pos, new Shape(n, len)),
                AttentionMask.bias(m, keyValid, n, keys, 0, len));
    }

    /**
     * Inputs for the newest column of the {@code n} rows in the batch ({@code [n, 1]}), attending to the
     * first {@code len} slots, with a bias over {@code keys ≥ len} key slots (those from {@code len} on masked).
     */
    private static NDList lastTokenInputs(
            NDManager m, long[] grid, boolean[] valid, int[] nextPos, int[] rows, int n, int cap, int len, int keys) {
        long[] ids = new long[n];
        long[] pos = new long[n];
        boolean[] keyValid = new boolean[n * keys];
        for (int i = 0; i < n; i++) {
            int r = rows[i];
            ids[i] = grid[r * cap + len - 1];
            pos[i] = Math.max(0, nextPos[r] - 1);
            System.arraycopy(valid, r * cap, keyValid, i * keys, len);
        }
        return new NDList(m.create(ids, new Shape(n, 1)), m.create(pos, new Shape(n, 1)),
                AttentionMask.bias(m, keyValid, n, keys, len - 1, 1));
    }

    /** The {@code [n, V]} logits of the rows in the batch as a new {@code [b, V]} array (rows no longer in it: NaN). */
    private static float[] allRows(float[] logits, int[] rows, int n, int b, int v) {
        if (n == b) {
            return logits.clone();
        }
        float[] all = new float[b * v];
        Arrays.fill(all, Float.NaN);
        for (int i = 0; i < n; i++) {
            System.arraycopy(logits, i * v, all, rows[i] * v, v);
        }
        return all;
    }

    /**
     * Draws one token from {@code logits[offset .. offset+v)}: greedy when the temperature is 0,
     * else softmax(logits / temperature) restricted to the top-k and then to the top-p nucleus.
     */
    public static int pick(float[] logits, int offset, int v, SamplingConfig c, Random rng) {
        checkFinite(logits, offset, v, "the row at offset " + offset);
        return draw(logits, offset, v, c, rng, new double[2 * v + 2]);
    }

    /**
     * {@link #pick(float[], int, int, SamplingConfig, Random)} on logits already checked with {@link #checkFinite},
     * with caller-owned scratch space of at least {@code 2·v + 2}. Unless greedy, the draw leaves the
     * weights it drew from in {@code scratch[0 .. v)}, and the largest scaled logit and the weights' sum
     * (before top-p) in {@code scratch[2v]} and {@code scratch[2v + 1]}.
     */
    private static int draw(float[] logits, int offset, int v, SamplingConfig c, Random rng, double[] scratch) {
        if (c.isGreedy()) {
            int best = 0;
            for (int i = 1; i < v; i++) {
                if (logits[offset + i] > logits[offset + best]) {
                    best = i;
                }
            }
            return best;
        }
        double[] p = scratch; // p[0 .. v): the weights; p[v .. 2v): a sorted copy for top-k
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < v; i++) {
            p[i] = logits[offset + i] / (double) c.temperature();
            max = Math.max(max, p[i]);
        }
        double cutoff = Double.NEGATIVE_INFINITY;
        if (c.topK() > 0 && c.topK() < v) {
            System.arraycopy(p, 0, p, v, v);
            Arrays.sort(p, v, 2 * v);
            cutoff = p[2 * v - c.topK()]; // the k-th largest scaled logit
        }
        double total = 0;
        for (int i = 0; i < v; i++) {
            p[i] = p[i] < cutoff ? 0 : Math.exp(p[i] - max); // softmax numerators
            total += p[i];
        }
        p[2 * v] = max;
        p[2 * v + 1] = total;
        if (c.topP() < 1f) {
            total = nucleus(p, v, total, c.topP());
        }
        double u = rng.nextDouble() * total;
        double acc = 0;
        int last = 0;
        for (int i = 0; i < v; i++) {
            if (p[i] > 0) {
                acc += p[i];
                last = i;
                if (u < acc) {
                    return i;
                }
            }
        }
        return last;
    }

    /**
     * Fails on logits no distribution can be drawn from: a NaN or +∞ anywhere, or no finite value at all
     * (−∞ alone is a token with probability 0). Without this check a diverged model would silently
     * "sample" token 0 — every comparison with NaN is false.
     */
    static void checkFinite(float[] logits, int offset, int v, String where) {
        int bad = 0;
        int first = -1;
        boolean anyFinite = false;
        for (int i = 0; i < v; i++) {
            float x = logits[offset + i];
            if (Float.isNaN(x) || x == Float.POSITIVE_INFINITY) {
                bad++;
                first = first < 0 ? i : first;
            }
            anyFinite |= Float.isFinite(x);
        }
        if (bad > 0 || !anyFinite) {
            String found = bad > 0
                    ? bad + " of " + v + " logits are NaN or +inf (the first at token id " + first + ": " + logits[offset + first] + ")"
                    : "all " + v + " logits are -inf";
            throw new IllegalStateException("Sampler: the next-token logits of " + where + " are not a distribution: "
                    + found + ". The model has probably diverged (NaN/inf weights, e.g. after a too-large learning rate):"
                    + " load an earlier checkpoint or lower the learning rate.");
        }
    }

    /** Zeroes every weight of {@code p[0 .. v)} outside the smallest top set reaching mass {@code topP}; returns the kept mass. */
    private static double nucleus(double[] p, int v, double total, float topP) {
        Integer[] order = new Integer[v];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        double kept = 0;
        int i = 0;
        for (; i < order.length; i++) {
            kept += p[order[i]];
            if (kept >= topP * total) {
                i++;
                break;
            }
        }
        for (; i < order.length; i++) {
            p[order[i]] = 0;
        }
        return kept;
    }
}
