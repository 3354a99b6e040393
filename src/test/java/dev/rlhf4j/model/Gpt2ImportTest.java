package dev.rlhf4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parity with a PyTorch reference: {@code src/test/python/make_gpt2_fixture.py} built a tiny random
 * GPT-2 in HuggingFace's layout and recorded its logits; our model must load it and agree.
 */
class Gpt2ImportTest {

    static final Path FIXTURE = Path.of("src", "test", "resources", "gpt2-tiny");

    @Test
    void logitsMatchPyTorchWithin1e4() throws IOException {
        JsonObject expected = JsonParser.parseString(Files.readString(FIXTURE.resolve("expected.json"))).getAsJsonObject();
        JsonArray ids = expected.getAsJsonArray("ids");
        JsonArray logits = expected.getAsJsonArray("logits");
        assertTrue(Gpt2Import.isGpt2Folder(FIXTURE));
        try (LanguageModel lm = Gpt2Import.load(FIXTURE, Device.cpu())) {
            assertEquals(GptConfig.Activation.GELU_TANH, lm.config().activation());
            assertEquals(0, lm.tokenizer().eosId(), "<|endoftext|>");
            double worst = 0;
            for (int r = 0; r < ids.size(); r++) {
                JsonArray row = ids.get(r).getAsJsonArray();
                int[] tokens = new int[row.size()];
                for (int t = 0; t < tokens.length; t++) {
                    tokens[t] = row.get(t).getAsInt();
                }
                float[][] ours = lm.logits(tokens);
                for (int t = 0; t < tokens.length; t++) {
                    JsonArray ref = logits.get(r).getAsJsonArray().get(t).getAsJsonArray();
                    for (int v = 0; v < ref.size(); v++) {
                        worst = Math.max(worst, Math.abs(ours[t][v] - ref.get(v).getAsDouble()));
                    }
                }
            }
            assertTrue(worst < 1e-4, "max |logit difference| = " + worst);
        }
    }

    @Test
    void missingFileIsNamed(@TempDir Path tmp) throws IOException {
        for (String f : new String[] {"config.json", "tokenizer.json"}) {
            Files.copy(FIXTURE.resolve(f), tmp.resolve(f));
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Gpt2Import.load(tmp, Device.cpu()));
        assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void configThatDoesNotMatchTheWeightsIsNamed(@TempDir Path tmp) throws IOException {
        for (String f : new String[] {"tokenizer.json", "model.safetensors"}) {
            Files.copy(FIXTURE.resolve(f), tmp.resolve(f));
        }
        JsonObject config = JsonParser.parseString(Files.readString(FIXTURE.resolve("config.json"))).getAsJsonObject();
        config.addProperty("n_embd", 32);
        Files.writeString(tmp.resolve("config.json"), config.toString());
        var e = assertThrows(IllegalArgumentException.class, () -> Gpt2Import.load(tmp, Device.cpu()));
        assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("wte.weight")
                && e.getMessage().contains("n_embd=32"), e.getMessage());
    }
}
