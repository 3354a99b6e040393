package dev.rlhf4j.pretrain;

import dev.rlhf4j.text.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The review corpus as token ids: every review becomes {@code [BOS, w1 .. wn, EOS]}. Training
 * reads windows of one long stream of these; evaluation scores each held-out review on its own,
 * from position 0, exactly as a prompt is generated from.
 *
 * @param train encoded training reviews
 * @param valid encoded held-out reviews
 */
public record Corpus(List<int[]> train, List<int[]> valid) {

    /** Default location of the bundled review corpus, relative to the repository root. */
    public static final Path DEFAULT_DIR = Path.of("datasets", "reviews");

    /** Reads {@code dir/train.txt} and {@code dir/valid.txt} (one review per line). */
    public static Corpus load(Path dir, Tokenizer tokenizer) {
        return new Corpus(encode(dir.resolve("train.txt"), tokenizer), encode(dir.resolve("valid.txt"), tokenizer));
    }

    /** Encodes every non-empty line of {@code file} as {@code [BOS, ..., EOS]}. */
    public static List<int[]> encode(Path file, Tokenizer tokenizer) {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(file + " is missing: expected one review per line"
                    + " (regenerate the bundled data with `./rlhf4j data`)");
        }
        try {
            List<int[]> out = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    out.add(wrap(tokenizer.encode(line), tokenizer));
                }
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException(file + ": no reviews found (the file is empty)");
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }

    /** {@code [BOS] + ids + [EOS]}. */
    public static int[] wrap(int[] ids, Tokenizer tokenizer) {
        int[] s = new int[ids.length + 2];
        s[0] = tokenizer.bosId();
        System.arraycopy(ids, 0, s, 1, ids.length);
        s[s.length - 1] = tokenizer.eosId();
        return s;
    }

    /** Number of predicted tokens in {@code seqs} (every token after BOS, EOS included). */
    public static long predictedTokens(List<int[]> seqs) {
        long n = 0;
        for (int[] s : seqs) {
            n += s.length - 1;
        }
        return n;
    }
}
