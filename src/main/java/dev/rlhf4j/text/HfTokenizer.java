package dev.rlhf4j.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.core.Rlhf4j;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A HuggingFace {@code tokenizer.json} (GPT-2's byte-level BPE, a WordLevel model, ...) behind our
 * {@link Tokenizer} interface, through DJL's {@link HuggingFaceTokenizer}. Texts are encoded
 * without special tokens; decoding leaves special tokens out.
 *
 * <p>Special ids come from the file itself (its {@code added_tokens} and {@code model.vocab}):
 * GPT-2 style files have one {@code <|endoftext|>} token, which serves as BOS and EOS, and as PAD
 * when there is no {@code <pad>} token. {@link #save(Path)} copies the original bytes.
 */
public final class HfTokenizer implements Tokenizer, AutoCloseable {

    private static final String ENDOFTEXT = "<|endoftext|>";

    private final Path source;
    private final byte[] json;
    private final HuggingFaceTokenizer hf;
    private final String[] tokens;
    private final int bos;
    private final int eos;
    private final int pad;
    private final int unk;

    private HfTokenizer(Path source, byte[] json, HuggingFaceTokenizer hf, String[] tokens,
            Map<String, Integer> ids, String unkName) {
        this.source = source;
        this.json = json;
        this.hf = hf;
        this.tokens = tokens;
        Integer end = firstOf(ids, ENDOFTEXT, "</s>", "<eos>", "[SEP]");
        if (end == null) {
            throw Tokenizers.error(source, "added_tokens", "an end-of-text token ("
                    + ENDOFTEXT + ", </s>, <eos> or [SEP])", "none");
        }
        this.eos = end;
        this.bos = orElse(firstOf(ids, ENDOFTEXT, "<s>", "<bos>", "[CLS]"), eos);
        this.pad = orElse(firstOf(ids, "<pad>", "[PAD]"), eos);
        this.unk = orElse(firstOf(ids, unkName, "<unk>", "[UNK]"), eos);
    }

    /**
     * Loads a HuggingFace {@code tokenizer.json} (the file, or a folder holding one).
     *
     * @throws IllegalArgumentException naming the file and field when it is malformed
     */
    public static HfTokenizer load(Path tokenizerJsonOrDir) {
        Path file = Tokenizers.resolve(tokenizerJsonOrDir);
        JsonObject root = Tokenizers.readJson(file);
        Map<String, Integer> ids = idsOf(root, file);
        int size = 0;
        for (int id : ids.values()) {
            size = Math.max(size, id + 1);
        }
        String[] tokens = new String[size];
        ids.forEach((t, id) -> tokens[id] = t);
        Rlhf4j.init();
        if (System.getProperty("RUST_FLAVOR") == null && System.getenv("RUST_FLAVOR") == null) {
            System.setProperty("RUST_FLAVOR", "cpu");
        }
        byte[] bytes;
        HuggingFaceTokenizer hf;
        try {
            bytes = Files.readAllBytes(file);
            hf = HuggingFaceTokenizer.newInstance(file, Map.of(
                    "addSpecialTokens", "false", "truncation", "false", "padding", "false"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": the HuggingFace tokenizers library"
                    + " could not load it: " + e.getMessage(), e);
        }
        return new HfTokenizer(file, bytes, hf, tokens, ids, unkName(root));
    }

    /** Token → id from {@code model.vocab} and {@code added_tokens}. */
    private static Map<String, Integer> idsOf(JsonObject root, Path file) {
        Map<String, Integer> ids = new HashMap<>();
        JsonElement model = root.get("model");
        if (model == null || !model.isJsonObject()) {
            throw Tokenizers.error(file, "model", "an object", String.valueOf(model));
        }
        JsonElement vocab = model.getAsJsonObject().get("vocab");
        if (vocab == null || !vocab.isJsonObject()) {
            throw Tokenizers.error(file, "model.vocab", "an object of token → id",
                    vocab == null ? "nothing" : "a " + (vocab.isJsonArray() ? "list" : "value"));
        }
        for (Map.Entry<String, JsonElement> e : vocab.getAsJsonObject().entrySet()) {
            ids.put(e.getKey(), id(e.getValue(), file, "model.vocab." + e.getKey()));
        }
        JsonElement added = root.get("added_tokens");
        if (added != null && added.isJsonArray()) {
            int i = 0;
            for (JsonElement t : added.getAsJsonArray()) {
                String field = "added_tokens[" + i++ + "]";
                if (!t.isJsonObject()) {
                    throw Tokenizers.error(file, field, "an object with id and content",
                            t.toString());
                }
                ids.put(Tokenizers.string(t.getAsJsonObject(), "content", file),
                        id(t.getAsJsonObject().get("id"), file, field + ".id"));
            }
        }
        return ids;
    }

    private static int id(JsonElement e, Path file, String field) {
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()
                || e.getAsDouble() < 0 || e.getAsDouble() != Math.floor(e.getAsDouble())) {
            throw Tokenizers.error(file, field, "a non-negative integer id", String.valueOf(e));
        }
        return e.getAsInt();
    }

    private static String unkName(JsonObject root) {
        JsonElement unk = root.getAsJsonObject("model").get("unk_token");
        return unk != null && unk.isJsonPrimitive() ? unk.getAsString() : "<unk>";
    }

    private static Integer firstOf(Map<String, Integer> ids, String... names) {
        for (String n : names) {
            if (ids.containsKey(n)) {
                return ids.get(n);
            }
        }
        return null;
    }

    private static int orElse(Integer id, int fallback) {
        return id != null ? id : fallback;
    }

    @Override
    public int[] encode(String text) {
        long[] ids = hf.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    @Override
    public String decode(int[] ids) {
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            longs[i] = ids[i];
        }
        return hf.decode(longs, true);
    }

    @Override
    public String token(int id) {
        if (id < 0 || id >= tokens.length || tokens[id] == null) {
            throw new IllegalArgumentException("token id " + id + " is not in " + source);
        }
        return tokens[id];
    }

    @Override
    public int vocabSize() {
        return tokens.length;
    }

    @Override
    public int bosId() {
        return bos;
    }

    @Override
    public int eosId() {
        return eos;
    }

    @Override
    public int padId() {
        return pad;
    }

    @Override
    public int unkId() {
        return unk;
    }

    /** Copies the original {@code tokenizer.json} bytes into {@code dir} (atomically). */
    @Override
    public void save(Path dir) {
        AtomicFiles.write(dir.resolve(Tokenizers.FILE_NAME), out -> out.write(json));
    }

    /** The file this tokenizer was loaded from. */
    public Path source() {
        return source;
    }

    /** Frees the native tokenizer; the object is unusable afterwards. */
    @Override
    public void close() {
        hf.close();
    }

    @Override
    public String toString() {
        return "HfTokenizer(" + source + ", " + tokens.length + " ids)";
    }
}
