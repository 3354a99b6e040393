package dev.rlhf4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rlhf4j.text.WordTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    static final WordTokenizer TOKENIZER = WordTokenizer.build(
            List.of("the pasta was great .", "our server was rude , and slow !", "we waited an hour for a table ."), 1);
    static final GptConfig CONFIG = new GptConfig(TOKENIZER.vocabSize(), 16, 2, 2, 16, 0f,
            GptConfig.Activation.GELU, 1e-5f);

    @TempDir
    Path tmp;
    Path dir;
    int[] tokens;

    @BeforeEach
    void save() {
        dir = tmp.resolve("ckpt");
        try (LanguageModel lm = LanguageModel.create(CONFIG, TOKENIZER, Device.cpu(), 9)) {
            tokens = lm.encodePrompt("the pasta was rude");
            Checkpoint.save(lm, dir, Map.of("steps", 12, "seed", 9));
        }
    }

    @Test
    void roundTripGivesIdenticalLogits() {
        float[][] before;
        try (LanguageModel lm = LanguageModel.create(CONFIG, TOKENIZER, Device.cpu(), 9)) {
            before = lm.logits(tokens);
        }
        try (LanguageModel loaded = Checkpoint.load(dir, Device.cpu())) {
            // Loaded weights must own their memory: garbage collection after loading changes nothing.
            for (int i = 0; i < 5; i++) {
                byte[][] garbage = new byte[64][];
                for (int j = 0; j < garbage.length; j++) {
                    garbage[j] = new byte[1 << 16];
                }
                System.gc();
            }
            float[][] after = loaded.logits(tokens);
            for (int t = 0; t < tokens.length; t++) {
                assertArrayEquals(before[t], after[t], 0f, "position " + t);
            }
            assertEquals(CONFIG, loaded.config());
            assertEquals(TOKENIZER.vocabSize(), loaded.tokenizer().vocabSize());
        }
        assertEquals(12, Checkpoint.info(dir).get("steps").getAsInt());
        assertTrue(Files.exists(dir.resolve(Checkpoint.MANIFEST)));
    }

    @Test
    void savingAgainReplacesAtomicallyAndKeepsOtherFiles() throws IOException {
        Files.writeString(dir.resolve("metrics.csv"), "step,loss\n1,2\n");
        try (LanguageModel lm = Checkpoint.load(dir, Device.cpu())) {
            Checkpoint.save(lm, dir, Map.of("steps", 13));
        }
        assertEquals(13, Checkpoint.info(dir).get("steps").getAsInt());
        assertEquals("step,loss\n1,2\n", Files.readString(dir.resolve("metrics.csv")));
        try (var files = Files.list(tmp)) {
            assertEquals(List.of("ckpt"), files.map(p -> p.getFileName().toString()).toList(), "no temp folders left");
        }
    }

    @Test
    void truncatedWeightsAreNamed() throws IOException {
        Path weights = dir.resolve(Checkpoint.WEIGHTS);
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        var e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(dir, Device.cpu()));
        assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void corruptedWeightsAreNamed() throws IOException {
        Path weights = dir.resolve(Checkpoint.WEIGHTS);
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length - 5] ^= 0x55;
        Files.write(weights, bytes);
        var e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(dir, Device.cpu()));
        assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("corrupted"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() throws IOException {
        Files.delete(dir.resolve(Checkpoint.TOKENIZER));
        var e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(dir, Device.cpu()));
        assertTrue(e.getMessage().contains("tokenizer.json") && e.getMessage().contains("missing"), e.getMessage());
    }

    /** A config.json edited to a different width (manifest updated too) fails on the weights' shapes. */
    @Test
    void mismatchedConfigNamesTheParameter() throws Exception {
        Path config = dir.resolve(Checkpoint.CONFIG);
        JsonObject root = JsonParser.parseString(Files.readString(config)).getAsJsonObject();
        root.getAsJsonObject("model").addProperty("nEmbd", 32);
        Files.writeString(config, root.toString(), StandardOpenOption.TRUNCATE_EXISTING);
        Path manifest = dir.resolve(Checkpoint.MANIFEST);
        JsonObject m = JsonParser.parseString(Files.readString(manifest)).getAsJsonObject();
        JsonObject entry = m.getAsJsonObject("files").getAsJsonObject(Checkpoint.CONFIG);
        entry.addProperty("bytes", Files.size(config));
        entry.addProperty("sha256", Checkpoint.sha256(config));
        Files.writeString(manifest, m.toString(), StandardOpenOption.TRUNCATE_EXISTING);
        var e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(dir, Device.cpu()));
        assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("wte.weight")
                && e.getMessage().contains("nEmbd=32"), e.getMessage());
    }

    @Test
    void badConfigFieldIsNamed() throws Exception {
        Path config = dir.resolve(Checkpoint.CONFIG);
        JsonObject root = JsonParser.parseString(Files.readString(config)).getAsJsonObject();
        root.getAsJsonObject("model").addProperty("nHead", 3);
        Files.writeString(config, root.toString(), StandardOpenOption.TRUNCATE_EXISTING);
        var e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.readConfig(dir));
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("nEmbd"), e.getMessage());
    }
}
