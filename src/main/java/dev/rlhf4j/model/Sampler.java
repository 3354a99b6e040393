package dev.rlhf4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
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
 *
 * <p>The next token is drawn on the Java side from the last position's logits with the caller's
 * {@link Random}: temperature, then top-k, then top-p (nucleus), then one draw. Each row draws from
 * its own stream seeded from the caller's generator, so the same seed gives the same text, cached or
 * not, and the first rows of a batch of n are the rows of a batch of n−1.
 */
public final class Sampler {

    private static final NDIndex LAST = new NDIndex(":, -1, :");

    private Sampler() {}

    /** Samples a completion for each prompt (token arrays, BOS first). */
    public static Generation generate(LanguageModel lm, List<int[]> prompts, SamplingConfig config, Random rng) {
        return generate(lm, prompts, config, rng, null);
    }

    /** Sees the next-token logits of every decoding step, {@code [B, V]} flattened (row r at r·V), before the draws. */
    interface StepObserver {
        void onStep(int step, float[] logits);
    }

    /** {@link #generate} with an observer of each step's logits (tests compare them with a full forward). */
    static Generation generate(LanguageModel lm, List<int[]> prompts, SamplingConfig config, Random rng,
            StepObserver observer) {
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

        try (NoGrad g = NoGrad.enter(); NDManager work = lm.newWorkManager()) {
            NDList cache = null;
            NDManager cacheManager = null;
            int len = promptLen; // filled columns
            for (int step = 0; step < maxNew; step++) {
                Interrupts.check("while sampling (after token " + step + " of " + maxNew + ")");
                float[] logits;
                try (NDManager stepManager = work.newSubManager()) {
                    NDList inputs;
                    if (!config.useKvCache() || cache == null) {
                        inputs = fullInputs(stepManager, grid, valid, b, cap, len);
                    } else {
                        inputs = lastTokenInputs(stepManager, grid, valid, nextPos, b, cap, len);
                        inputs.addAll(cache);
                    }
                    NDList result = lm.forward(inputs, false);
                    logits = result.get(0).get(LAST).toFloatArray(); // [B, V]
                    if (config.useKvCache()) {
                        NDManager next = work.newSubManager();
                        NDList newCache = result.subNDList(2);
                        newCache.attach(next);
                        if (cacheManager != null) {
                            cacheManager.close();
                        }
                        cacheManager = next;
                        cache = newCache;
                    }
                }
                if (observer != null) {
                    observer.onStep(step, logits);
                }
                boolean allDone = true;
                for (int r = 0; r < b; r++) {
                    int slot = r * cap + len;
                    if (finished[r]) {
                        grid[slot] = pad;
                        continue;
                    }
                    checkFinite(logits, r * v, v, "row " + r + " at decoding step " + step + " (position " + nextPos[r] + ")");
                    int token = pick(logits, r * v, v, config, rowRng[r]);
                    out.get(r).add(token);
                    grid[slot] = token;
                    valid[slot] = true;
                    nextPos[r]++;
                    if (token == eos) {
                        finished[r] = true;
                    } else {
                        allDone = false;
                    }
                }
                len++;
                if (allDone) {
                    break;
                }
            }
        }
        List<int[]> completions = new ArrayList<>(b);
        for (List<Integer> c : out) {
            completions.add(c.stream().mapToInt(Integer::intValue).toArray());
        }
        return new Generation(List.copyOf(prompts), completions, finished);
    }

    /** Inputs for the whole filled grid {@code [B, len]}. */
    private static NDList fullInputs(NDManager m, long[] grid, boolean[] valid, int b, int cap, int len) {
        long[] ids = new long[b * len];
        long[] pos = new long[b * len];
        boolean[] keyValid = new boolean[b * len];
        for (int r = 0; r < b; r++) {
            long n = 0;
            for (int j = 0; j < len; j++) {
                int src = r * cap + j;
                int dst = r * len + j;
                ids[dst] = grid[src];
                keyValid[dst] = valid[src];
                pos[dst] = valid[src] ? n++ : 0;
            }
        }
        return new NDList(m.create(ids, new Shape(b, len)), m.create(pos, new Shape(b, len)),
                AttentionMask.bias(m, keyValid, b, len, 0, len));
    }

    /** Inputs for the newest column only ({@code [B, 1]}), attending to {@code len} slots. */
    private static NDList lastTokenInputs(
            NDManager m, long[] grid, boolean[] valid, int[] nextPos, int b, int cap, int len) {
        long[] ids = new long[b];
        long[] pos = new long[b];
        boolean[] keyValid = new boolean[b * len];
        for (int r = 0; r < b; r++) {
            ids[r] = grid[r * cap + len - 1];
            pos[r] = Math.max(0, nextPos[r] - 1);
            System.arraycopy(valid, r * cap, keyValid, r * len, len);
        }
        return new NDList(m.create(ids, new Shape(b, 1)), m.create(pos, new Shape(b, 1)),
                AttentionMask.bias(m, keyValid, b, len, len - 1, 1));
    }

    /**
     * Draws one token from {@code logits[offset .. offset+v)}: greedy when the temperature is 0,
     * else softmax(logits / temperature) restricted to the top-k and then to the top-p nucleus.
     */
    public static int pick(float[] logits, int offset, int v, SamplingConfig c, Random rng) {
        checkFinite(logits, offset, v, "the row at offset " + offset);
        if (c.isGreedy()) {
            int best = 0;
            for (int i = 1; i < v; i++) {
                if (logits[offset + i] > logits[offset + best]) {
                    best = i;
                }
            }
            return best;
        }
        double[] p = new double[v];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < v; i++) {
            p[i] = logits[offset + i] / (double) c.temperature();
            max = Math.max(max, p[i]);
        }
        double cutoff = Double.NEGATIVE_INFINITY;
        if (c.topK() > 0 && c.topK() < v) {
            double[] sorted = p.clone();
            Arrays.sort(sorted);
            cutoff = sorted[v - c.topK()]; // the k-th largest scaled logit
        }
        double total = 0;
        for (int i = 0; i < v; i++) {
            p[i] = p[i] < cutoff ? 0 : Math.exp(p[i] - max); // softmax numerators
            total += p[i];
        }
        if (c.topP() < 1f) {
            total = nucleus(p, total, c.topP());
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

    /** Zeroes every weight outside the smallest top set reaching mass {@code topP}; returns the kept mass. */
    private static double nucleus(double[] p, double total, float topP) {
        Integer[] order = new Integer[p.length];
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
