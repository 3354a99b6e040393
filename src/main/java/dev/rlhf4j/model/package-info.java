/**
 * Stage 1's object: a GPT-2-style language model (Radford et al. 2019, "Language Models are
 * Unsupervised Multitask Learners"; structure after Karpathy's nanoGPT) written with DJL —
 * {@link dev.rlhf4j.model.Gpt}, batched sampling with a KV cache ({@link dev.rlhf4j.model.Sampler}),
 * per-token log-probabilities ({@link dev.rlhf4j.model.LogProbs}), AdamW with global-norm clipping
 * ({@link dev.rlhf4j.model.LmOptimizer}) and checkpoints ({@link dev.rlhf4j.model.Checkpoint}).
 * Notebook: {@code 01-select-pretrained}.
 */
package dev.rlhf4j.model;
