package dev.rlhf4j.text;

import java.nio.file.Path;

/**
 * Text to token ids and back. Two implementations: {@link WordTokenizer} (our word-level tokenizer
 * built from the review corpus) and {@link HfTokenizer} (a HuggingFace {@code tokenizer.json}, e.g.
 * GPT-2's byte-level BPE). Both save to a {@code tokenizer.json}; {@link Tokenizers#load(Path)}
 * reads either back.
 */
public interface Tokenizer {

    /** Token ids of {@code text}, without BOS/EOS. Unknown words map to {@link #unkId()}. */
    int[] encode(String text);

    /** The text of {@code ids}; special tokens (BOS, EOS, PAD) are left out. */
    String decode(int[] ids);

    /** The string form of one token id (special tokens included, e.g. {@code <eos>}). */
    String token(int id);

    /** Number of token ids (the model's vocabulary size). */
    int vocabSize();

    /** Beginning-of-sequence id. */
    int bosId();

    /** End-of-sequence id: a completion ends when the model samples it. */
    int eosId();

    /** Padding id (never a real token of a text). */
    int padId();

    /** Id for words not in the vocabulary. */
    int unkId();

    /** Writes {@code tokenizer.json} into {@code dir} (atomically). */
    void save(Path dir);
}
