/**
 * Text and data for every stage. The review world ({@link dev.rlhf4j.text.ReviewWorld}) is a seeded
 * generator of short restaurant reviews whose latent attributes (aspect, sentiment, rudeness,
 * specificity, repetition, drift, clean ending) a judge reads back from the words alone
 * ({@link dev.rlhf4j.text.ReviewLexicon}, {@link dev.rlhf4j.text.ReviewSignals}). The tokenizers
 * are {@link dev.rlhf4j.text.WordTokenizer} and {@link dev.rlhf4j.text.HfTokenizer} (a HuggingFace
 * adapter); {@link dev.rlhf4j.text.Tokenizers#load} reads either. The bundled data lives in
 * {@code datasets/reviews} and {@code ./rlhf4j data} regenerates it. Stage 1 of the pipeline (the
 * corpus a model is pretrained on, the prompts RLHF tunes it on); notebooks 00-tour and
 * 01-select-pretrained.
 */
package dev.rlhf4j.text;
