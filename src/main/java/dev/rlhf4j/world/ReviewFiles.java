package dev.rlhf4j.world;

import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.text.Csv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading and writing the review world's files: {@code train.txt}/{@code valid.txt} (one review a
 * line), {@code prompts.csv} and {@code reviews.csv}. Every file is UTF-8 with "\n" line endings
 * and written atomically; every read error names the file, the line and the field.
 */
final class ReviewFiles {

    static final String PROMPTS_HEADER = "id,prompt,aspect,split";
    static final String REVIEWS_HEADER =
            "id,split,aspect,sentiment,rude,specific,repetition,drift,unended,words,text";

    private ReviewFiles() {}

    /** Writes {@code lines}, each followed by "\n". */
    static void writeLines(Path file, List<String> lines) {
        StringBuilder sb = new StringBuilder();
        for (String line : lines) {
            sb.append(line).append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    static void writePrompts(Path file, List<Prompt> prompts) {
        List<String> lines = new ArrayList<>(List.of(PROMPTS_HEADER));
        for (Prompt p : prompts) {
            lines.add(Csv.row(p.id(), p.text(), p.aspect().label(), p.split()));
        }
        writeLines(file, lines);
    }

    static void writeReviews(Path file, List<Review> train, List<Review> valid) {
        List<String> lines = new ArrayList<>(List.of(REVIEWS_HEADER));
        int id = 0;
        for (List<Review> split : List.of(train, valid)) {
            String name = split == train ? "train" : "valid";
            for (Review r : split) {
                String num = Integer.toString(++id);
                lines.add(Csv.row("r" + "0".repeat(Math.max(0, 5 - num.length())) + num, name,
                        r.aspect().label(), r.sentiment(), r.rude(), r.specific(), r.repetition(),
                        r.drift(), r.unended(), r.words(), r.text()));
            }
        }
        writeLines(file, lines);
    }

    /** The non-empty lines of {@code file}. */
    static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank()).toList();
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("file not found: " + file, e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        }
    }

    static List<Prompt> readPrompts(Path csv) {
        List<Prompt> out = new ArrayList<>();
        for (Row row : rows(csv, PROMPTS_HEADER)) {
            out.add(new Prompt(row.text("id"), row.text("prompt"), row.aspect("aspect"),
                    row.choice("split", "train", "heldout").equals("heldout")));
        }
        return out;
    }

    static List<Review> readReviews(Path csv) {
        Path promptsCsv = csv.toAbsolutePath().resolveSibling("prompts.csv");
        Map<String, String> prompts = new HashMap<>();
        for (Prompt p : readPrompts(promptsCsv)) {
            prompts.put(p.text(), p.text());
        }
        List<Review> out = new ArrayList<>();
        for (Row row : rows(csv, REVIEWS_HEADER)) {
            row.choice("split", "train", "valid");
            String text = row.text("text");
            String prompt = null;
            List<String> words = List.of(text.split(" "));
            for (int n = 1; n < words.size() && prompt == null; n++) {
                prompt = prompts.get(String.join(" ", words.subList(0, n)));
            }
            if (prompt == null) {
                throw row.error("text", "a review starting with a prompt of " + promptsCsv, text);
            }
            Review r = new Review(text, row.aspect("aspect"), row.integer("sentiment", -2, 2),
                    row.bool("rude"), row.bool("specific"), row.bool("repetition"),
                    row.bool("drift"), row.bool("unended"), prompt);
            if (r.words() != row.integer("words", 0, Integer.MAX_VALUE)) {
                throw row.error("words", "the word count of the text, " + r.words(),
                        row.text("words"));
            }
            out.add(r);
        }
        return out;
    }

    private static List<Row> rows(Path csv, String header) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("file not found: " + csv, e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + csv + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty() || !lines.get(0).equals(header)) {
            throw new IllegalArgumentException(csv + " line 1: expected the header '" + header
                    + "', found '" + (lines.isEmpty() ? "" : lines.get(0)) + "'");
        }
        List<String> names = List.of(header.split(","));
        List<Row> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isEmpty()) {
                continue;
            }
            List<String> fields = Csv.parse(lines.get(i), csv, i + 1);
            if (fields.size() != names.size()) {
                throw new IllegalArgumentException(csv + " line " + (i + 1) + ": expected "
                        + names.size() + " fields (" + header + "), found " + fields.size());
            }
            out.add(new Row(csv, i + 1, names, fields));
        }
        return out;
    }

    /** One parsed CSV row, with typed getters whose errors name file, line and field. */
    private record Row(Path file, int line, List<String> names, List<String> fields) {

        String text(String field) {
            String v = fields.get(names.indexOf(field));
            if (v.isBlank()) {
                throw error(field, "a non-empty value", v);
            }
            return v;
        }

        Aspect aspect(String field) {
            try {
                return Aspect.fromLabel(text(field));
            } catch (IllegalArgumentException e) {
                throw error(field, "one of food, service, ambience, price, wait", text(field));
            }
        }

        String choice(String field, String a, String b) {
            String v = text(field);
            if (!v.equals(a) && !v.equals(b)) {
                throw error(field, "'" + a + "' or '" + b + "'", v);
            }
            return v;
        }

        int integer(String field, int min, int max) {
            String v = text(field);
            try {
                int x = Integer.parseInt(v);
                if (x >= min && x <= max) {
                    return x;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw error(field, "an integer in " + min + ".." + max, v);
        }

        boolean bool(String field) {
            return choice(field, "true", "false").equals("true");
        }

        IllegalArgumentException error(String field, String expected, String found) {
            return new IllegalArgumentException(file + " line " + line + ": field '" + field
                    + "': expected " + expected + ", found '" + found + "'");
        }
    }
}
