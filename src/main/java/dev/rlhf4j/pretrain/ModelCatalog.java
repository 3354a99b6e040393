package dev.rlhf4j.pretrain;

import ai.djl.Device;
import com.google.gson.JsonObject;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.Gpt2Import;
import dev.rlhf4j.model.GptConfig;
import dev.rlhf4j.model.LanguageModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The models a learner can choose from: the bundled checkpoints in {@code datasets/pretrained/}
 * plus any folder the user points to — one of our checkpoints, or a HuggingFace GPT-2-family folder
 * ({@code config.json}, {@code model.safetensors}, {@code tokenizer.json}).
 */
public final class ModelCatalog {

    /** Where the bundled checkpoints live, relative to the repository root. */
    public static final String BUNDLED_DIR = "datasets/pretrained";

    /**
     * The bundled model every stage starts from by default, relative to the repository root: the
     * stage-1 choice on the bundled data, the model the bundled feedback was sampled from.
     */
    public static final String DEFAULT_MODEL = BUNDLED_DIR + "/small";

    /** What kind of folder a candidate is. */
    public enum Kind {
        /** An rlhf4j checkpoint (manifest.json, config.json, tokenizer.json, model.safetensors). */
        RLHF4J,
        /** A HuggingFace GPT-2 folder (config.json, model.safetensors, tokenizer.json). */
        HF_GPT2
    }

    /**
     * One candidate model.
     *
     * @param name short name (the folder name)
     * @param dir its folder
     * @param kind checkpoint format
     * @param config its architecture
     * @param info how it was made (steps, seed, recorded perplexity, command), empty for HF folders
     */
    public record Candidate(String name, Path dir, Kind kind, GptConfig config, JsonObject info) {

        /** Loads the model onto {@code device}. */
        public LanguageModel load(Device device) {
            return kind == Kind.RLHF4J ? Checkpoint.load(dir, device) : Gpt2Import.load(dir, device);
        }

        /** Parameter count from the configuration. */
        public long parameters() {
            return config.parameterCount();
        }

        /** The held-out perplexity recorded when it was trained, or NaN. */
        public double recordedPerplexity() {
            return info.has("validPerplexity") ? info.get("validPerplexity").getAsDouble() : Double.NaN;
        }
    }

    private ModelCatalog() {}

    /**
     * Writes {@code zoo.json} next to the bundled checkpoints: per checkpoint its configuration,
     * parameter count, training steps, seed, held-out perplexity and the command that made it.
     */
    public static Path writeManifest() {
        Path root = Home.resolve(BUNDLED_DIR);
        com.google.gson.JsonArray models = new com.google.gson.JsonArray();
        for (Candidate c : bundled()) {
            JsonObject m = new JsonObject();
            m.addProperty("name", c.name());
            m.addProperty("parameters", c.parameters());
            for (String k : List.of("steps", "seed", "validPerplexity", "bigramPerplexity", "command")) {
                if (c.info().has(k)) {
                    m.add(k, c.info().get(k));
                }
            }
            m.add("config", new com.google.gson.Gson().toJsonTree(c.config()));
            models.add(m);
        }
        JsonObject root0 = new JsonObject();
        root0.add("models", models);
        Path file = root.resolve("zoo.json");
        dev.rlhf4j.core.AtomicFiles.writeString(file,
                new com.google.gson.GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(root0) + "\n");
        return file;
    }

    /** The bundled checkpoints, smallest first. */
    public static List<Candidate> bundled() {
        Path root = Home.resolve(BUNDLED_DIR);
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("no bundled models: " + root + " does not exist");
        }
        List<Candidate> out = new ArrayList<>();
        try (var dirs = Files.list(root)) {
            for (Path d : dirs.sorted().toList()) {
                if (Files.exists(d.resolve(Checkpoint.MANIFEST))) {
                    out.add(of(d));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + root, e);
        }
        out.sort(Comparator.comparingLong(Candidate::parameters));
        return out;
    }

    /** A candidate from a folder; an error names what is missing when it is neither format. */
    public static Candidate of(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("model folder " + dir + " does not exist");
        }
        String name = dir.toAbsolutePath().normalize().getFileName().toString();
        if (Files.exists(dir.resolve(Checkpoint.MANIFEST))) {
            return new Candidate(name, dir, Kind.RLHF4J, Checkpoint.readConfig(dir), Checkpoint.info(dir));
        }
        if (Files.exists(dir.resolve("config.json")) && !Files.exists(dir.resolve(Checkpoint.MANIFEST))
                && (Files.exists(dir.resolve("model.safetensors")) || Files.exists(dir.resolve("tokenizer.json")))) {
            for (String f : List.of("config.json", "model.safetensors", "tokenizer.json")) {
                if (!Files.exists(dir.resolve(f))) {
                    throw new IllegalArgumentException(dir.resolve(f) + " is missing: a HuggingFace GPT-2 folder needs"
                            + " config.json, model.safetensors and tokenizer.json");
                }
            }
            return new Candidate(name, dir, Kind.HF_GPT2, Gpt2Import.readConfig(dir), new JsonObject());
        }
        throw new IllegalArgumentException(dir + " is not a model folder: expected manifest.json (an rlhf4j checkpoint)"
                + " or config.json + model.safetensors + tokenizer.json (a HuggingFace GPT-2 folder)");
    }
}
