package dev.rlhf4j.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.rlhf4j.text.HfTokenizer;
import dev.rlhf4j.text.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads a HuggingFace GPT-2-family folder ({@code config.json}, {@code model.safetensors},
 * {@code tokenizer.json} — e.g. {@code gpt2} or {@code distilgpt2}) into our {@link Gpt}.
 *
 * <p>The parameter names are the same as ours; two things differ. GPT-2 stores its linear layers as
 * {@code Conv1D} with weights {@code [in, out]}, so {@code c_attn}, {@code c_proj} and {@code c_fc}
 * weights are transposed to {@code [out, in]}. And a {@code GPT2LMHeadModel} export prefixes names
 * with {@code transformer.} and adds {@code lm_head.weight} (tied to {@code wte}, so ignored).
 * GPT-2's MLP uses the tanh approximation of GELU ({@code activation_function: gelu_new}).
 */
public final class Gpt2Import {

    private static final Set<String> CONV1D = Set.of("attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight",
            "mlp.c_proj.weight");

    private Gpt2Import() {}

    /** Whether {@code dir} looks like a HuggingFace GPT-2 folder (has config.json with model_type gpt2). */
    public static boolean isGpt2Folder(Path dir) {
        Path config = dir.resolve("config.json");
        if (!Files.exists(config) || !Files.exists(dir.resolve("model.safetensors"))) {
            return false;
        }
        try {
            JsonObject c = JsonParser.parseString(Files.readString(config)).getAsJsonObject();
            return c.has("n_embd") && c.has("n_layer");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Reads {@code dir/config.json} (HF field names) as our configuration. */
    public static GptConfig readConfig(Path dir) {
        Path file = dir.resolve("config.json");
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(file + " is missing: a GPT-2 folder needs config.json, model.safetensors"
                    + " and tokenizer.json");
        }
        JsonObject c;
        try {
            c = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        } catch (JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException(file + ": malformed JSON: " + e.getMessage(), e);
        }
        int vocab = intField(c, file, "vocab_size");
        int positions = c.has("n_positions") ? intField(c, file, "n_positions") : intField(c, file, "n_ctx");
        int layers = intField(c, file, "n_layer");
        int heads = intField(c, file, "n_head");
        int embd = intField(c, file, "n_embd");
        float eps = c.has("layer_norm_epsilon") ? c.get("layer_norm_epsilon").getAsFloat() : 1e-5f;
        String act = c.has("activation_function") ? c.get("activation_function").getAsString() : "gelu_new";
        GptConfig.Activation activation = switch (act) {
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> GptConfig.Activation.GELU_TANH;
            case "gelu" -> GptConfig.Activation.GELU;
            default -> throw new IllegalArgumentException(file + ": field 'activation_function': expected gelu_new or gelu,"
                    + " found " + act);
        };
        try {
            return new GptConfig(vocab, positions, layers, heads, embd, 0f, activation, eps);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Loads the folder onto {@code device}; the tokenizer comes from {@code dir/tokenizer.json}. */
    public static LanguageModel load(Path dir, Device device) {
        GptConfig config = readConfig(dir);
        Path weights = dir.resolve("model.safetensors");
        if (!Files.exists(weights)) {
            throw new IllegalArgumentException(weights + " is missing (expected the weights in safetensors format)");
        }
        Path tokenizerFile = dir.resolve("tokenizer.json");
        if (!Files.exists(tokenizerFile)) {
            throw new IllegalArgumentException(tokenizerFile + " is missing (expected a HuggingFace tokenizer.json)");
        }
        Tokenizer tokenizer = HfTokenizer.load(tokenizerFile);
        if (tokenizer.vocabSize() > config.vocabSize()) {
            throw new IllegalArgumentException(tokenizerFile + ": the tokenizer has " + tokenizer.vocabSize()
                    + " tokens but config.json says vocab_size = " + config.vocabSize());
        }
        LanguageModel lm = LanguageModel.forLoading(config, withVocab(tokenizer, config.vocabSize()), device);
        try {
            copyWeights(lm, weights, config);
            return lm;
        } catch (RuntimeException e) {
            lm.close();
            throw e;
        }
    }

    private static void copyWeights(LanguageModel lm, Path file, GptConfig config) {
        try (NDManager tmp = NDManager.newBaseManager(Device.cpu()); NoGrad g = NoGrad.enter()) {
            Map<String, NDArray> byName = Weights.readSafetensors(file, tmp, "transformer."); // GPT2LMHeadModel naming
            for (Map.Entry<String, Parameter> e : lm.parameters().entrySet()) {
                String name = e.getKey();
                NDArray src = byName.get(name);
                if (src == null) {
                    throw new IllegalArgumentException(file + ": parameter '" + name + "' is missing (config.json: n_layer="
                            + config.nLayer() + ")");
                }
                String local = name.startsWith("h.") ? name.substring(name.indexOf('.', 2) + 1) : name;
                NDArray value = CONV1D.contains(local) ? src.transpose() : src; // Conv1D [in,out] → [out,in]
                NDArray dst = e.getValue().getArray();
                if (!value.getShape().equals(dst.getShape())) {
                    throw new IllegalArgumentException(file + ": parameter '" + name + "' has shape " + src.getShape()
                            + " but config.json (n_embd=" + config.nEmbd() + ", n_positions=" + config.contextLength()
                            + ", vocab_size=" + config.vocabSize() + ") expects " + dst.getShape()
                            + (CONV1D.contains(local) ? " transposed" : ""));
                }
                if (value.getDataType() != DataType.FLOAT32) {
                    value = value.toType(DataType.FLOAT32, false);
                }
                Weights.replace(dst, value);
            }
        }
    }

    /** GPT-2's tokenizer has 50,257 ids; a model may have more rows (padded vocab): keep the model's size. */
    private static Tokenizer withVocab(Tokenizer t, int size) {
        if (t.vocabSize() == size) {
            return t;
        }
        return new Tokenizer() {
            @Override public int[] encode(String text) { return t.encode(text); }
            @Override public String decode(int[] ids) { return t.decode(ids); }
            @Override public String token(int id) { return id < t.vocabSize() ? t.token(id) : "<extra" + id + ">"; }
            @Override public int vocabSize() { return size; }
            @Override public int bosId() { return t.bosId(); }
            @Override public int eosId() { return t.eosId(); }
            @Override public int padId() { return t.padId(); }
            @Override public int unkId() { return t.unkId(); }
            @Override public void save(Path dir) { t.save(dir); }
        };
    }

    private static int intField(JsonObject c, Path file, String field) {
        JsonElement e = c.get(field);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException(file + ": field '" + field + "': expected an integer, found " + e);
        }
        return e.getAsInt();
    }

    /** The four Conv1D weight names (per block) that GPT-2 stores transposed. */
    public static List<String> conv1dWeights() {
        return List.copyOf(CONV1D);
    }
}
