package dev.rlhf4j.pretrain;

import dev.rlhf4j.text.Words;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewSignals;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Quality probes of a model's samples on held-out prompts, read from the text alone with the
 * review world's lexicon.
 *
 * @param distinct1 distinct unigrams ÷ all unigrams over every completion (Li et al. 2016)
 * @param distinct2 distinct bigrams ÷ all bigrams
 * @param repetition share of samples that repeat a word ("good good") or a 3-word phrase
 * @param cleanEnding share that stop at end-of-sequence right after "." or "!"
 * @param onAspect share whose main aspect (most keywords) is the prompt's aspect
 */
public record SampleProbes(double distinct1, double distinct2, double repetition, double cleanEnding, double onAspect) {

    /**
     * @param prompts the prompt of each sample
     * @param texts prompt + completion of each sample
     * @param finished whether each sample ended with the end-of-sequence token
     * @param completions the completion text of each sample
     */
    public static SampleProbes of(List<Prompt> prompts, List<String> texts, boolean[] finished, List<String> completions) {
        Set<String> uni = new HashSet<>();
        Set<String> bi = new HashSet<>();
        long uniTotal = 0;
        long biTotal = 0;
        int repetition = 0;
        int clean = 0;
        int onAspect = 0;
        for (int i = 0; i < texts.size(); i++) {
            List<String> tokens = Words.split(completions.get(i));
            for (int j = 0; j < tokens.size(); j++) {
                uni.add(tokens.get(j));
                uniTotal++;
                if (j > 0) {
                    bi.add(tokens.get(j - 1) + " " + tokens.get(j));
                    biTotal++;
                }
            }
            ReviewSignals s = ReviewSignals.read(texts.get(i));
            repetition += s.repetition() ? 1 : 0;
            clean += finished[i] && s.cleanEnding() ? 1 : 0;
            var aspect = prompts.get(i).aspect();
            onAspect += s.mainAspect().map(a -> a == aspect).orElse(false) ? 1 : 0;
        }
        double n = Math.max(1, texts.size());
        return new SampleProbes(uni.size() / (double) Math.max(1, uniTotal), bi.size() / (double) Math.max(1, biTotal),
                repetition / n, clean / n, onAspect / n);
    }
}
