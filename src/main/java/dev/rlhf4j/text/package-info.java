/**
 * Text as the models see it: the tokenizers ({@link dev.rlhf4j.text.WordTokenizer}, a word-level
 * vocabulary for the bundled models, and {@link dev.rlhf4j.text.HfTokenizer}, an adapter for a
 * HuggingFace {@code tokenizer.json}; {@link dev.rlhf4j.text.Tokenizers#load} reads either), the one
 * text normalisation they share ({@link dev.rlhf4j.text.Words}) and a small CSV reader/writer
 * ({@link dev.rlhf4j.text.Csv}). Knows nothing of reviews: the bundled data lives in
 * {@link dev.rlhf4j.world}.
 */
package dev.rlhf4j.text;
