package dev.rlhf4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HuggingFace adapter on a hand-written WordLevel {@code tokenizer.json}. */
class HfTokenizerTest {

    private static final Path FIXTURE = Path.of("src/test/resources/text/hf-wordlevel");

    private static HfTokenizer tok;

    @BeforeAll
    static void load() {
        tok = HfTokenizer.load(FIXTURE);
    }

    @AfterAll
    static void close() {
        tok.close();
    }

    @Test
    void encodesWithoutSpecialTokens() {
        assertArrayEquals(new int[] {2, 3, 4, 5, 7, 9, 10, 4, 11, 8},
                tok.encode("The pasta was good, our server was slow!"));
    }

    @Test
    void unknownWordsGetTheUnkToken() {
        assertEquals(1, tok.unkId());
        assertArrayEquals(new int[] {2, 1, 4, 5}, tok.encode("the pizza was good"));
    }

    @Test
    void endOfTextIsBosEosAndPad() {
        assertEquals(0, tok.eosId());
        assertEquals(0, tok.bosId());
        assertEquals(0, tok.padId());
        assertEquals("<|endoftext|>", tok.token(0));
        assertEquals(22, tok.vocabSize());
        assertArrayEquals(new int[] {13, 14, 15, 0}, tok.encode("we waited forever<|endoftext|>"));
    }

    @Test
    void decodeLeavesSpecialTokensOut() {
        assertEquals("the tacos were good .", tok.decode(new int[] {0, 2, 20, 21, 5, 6, 0}));
    }

    @Test
    void saveCopiesTheOriginalBytes(@TempDir Path dir) throws Exception {
        tok.save(dir);
        assertArrayEquals(Files.readAllBytes(FIXTURE.resolve("tokenizer.json")),
                Files.readAllBytes(dir.resolve("tokenizer.json")));
        Tokenizer back = Tokenizers.load(dir);
        assertInstanceOf(HfTokenizer.class, back);
        assertArrayEquals(tok.encode("our bill was fair."), back.encode("our bill was fair."));
        ((HfTokenizer) back).close();
    }

    @Test
    void malformedFileNamesTheField(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, "{\"version\": \"1.0\", \"model\": {\"type\": \"WordLevel\"}}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tokenizers.load(file));
        assertTrue(e.getMessage().contains(file + ": field 'model.vocab'"), e.getMessage());
    }
}
