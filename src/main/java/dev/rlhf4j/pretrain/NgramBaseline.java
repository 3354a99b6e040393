package dev.rlhf4j.pretrain;

import java.util.List;

/**
 * Count-based baselines a language model must beat: a unigram model (add-one smoothing) and a
 * bigram model interpolated with it (Jelinek–Mercer): P(w | v) = λ·c(v,w)/c(v) + (1−λ)·P₁(w).
 *
 * <p>Both predict the same tokens as the transformer's perplexity (every token after BOS, EOS
 * included), so the numbers compare directly. λ is chosen on the held-out text from a grid, which
 * flatters the baseline, never the model.
 */
public final class NgramBaseline {

    private final int vocab;
    private final double[] unigram; // P₁(w)
    private final int[][] bigramCounts; // c(v, w)
    private final long[] contextCounts; // c(v)
    private double lambda = 0.9;

    private NgramBaseline(int vocab, double[] unigram, int[][] bigramCounts, long[] contextCounts) {
        this.vocab = vocab;
        this.unigram = unigram;
        this.bigramCounts = bigramCounts;
        this.contextCounts = contextCounts;
    }

    /** Counts unigrams and bigrams of {@code train} (sequences starting with BOS). */
    public static NgramBaseline fit(List<int[]> train, int vocab) {
        long[] uni = new long[vocab];
        int[][] bi = new int[vocab][vocab];
        long[] ctx = new long[vocab];
        long total = 0;
        for (int[] s : train) {
            for (int i = 1; i < s.length; i++) {
                uni[s[i]]++;
                bi[s[i - 1]][s[i]]++;
                ctx[s[i - 1]]++;
                total++;
            }
        }
        double[] p = new double[vocab];
        for (int w = 0; w < vocab; w++) {
            p[w] = (uni[w] + 1.0) / (total + vocab); // add-one
        }
        return new NgramBaseline(vocab, p, bi, ctx);
    }

    /** Picks λ from a grid to minimise the bigram perplexity on {@code heldOut}; returns this. */
    public NgramBaseline tune(List<int[]> heldOut) {
        double best = Double.POSITIVE_INFINITY;
        double bestLambda = lambda;
        for (double l = 0.5; l < 0.995; l += 0.02) {
            lambda = l;
            double ppl = bigramPerplexity(heldOut);
            if (ppl < best) {
                best = ppl;
                bestLambda = l;
            }
        }
        lambda = bestLambda;
        return this;
    }

    /** The interpolation weight λ in use. */
    public double lambda() {
        return lambda;
    }

    /** exp(−mean log P₁(w)) over every predicted token. */
    public double unigramPerplexity(List<int[]> seqs) {
        double nll = 0;
        long n = 0;
        for (int[] s : seqs) {
            for (int i = 1; i < s.length; i++) {
                nll -= Math.log(unigram[s[i]]);
                n++;
            }
        }
        return Math.exp(nll / n);
    }

    /** exp(−mean log P(w_i | w_{i−1})) over every predicted token. */
    public double bigramPerplexity(List<int[]> seqs) {
        double nll = 0;
        long n = 0;
        for (int[] s : seqs) {
            for (int i = 1; i < s.length; i++) {
                nll -= Math.log(bigram(s[i - 1], s[i]));
                n++;
            }
        }
        return Math.exp(nll / n);
    }

    /** P(w | v) = λ·c(v,w)/c(v) + (1−λ)·P₁(w). */
    public double bigram(int v, int w) {
        double ml = contextCounts[v] == 0 ? 0 : bigramCounts[v][w] / (double) contextCounts[v];
        return lambda * ml + (1 - lambda) * unigram[w];
    }

    /** Vocabulary size. */
    public int vocabSize() {
        return vocab;
    }
}
