package dev.rlhf4j.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.rlhf4j.core.MetricsLog;
import dev.rlhf4j.core.RunSize;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.GptConfig;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.text.Tokenizer;
import dev.rlhf4j.text.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PretrainerTest {

    static final Path DATA = Path.of("datasets", "reviews");

    /**
     * The bundled small configuration, pretrained in quick mode on the review corpus, beats the
     * bigram baseline's held-out perplexity, and its metrics CSV has a row per step.
     */
    @Test
    void quickPretrainingBeatsTheBigramBaseline(@TempDir Path tmp) throws Exception {
        assertTrue(RunSize.isQuick(), "the test suite runs in quick mode");
        Tokenizer tokenizer = Tokenizers.load(DATA.resolve("tokenizer.json"));
        Corpus corpus = Corpus.load(DATA, tokenizer);
        PretrainConfig config = PretrainConfig.defaults();
        Path csv = tmp.resolve("metrics.csv");
        try (LanguageModel lm = LanguageModel.create(GptConfig.small(tokenizer.vocabSize()), tokenizer, Device.cpu(), 1);
                MetricsLog log = MetricsLog.toCsv(csv)) {
            double before = Perplexity.of(lm, corpus.valid().subList(0, 200));
            Pretrainer.Result r = Pretrainer.run(lm, corpus, config, 0, log, null);
            NgramBaseline ngram = NgramBaseline.fit(corpus.train(), tokenizer.vocabSize()).tune(corpus.valid());
            double bigram = ngram.bigramPerplexity(corpus.valid());
            System.out.printf("quick pretraining: %d steps in %.1f s, held-out perplexity %.3f (before %.1f), bigram %.3f,"
                    + " unigram %.3f%n", r.steps(), r.seconds(), r.validPerplexity(), before, bigram,
                    ngram.unigramPerplexity(corpus.valid()));
            assertTrue(r.validPerplexity() < bigram, "perplexity " + r.validPerplexity() + " vs bigram " + bigram);
            assertTrue(bigram < ngram.unigramPerplexity(corpus.valid()));
            assertEquals(config.maxSteps(), log.size());
            List<String> lines = Files.readAllLines(csv);
            assertEquals("step,loss,lr,grad_norm,tokens_per_s,valid_ppl", lines.get(0));
            assertEquals(config.maxSteps() + 1, lines.size());

            // resume: a checkpoint with its step count continues where it stopped
            Checkpoint.save(lm, tmp.resolve("ckpt"), Map.of("steps", r.steps()));
        }
        try (LanguageModel lm = Checkpoint.load(tmp.resolve("ckpt"), Device.cpu())) {
            int done = Checkpoint.info(tmp.resolve("ckpt")).get("steps").getAsInt();
            MetricsLog more = MetricsLog.inMemory();
            Pretrainer.Result r2 = Pretrainer.run(lm, corpus, config.toBuilder().maxSteps(done + 5).build(), done, more, null);
            assertEquals(5, more.size());
            assertEquals(done + 5, r2.steps());
            assertEquals(done + 1, more.column("step")[0]);
        }
    }

    /** lr(t): linear warm-up to the peak, cosine down to the minimum at the last step. */
    @Test
    void learningRateSchedule() {
        PretrainConfig c = new PretrainConfig(110, 8, 1e-3f, 1e-4f, 10, 0f, 1f, 10, 10, 1);
        assertEquals(1e-4f, c.learningRateAt(0), 1e-9f);
        assertEquals(1e-3f, c.learningRateAt(9), 1e-9f);
        assertEquals(1e-3f, c.learningRateAt(10), 1e-9f);
        assertEquals(0.55e-3f, c.learningRateAt(60), 1e-7f); // halfway: min + (max−min)/2
        assertEquals(1e-4f, c.learningRateAt(110), 1e-9f);
    }

    /** Hand-checkable bigram counts: P(b|a) with λ interpolation and add-one unigrams. */
    @Test
    void bigramBaselineByHand() {
        // sequences over vocab {0..4}: 1=BOS; tokens 3,4
        List<int[]> train = List.of(new int[] {1, 3, 4}, new int[] {1, 3, 3});
        NgramBaseline m = NgramBaseline.fit(train, 5);
        // counts of predicted tokens: 3 ×3, 4 ×1 (total 4); add-one: P1(3) = 4/9, P1(4) = 2/9
        // c(1,3) = 2, c(1) = 2 → ML P(3|1) = 1; with λ = 0.9: 0.9 + 0.1·4/9
        assertEquals(0.9 + 0.1 * 4 / 9.0, m.bigram(1, 3), 1e-12);
        // c(3,4) = 1, c(3,3) = 1, c(3) = 2 → ML P(4|3) = 0.5
        assertEquals(0.9 * 0.5 + 0.1 * 2 / 9.0, m.bigram(3, 4), 1e-12);
    }
}
