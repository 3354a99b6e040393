package dev.rlhf4j.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.text.Tokenizer;
import dev.rlhf4j.text.Tokenizers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model on disk: one folder with
 *
 * <ul>
 *   <li>{@code config.json} — the {@link GptConfig} under {@code "model"} and free-form facts about
 *       how it was made under {@code "info"} (steps, seed, perplexity, command);
 *   <li>{@code tokenizer.json} — the tokenizer;
 *   <li>{@code model.safetensors} — every parameter under its GPT-2 name (readable from Python with
 *       {@code safetensors.torch.load_file});
 *   <li>{@code manifest.json} — size and SHA-256 of each file above.
 * </ul>
 *
 * <p>{@link #save} writes everything into a temporary sibling folder and renames it into place, so
 * a crash never leaves a half-written checkpoint. {@link #load} checks the manifest first and names
 * the file and the problem when something is missing, truncated, corrupted or does not match.
 */
public final class Checkpoint {

    public static final String CONFIG = "config.json";
    public static final String TOKENIZER = "tokenizer.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String MANIFEST = "manifest.json";
    /** Extra trained arrays next to the language model, such as a reward or value head (optional). */
    public static final String HEADS = "heads.safetensors";
    private static final String FORMAT = "rlhf4j-checkpoint";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private Checkpoint() {}

    /** Writes {@code lm} with {@code info} (any JSON-able values) to {@code dir}, atomically. */
    public static void save(LanguageModel lm, Path dir, Map<String, ?> info) {
        save(lm, dir, info, Map.of());
    }

    /**
     * Writes {@code lm}, {@code info} and extra named arrays ({@code heads}, e.g. a reward head) to
     * {@code dir}, atomically. The heads go to {@value #HEADS}, listed in the manifest; the folder
     * still loads as a plain language model with {@link #load}.
     */
    public static void save(LanguageModel lm, Path dir, Map<String, ?> info, Map<String, NDArray> heads) {
        Path target = dir.toAbsolutePath().normalize();
        Path parent = target.getParent();
        try {
            Files.createDirectories(parent);
            Path tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".tmp-");
            try {
                try {
                    Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: default permissions
                }
                writeFiles(lm, tmp, info, heads);
                replaceDirectory(tmp, target);
            } finally {
                deleteRecursively(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not save checkpoint to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void writeFiles(LanguageModel lm, Path tmp, Map<String, ?> info, Map<String, NDArray> heads)
            throws IOException {
        JsonObject config = new JsonObject();
        config.addProperty("format", FORMAT);
        config.addProperty("version", 1);
        config.add("model", GSON.toJsonTree(lm.config()));
        config.add("info", GSON.toJsonTree(info == null ? Map.of() : info));
        Files.writeString(tmp.resolve(CONFIG), GSON.toJson(config) + "\n");
        lm.tokenizer().save(tmp);
        NDList arrays = new NDList();
        for (Map.Entry<String, Parameter> e : lm.parameters().entrySet()) {
            NDArray a = e.getValue().getArray();
            a.setName(e.getKey());
            arrays.add(a);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        arrays.encode(bytes, NDList.Encoding.SAFETENSORS);
        Files.write(tmp.resolve(WEIGHTS), bytes.toByteArray());
        List<String> names = new ArrayList<>(List.of(CONFIG, TOKENIZER, WEIGHTS));
        if (!heads.isEmpty()) {
            NDList extra = new NDList();
            for (Map.Entry<String, NDArray> e : heads.entrySet()) {
                NDArray a = e.getValue();
                a.setName(e.getKey());
                extra.add(a);
            }
            ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
            extra.encode(headBytes, NDList.Encoding.SAFETENSORS);
            Files.write(tmp.resolve(HEADS), headBytes.toByteArray());
            names.add(HEADS);
        }
        JsonObject manifest = new JsonObject();
        manifest.addProperty("format", FORMAT);
        JsonObject files = new JsonObject();
        for (String name : names) {
            JsonObject f = new JsonObject();
            f.addProperty("bytes", Files.size(tmp.resolve(name)));
            f.addProperty("sha256", sha256(tmp.resolve(name)));
            files.add(name, f);
        }
        manifest.add("files", files);
        Files.writeString(tmp.resolve(MANIFEST), GSON.toJson(manifest) + "\n");
    }

    /**
     * Swaps {@code fresh} in for {@code target}. Files of the old folder that are not part of a
     * checkpoint (a training log, notes) are carried over.
     */
    private static void replaceDirectory(Path fresh, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            try (var files = Files.list(target)) {
                for (Path f : files.toList()) {
                    String name = f.getFileName().toString();
                    if (Files.isRegularFile(f) && !List.of(CONFIG, TOKENIZER, WEIGHTS, MANIFEST, HEADS).contains(name)) {
                        Files.copy(f, fresh.resolve(name));
                    }
                }
            }
            old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old-");
            Files.delete(old);
            AtomicFiles.move(target, old);
        }
        AtomicFiles.move(fresh, target);
        if (old != null) {
            deleteRecursively(old);
        }
    }

    /** Loads the checkpoint in {@code dir} onto {@code device}, verifying it against its manifest. */
    public static LanguageModel load(Path dir, Device device) {
        verify(dir);
        GptConfig config = readConfig(dir);
        Tokenizer tokenizer = Tokenizers.load(dir.resolve(TOKENIZER));
        if (tokenizer.vocabSize() != config.vocabSize()) {
            throw new IllegalArgumentException(dir.resolve(TOKENIZER) + ": the tokenizer has " + tokenizer.vocabSize()
                    + " tokens but " + CONFIG + " says model.vocabSize = " + config.vocabSize());
        }
        LanguageModel lm = LanguageModel.forLoading(config, tokenizer, device);
        try {
            loadWeights(lm, dir.resolve(WEIGHTS), config);
            return lm;
        } catch (RuntimeException e) {
            lm.close();
            throw e;
        }
    }

    /**
     * The extra arrays saved with {@link #save(LanguageModel, Path, Map, Map)}, verified against the
     * manifest, owned by {@code manager}.
     */
    public static Map<String, NDArray> loadHeads(Path dir, NDManager manager) {
        verify(dir);
        Path file = dir.resolve(HEADS);
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(file + " is missing: " + dir + " holds a language model without heads"
                    + " (expected a model saved with its reward or value head)");
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (NDManager tmp = NDManager.newBaseManager(Device.cpu()); NoGrad g = NoGrad.enter()) {
            for (Map.Entry<String, NDArray> e : Weights.readSafetensors(file, tmp, "").entrySet()) {
                NDArray copy = manager.create(e.getValue().toFloatArray(), e.getValue().getShape());
                copy.setName(e.getKey());
                out.put(e.getKey(), copy);
            }
        }
        return out;
    }

    /** The {@code "info"} object of a checkpoint's config (how it was made). */
    public static JsonObject info(Path dir) {
        JsonObject root = readJson(dir.resolve(CONFIG));
        JsonElement info = root.get("info");
        return info != null && info.isJsonObject() ? info.getAsJsonObject() : new JsonObject();
    }

    /** The model configuration recorded in {@code dir/config.json}. */
    public static GptConfig readConfig(Path dir) {
        Path file = dir.resolve(CONFIG);
        JsonObject root = readJson(file);
        JsonElement format = root.get("format");
        if (format == null || !FORMAT.equals(format.getAsString())) {
            throw new IllegalArgumentException(file + ": field 'format': expected \"" + FORMAT + "\", found " + format);
        }
        JsonElement model = root.get("model");
        if (model == null || !model.isJsonObject()) {
            throw new IllegalArgumentException(file + ": field 'model': expected an object with the GptConfig fields");
        }
        JsonObject m = model.getAsJsonObject();
        for (String field : List.of("vocabSize", "contextLength", "nLayer", "nHead", "nEmbd", "dropout", "activation",
                "layerNormEpsilon")) {
            if (!m.has(field)) {
                throw new IllegalArgumentException(file + ": field 'model." + field + "' is missing");
            }
        }
        try {
            return GSON.fromJson(m, GptConfig.class);
        } catch (RuntimeException e) {
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            throw new IllegalArgumentException(file + ": field 'model': " + cause.getMessage(), e);
        }
    }

    /** Checks that every file is present and matches the manifest's size and SHA-256. */
    public static void verify(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("checkpoint folder " + dir + " does not exist");
        }
        Path manifestFile = dir.resolve(MANIFEST);
        if (!Files.exists(manifestFile)) {
            throw new IllegalArgumentException(manifestFile + " is missing: " + dir + " is not a complete rlhf4j checkpoint");
        }
        JsonObject manifest = readJson(manifestFile);
        JsonElement files = manifest.get("files");
        if (files == null || !files.isJsonObject()) {
            throw new IllegalArgumentException(manifestFile + ": field 'files': expected an object");
        }
        List<String> required = new ArrayList<>(List.of(CONFIG, TOKENIZER, WEIGHTS));
        if (files.getAsJsonObject().has(HEADS)) {
            required.add(HEADS);
        }
        for (String name : required) {
            Path file = dir.resolve(name);
            JsonElement entry = files.getAsJsonObject().get(name);
            if (entry == null || !entry.isJsonObject()) {
                throw new IllegalArgumentException(manifestFile + ": field 'files." + name + "' is missing");
            }
            if (!Files.exists(file)) {
                throw new IllegalArgumentException(file + " is missing (listed in " + MANIFEST + ")");
            }
            try {
                long expected = entry.getAsJsonObject().get("bytes").getAsLong();
                long found = Files.size(file);
                if (expected != found) {
                    throw new IllegalArgumentException(file + ": expected " + expected + " bytes (" + MANIFEST + "), found "
                            + found + (found < expected ? ": the file is truncated" : ""));
                }
                String sha = entry.getAsJsonObject().get("sha256").getAsString();
                if (!sha.equals(sha256(file))) {
                    throw new IllegalArgumentException(file + ": SHA-256 does not match " + MANIFEST
                            + ": the file is corrupted or was changed after saving");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + file, e);
            }
        }
    }

    private static void loadWeights(LanguageModel lm, Path file, GptConfig config) {
        Map<String, Parameter> params = lm.parameters();
        try (NDManager tmp = NDManager.newBaseManager(Device.cpu()); NoGrad g = NoGrad.enter()) {
            Map<String, NDArray> byName = Weights.readSafetensors(file, tmp, "");
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                NDArray src = byName.remove(e.getKey());
                NDArray dst = e.getValue().getArray();
                if (src == null) {
                    throw new IllegalArgumentException(file + ": parameter '" + e.getKey() + "' is missing");
                }
                if (!src.getShape().equals(dst.getShape())) {
                    throw new IllegalArgumentException(file + ": parameter '" + e.getKey() + "' has shape " + src.getShape()
                            + " but " + CONFIG + " (" + describe(config) + ") expects " + dst.getShape());
                }
                if (src.getDataType() != DataType.FLOAT32) {
                    throw new IllegalArgumentException(file + ": parameter '" + e.getKey() + "' is " + src.getDataType()
                            + "; expected float32");
                }
                Weights.replace(dst, src);
            }
            if (!byName.isEmpty()) {
                throw new IllegalArgumentException(file + ": unexpected parameters " + byName.keySet()
                        + " for " + CONFIG + " (" + describe(config) + ")");
            }
        }
    }

    private static String describe(GptConfig c) {
        return "nLayer=" + c.nLayer() + ", nEmbd=" + c.nEmbd() + ", vocabSize=" + c.vocabSize()
                + ", contextLength=" + c.contextLength();
    }

    private static JsonObject readJson(Path file) {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(file + " is missing");
        }
        try {
            JsonElement e = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException(file + ": expected a JSON object");
            }
            return e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(file + ": malformed JSON: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }

    static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
