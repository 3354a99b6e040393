/**
 * The review world, the bundled data every stage runs on. {@link dev.rlhf4j.world.ReviewWorld} is a
 * seeded generator of short restaurant reviews whose latent attributes (aspect, sentiment, rudeness,
 * specificity, repetition, drift, clean ending) a judge reads back from the words alone
 * ({@link dev.rlhf4j.world.ReviewLexicon}, {@link dev.rlhf4j.world.ReviewSignals}); the prompts are
 * review openings ({@link dev.rlhf4j.world.Prompt}) with their aspect, split into training and held-out
 * prompts. {@link dev.rlhf4j.world.ReviewPreference} is the simulated human's taste, a utility computed
 * from the text alone, so it can judge any model's output: the "true preference" every stage is
 * measured against (the simulated raters of {@link dev.rlhf4j.feedback} add noise to it). The bundled
 * files live in {@code datasets/reviews} and {@code ./rlhf4j data} regenerates them byte for byte.
 * Notebooks {@code 00-tour} and {@code 01-select-pretrained}.
 */
package dev.rlhf4j.world;
