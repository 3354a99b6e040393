package dev.rlhf4j.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlhf4j.cli.DataCommand;
import dev.rlhf4j.text.WordTokenizer;
import dev.rlhf4j.text.Words;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The bundled data: reproducible from its seed, with the documented mix and honest labels. */
class ReviewWorldTest {

    private static final Path DATA = Path.of("datasets/reviews");

    @TempDir
    static Path regenerated;

    private static String commandOutput;
    private static List<Review> reviews;
    private static List<Prompt> prompts;

    @BeforeAll
    static void regenerateAndRead() {
        StringWriter out = new StringWriter();
        int code = new CommandLine(new DataCommand()).setOut(new PrintWriter(out))
                .execute("--seed", "7", "--out", regenerated.toString());
        assertEquals(0, code);
        commandOutput = out.toString();
        reviews = ReviewWorld.readReviews(DATA.resolve("reviews.csv"));
        prompts = ReviewWorld.readPrompts(DATA.resolve("prompts.csv"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"train.txt", "valid.txt", "reviews.csv", "prompts.csv",
        "tokenizer.json", "README.md"})
    void regeneratingWithSeed7IsByteIdentical(String file) throws Exception {
        long at = Files.mismatch(DATA.resolve(file), regenerated.resolve(file));
        assertEquals(-1L, at, file + " differs from the committed one at byte " + at);
    }

    @Test
    void commandReportsWhatItWrote() {
        for (String s : List.of("train.txt", "24000", "valid.txt", "2000", "reviews.csv",
                "prompts.csv", "tokenizer.json", "README.md", "negative")) {
            assertTrue(commandOutput.contains(s), s + " missing in:\n" + commandOutput);
        }
    }

    @Test
    void attributeMixIsWithinTheDocumentedRanges() {
        Map<String, Double> mix = ReviewWorld.mix(reviews);
        assertBetween(mix, "negative", 0.36, 0.44);
        assertBetween(mix, "rude", 0.12, 0.19);
        assertBetween(mix, "specific", 0.45, 0.55);
        assertBetween(mix, "repetition", 0.12, 0.18);
        assertBetween(mix, "drift", 0.08, 0.12);
        assertBetween(mix, "unended", 0.08, 0.12);
        assertBetween(mix, "sentiment 0", 0.09, 0.15);
        assertBetween(mix, "aspect food", 0.33, 0.39);
        assertBetween(mix, "aspect wait", 0.11, 0.17);
    }

    private static void assertBetween(Map<String, Double> mix, String key, double lo, double hi) {
        double v = mix.get(key);
        assertTrue(v >= lo && v <= hi, key + " = " + v + ", expected in [" + lo + ", " + hi + "]");
    }

    @Test
    void everyReviewHas8To24Words() {
        assertEquals(ReviewWorld.TRAIN_REVIEWS + ReviewWorld.VALID_REVIEWS, reviews.size());
        for (Review r : reviews) {
            assertTrue(r.words() >= 8 && r.words() <= 24, r.words() + " words: " + r.text());
        }
    }

    @Test
    void trainReviewsNeverStartWithAHeldOutPrompt() {
        List<String> heldOut = prompts.stream().filter(Prompt::heldOut).map(Prompt::text).toList();
        List<String> train = ReviewWorld.readLines(DATA.resolve("train.txt"));
        assertEquals(ReviewWorld.TRAIN_REVIEWS, train.size());
        for (String line : train) {
            for (String p : heldOut) {
                assertFalse(line.startsWith(p + " "), "train review starts with held-out '" + p
                        + "': " + line);
            }
        }
        List<String> valid = ReviewWorld.readLines(DATA.resolve("valid.txt"));
        long validHeldOut = valid.stream()
                .filter(l -> heldOut.stream().anyMatch(p -> l.startsWith(p + " "))).count();
        assertTrue(validHeldOut > 100, "valid reviews on held-out prompts: " + validHeldOut);
        assertEquals(train, reviews.subList(0, train.size()).stream().map(Review::text).toList());
    }

    @Test
    void vocabularyStaysSmall() {
        WordTokenizer tok = WordTokenizer.load(DATA);
        assertTrue(tok.vocabSize() >= 400 && tok.vocabSize() <= 1000, "" + tok.vocabSize());
    }

    @Test
    void theLexiconReadsEveryLatentAttributeFromTheWords() {
        for (Review r : reviews) {
            ReviewSignals all = ReviewSignals.read(r.text());
            ReviewSignals completion = ReviewSignals.read(r.completion());
            String why = r + " read as " + all;
            assertEquals(r.sentiment(), all.sentiment(), why);
            assertEquals(r.rude(), all.rude(), why);
            assertEquals(r.specific(), completion.specific(), why);
            assertEquals(r.drift(), all.drift(), why);
            assertEquals(r.repetition(), all.repetition(), why);
            assertEquals(r.unended(), !all.cleanEnding(), why);
            int own = all.aspectCounts().get(r.aspect());
            assertTrue(all.aspectCounts().values().stream().allMatch(c -> c <= own), why);
        }
    }

    @Test
    void promptsAreDistinctShortOpeningsOnTheirAspect() {
        assertTrue(prompts.size() >= 250 && prompts.size() <= 400, "" + prompts.size());
        Set<String> texts = new HashSet<>();
        ReviewLexicon lex = ReviewLexicon.standard();
        for (Prompt p : prompts) {
            assertTrue(texts.add(p.text()), "duplicate " + p);
            List<String> words = Words.split(p.text());
            assertTrue(words.size() >= 2 && words.size() <= 4, p.toString());
            assertTrue(words.stream().anyMatch(w -> lex.aspectOf(w).orElse(null) == p.aspect()),
                    "no keyword of its aspect: " + p);
            for (Prompt q : prompts) {
                assertFalse(q.text().startsWith(p.text() + " "), p + " is a prefix of " + q);
            }
        }
        for (Aspect a : Aspect.values()) {
            double n = prompts.stream().filter(p -> p.aspect() == a).count();
            double held = prompts.stream().filter(p -> p.aspect() == a && p.heldOut()).count();
            assertTrue(held / n >= 0.15 && held / n <= 0.25, a + " held out " + held / n);
        }
    }

    @Test
    void generationIsSeededAndStartsWithItsPrompt() {
        ReviewWorld world = new ReviewWorld(ReviewWorld.DEFAULT_SEED);
        assertEquals(prompts, world.prompts());
        List<Review> a = world.generate(new Random(1), 50, true);
        List<Review> b = new ReviewWorld(ReviewWorld.DEFAULT_SEED).generate(new Random(1), 50, true);
        assertEquals(a, b);
        Prompt p = world.prompts(true).get(0);
        Review r = world.generate(new Random(2), p);
        assertTrue(r.text().startsWith(p.text() + " "), r.text());
        assertEquals(p.aspect(), r.aspect());
        assertThrows(IllegalArgumentException.class,
                () -> world.generate(new Random(2), new Prompt("x", "the moon was", Aspect.FOOD,
                        false)));
        assertNotEquals(world.prompts(true), new ReviewWorld(8).prompts(true));
    }
}
