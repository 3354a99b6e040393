/**
 * Stage 1, the costly route: pretraining a small GPT on the review corpus by next-token prediction
 * ({@link dev.rlhf4j.pretrain.Pretrainer}; warm-up + cosine schedule as in GPT-3, Brown et al. 2020),
 * measured by held-out perplexity against unigram and bigram baselines
 * ({@link dev.rlhf4j.pretrain.NgramBaseline}). Notebook: {@code 01-select-pretrained}.
 */
package dev.rlhf4j.pretrain;
