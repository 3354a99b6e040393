package dev.rlhf4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlhf4j.world.ReviewWorld;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordTokenizerTest {

    private static final Path DATA = Path.of("datasets/reviews");

    private static WordTokenizer small() {
        return WordTokenizer.build(List.of("the pasta was good.", "the pasta was bland, good!"), 1);
    }

    @Test
    void roundTripsEveryLineOfValidTxt() {
        WordTokenizer tok = WordTokenizer.load(DATA);
        List<String> lines = ReviewWorld.readLines(DATA.resolve("valid.txt"));
        assertEquals(ReviewWorld.VALID_REVIEWS, lines.size());
        for (String line : lines) {
            int[] ids = tok.encode(line);
            assertFalse(Arrays.stream(ids).anyMatch(id -> id == tok.unkId()), line);
            assertEquals(line, tok.decode(ids));
        }
    }

    @Test
    void specialTokensComeFirst() {
        WordTokenizer tok = small();
        assertEquals(List.of("<pad>", "<bos>", "<eos>", "<unk>"), tok.vocabulary().subList(0, 4));
        assertEquals(0, tok.padId());
        assertEquals(1, tok.bosId());
        assertEquals(2, tok.eosId());
        assertEquals(3, tok.unkId());
        assertEquals("<eos>", tok.token(2));
    }

    @Test
    void vocabularyIsSortedByCountThenAlphabetically() {
        WordTokenizer tok = small();
        // good, pasta, the, was: twice; "!", ",", ".", bland: once
        assertEquals(List.of("good", "pasta", "the", "was", "!", ",", ".", "bland"),
                tok.vocabulary().subList(4, tok.vocabSize()));
        WordTokenizer frequent = WordTokenizer.build(
                List.of("the pasta was good.", "the pasta was bland, good!"), 2);
        assertEquals(8, frequent.vocabSize());
    }

    @Test
    void unknownWordsMapToUnkAndStayVisible() {
        WordTokenizer tok = small();
        int[] ids = tok.encode("the pizza was good");
        assertEquals(3, ids[1]);
        assertEquals("the <unk> was good", tok.decode(ids));
    }

    @Test
    void punctuationBecomesItsOwnToken() {
        assertEquals(List.of("the", "pasta", ",", "sadly", ";", "was", ":", "meh", "?", "no", "!",
                "."), Words.split("The pasta, sadly; was: MEH? no!."));
        WordTokenizer tok = small();
        int[] ids = tok.encode("Good,good!");
        assertEquals(List.of("good", ",", "good", "!"),
                Arrays.stream(ids).mapToObj(tok::token).toList());
        assertEquals("good, good!", tok.decode(ids));
    }

    @Test
    void decodeSkipsPadBosEos() {
        WordTokenizer tok = small();
        int[] body = tok.encode("the pasta was good.");
        int[] framed = new int[body.length + 3];
        framed[0] = tok.bosId();
        System.arraycopy(body, 0, framed, 1, body.length);
        framed[body.length + 1] = tok.eosId();
        framed[body.length + 2] = tok.padId();
        assertEquals("the pasta was good.", tok.decode(framed));
    }

    @Test
    void saveLoadRoundTrip(@TempDir Path dir) {
        WordTokenizer tok = small();
        tok.save(dir);
        WordTokenizer back = WordTokenizer.load(dir.resolve("tokenizer.json"));
        assertEquals(tok, back);
        Tokenizer any = Tokenizers.load(dir);
        assertInstanceOf(WordTokenizer.class, any);
        assertArrayEquals(tok.encode("the pasta was bland!"), any.encode("the pasta was bland!"));
    }

    @Test
    void malformedJsonNamesTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, "{\"type\": \"rlhf4j-word\", \"vocab\": [");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WordTokenizer.load(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void missingOrWrongFieldsAreNamed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, "{\"type\": \"rlhf4j-word\", \"version\": 1}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WordTokenizer.load(file));
        assertTrue(e.getMessage().contains(file + ": field 'vocab'"), e.getMessage());

        Files.writeString(file, "{\"type\": \"rlhf4j-word\", \"version\": 1, \"specials\":"
                + " {\"pad\": 0, \"bos\": 1, \"eos\": 2, \"unk\": 3}, \"vocab\": [\"<pad>\", 7]}");
        e = assertThrows(IllegalArgumentException.class, () -> WordTokenizer.load(file));
        assertTrue(e.getMessage().contains("field 'vocab[1]'"), e.getMessage());

        Files.writeString(file, "{\"type\": \"rlhf4j-word\", \"version\": 1, \"specials\":"
                + " {\"pad\": 0, \"bos\": 1, \"eos\": 2, \"unk\": 3}, \"vocab\": [\"a\", \"b\"]}");
        e = assertThrows(IllegalArgumentException.class, () -> WordTokenizer.load(file));
        assertTrue(e.getMessage().contains(file + ": field 'vocab'"), e.getMessage());

        Files.writeString(file, "{\"type\": \"other\"}");
        e = assertThrows(IllegalArgumentException.class, () -> WordTokenizer.load(file));
        assertTrue(e.getMessage().contains(file + ": field 'type'"), e.getMessage());
    }

    @Test
    void missingFileIsNamed(@TempDir Path dir) {
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> Tokenizers.load(dir));
        assertTrue(e.getMessage().contains(dir.resolve("tokenizer.json").toString()),
                e.getMessage());
    }

    @Test
    void outOfRangeIdIsRejected() {
        WordTokenizer tok = small();
        assertThrows(IllegalArgumentException.class, () -> tok.token(tok.vocabSize()));
        assertThrows(IllegalArgumentException.class, () -> tok.token(-1));
    }
}
