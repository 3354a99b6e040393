package dev.rlhf4j.text;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads any tokenizer this library saves: {@link #load(Path)} reads a {@code tokenizer.json} and
 * returns a {@link WordTokenizer} when its {@code type} is {@value WordTokenizer#TYPE}, and a
 * {@link HfTokenizer} (a HuggingFace file such as GPT-2's) otherwise.
 */
public final class Tokenizers {

    /** The file name every tokenizer is saved under. */
    public static final String FILE_NAME = "tokenizer.json";

    private Tokenizers() {}

    /**
     * The tokenizer in {@code fileOrDir} ({@code tokenizer.json}, or a folder holding one).
     *
     * @throws UncheckedIOException naming the path when there is no such file
     * @throws IllegalArgumentException naming the file and field when it is malformed
     */
    public static Tokenizer load(Path fileOrDir) {
        Path file = resolve(fileOrDir);
        JsonObject root = readJson(file);
        JsonElement type = root.get("type");
        if (type != null && type.isJsonPrimitive()
                && WordTokenizer.TYPE.equals(type.getAsString())) {
            return WordTokenizer.load(file);
        }
        return HfTokenizer.load(file);
    }

    /** {@code fileOrDir} itself, or {@code fileOrDir/tokenizer.json} when it is a folder. */
    static Path resolve(Path fileOrDir) {
        Path file = Files.isDirectory(fileOrDir) ? fileOrDir.resolve(FILE_NAME) : fileOrDir;
        if (!Files.isRegularFile(file)) {
            throw new UncheckedIOException(new IOException("tokenizer file not found: " + file
                    + (Files.isDirectory(fileOrDir) ? " (the folder has no " + FILE_NAME + ")"
                            : "")));
        }
        return file;
    }

    /** The JSON object in {@code file}; errors name the file. */
    static JsonObject readJson(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        }
        try {
            JsonElement root = JsonParser.parseString(text);
            if (!root.isJsonObject()) {
                throw new IllegalArgumentException(file + ": expected a JSON object, found "
                        + (root.isJsonNull() ? "an empty file" : "a " + kind(root)));
            }
            return root.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    /** The string field {@code name} of {@code obj}; errors name file and field. */
    static String string(JsonObject obj, String name, Path file) {
        JsonElement e = obj.get(name);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw error(file, name, "a string", String.valueOf(e));
        }
        return e.getAsString();
    }

    /** An error about field {@code field} of {@code file}: what was expected and found. */
    static IllegalArgumentException error(Path file, String field, String expected, String found) {
        return new IllegalArgumentException(file + ": field '" + field + "': expected " + expected
                + ", found " + found);
    }

    private static String kind(JsonElement e) {
        return e.isJsonArray() ? "JSON array" : "JSON value " + e;
    }
}
