package dev.rlhf4j.text;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.rlhf4j.core.AtomicFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A word-level tokenizer: one id per word or punctuation mark of {@link Words#split(String)}. Ids
 * 0..3 are the special tokens {@code <pad>}, {@code <bos>}, {@code <eos>}, {@code <unk>}; then
 * comes the vocabulary, most frequent first (ties alphabetical), so the same corpus always gives
 * the same ids.
 *
 * <p>{@link #decode(int[])} joins tokens with single spaces and attaches punctuation to the word
 * before it, so {@code decode(encode(t)).equals(t)} for every normalised text whose words are all
 * in the vocabulary. Unknown words decode as {@code <unk>}.
 *
 * <p>Saved as {@code tokenizer.json}:
 * {@code {"type":"rlhf4j-word","version":1,"specials":{"pad":0,"bos":1,"eos":2,"unk":3},
 * "vocab":["<pad>","<bos>","<eos>","<unk>","the",...]}}.
 */
public final class WordTokenizer implements Tokenizer {

    /** The {@code type} field of our {@code tokenizer.json}. */
    public static final String TYPE = "rlhf4j-word";
    /** The format version written and read. */
    public static final int VERSION = 1;
    /** Special tokens, at ids 0, 1, 2, 3. */
    public static final List<String> SPECIALS = List.of("<pad>", "<bos>", "<eos>", "<unk>");

    private static final int PAD = 0;
    private static final int BOS = 1;
    private static final int EOS = 2;
    private static final int UNK = 3;

    private final List<String> vocab;
    private final Map<String, Integer> ids = new HashMap<>();

    /**
     * A tokenizer over {@code vocab}, the token of each id in order.
     *
     * @throws IllegalArgumentException if the first four entries are not {@link #SPECIALS} or a
     *     token appears twice
     */
    public WordTokenizer(List<String> vocab) {
        if (vocab.size() < SPECIALS.size() || !vocab.subList(0, 4).equals(SPECIALS)) {
            throw new IllegalArgumentException("vocab must start with " + SPECIALS + ", found "
                    + vocab.subList(0, Math.min(4, vocab.size())));
        }
        this.vocab = List.copyOf(vocab);
        for (int i = 0; i < vocab.size(); i++) {
            if (ids.putIfAbsent(vocab.get(i), i) != null) {
                throw new IllegalArgumentException("vocab has '" + vocab.get(i) + "' twice (ids "
                        + ids.get(vocab.get(i)) + " and " + i + ")");
            }
        }
    }

    /**
     * Builds the vocabulary of {@code texts}: every token seen at least {@code minCount} times,
     * sorted by descending count, then alphabetically.
     */
    public static WordTokenizer build(Iterable<String> texts, int minCount) {
        Map<String, Integer> counts = new HashMap<>();
        for (String text : texts) {
            for (String t : Words.split(text)) {
                counts.merge(t, 1, Integer::sum);
            }
        }
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
        entries.sort(Map.Entry.<String, Integer>comparingByValue().reversed()
                .thenComparing(Map.Entry.comparingByKey()));
        List<String> vocab = new ArrayList<>(SPECIALS);
        for (Map.Entry<String, Integer> e : entries) {
            if (e.getValue() >= minCount && !SPECIALS.contains(e.getKey())) {
                vocab.add(e.getKey());
            }
        }
        return new WordTokenizer(vocab);
    }

    /** Reads a {@code tokenizer.json} of type {@value #TYPE} (a file, or a folder holding one). */
    public static WordTokenizer load(Path fileOrDir) {
        Path file = Tokenizers.resolve(fileOrDir);
        JsonObject root = Tokenizers.readJson(file);
        String type = Tokenizers.string(root, "type", file);
        if (!TYPE.equals(type)) {
            throw Tokenizers.error(file, "type", "\"" + TYPE + "\"", "\"" + type + "\"");
        }
        JsonElement version = root.get("version");
        if (version == null || !version.isJsonPrimitive() || version.getAsDouble() != VERSION) {
            throw Tokenizers.error(file, "version", String.valueOf(VERSION),
                    String.valueOf(version));
        }
        JsonElement v = root.get("vocab");
        if (v == null || !v.isJsonArray()) {
            throw Tokenizers.error(file, "vocab", "an array of token strings", String.valueOf(v));
        }
        List<String> vocab = new ArrayList<>();
        for (JsonElement e : v.getAsJsonArray()) {
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                throw Tokenizers.error(file, "vocab[" + vocab.size() + "]", "a string",
                        e.toString());
            }
            vocab.add(e.getAsString());
        }
        JsonElement specials = root.get("specials");
        if (specials == null || !specials.isJsonObject()
                || !specials.equals(specialsJson())) {
            throw Tokenizers.error(file, "specials", specialsJson().toString(),
                    String.valueOf(specials));
        }
        try {
            return new WordTokenizer(vocab);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": field 'vocab': " + e.getMessage(), e);
        }
    }

    private static JsonObject specialsJson() {
        JsonObject s = new JsonObject();
        s.addProperty("pad", PAD);
        s.addProperty("bos", BOS);
        s.addProperty("eos", EOS);
        s.addProperty("unk", UNK);
        return s;
    }

    @Override
    public int[] encode(String text) {
        List<String> tokens = Words.split(text);
        int[] out = new int[tokens.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids.getOrDefault(tokens.get(i), UNK);
        }
        return out;
    }

    @Override
    public String decode(int[] ids) {
        List<String> tokens = new ArrayList<>();
        for (int id : ids) {
            if (id != PAD && id != BOS && id != EOS) {
                tokens.add(token(id));
            }
        }
        return Words.join(tokens);
    }

    @Override
    public String token(int id) {
        if (id < 0 || id >= vocab.size()) {
            throw new IllegalArgumentException("token id " + id + " is outside 0.."
                    + (vocab.size() - 1));
        }
        return vocab.get(id);
    }

    /** The id of {@code token}, or {@link #unkId()} when it is not in the vocabulary. */
    public int id(String token) {
        return ids.getOrDefault(token, UNK);
    }

    /** Every token in id order, the special tokens first. */
    public List<String> vocabulary() {
        return vocab;
    }

    @Override
    public int vocabSize() {
        return vocab.size();
    }

    @Override
    public int bosId() {
        return BOS;
    }

    @Override
    public int eosId() {
        return EOS;
    }

    @Override
    public int padId() {
        return PAD;
    }

    @Override
    public int unkId() {
        return UNK;
    }

    @Override
    public void save(Path dir) {
        JsonObject root = new JsonObject();
        root.addProperty("type", TYPE);
        root.addProperty("version", VERSION);
        root.add("specials", specialsJson());
        JsonArray v = new JsonArray();
        vocab.forEach(v::add);
        root.add("vocab", v);
        String json = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create()
                .toJson(root);
        AtomicFiles.writeString(dir.resolve(Tokenizers.FILE_NAME), json + "\n");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WordTokenizer w && w.vocab.equals(vocab);
    }

    @Override
    public int hashCode() {
        return vocab.hashCode();
    }

    @Override
    public String toString() {
        return "WordTokenizer(" + vocab.size() + " ids)";
    }
}
