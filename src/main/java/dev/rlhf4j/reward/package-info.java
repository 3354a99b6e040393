/**
 * Stage 3, the reward model: the pretrained GPT with a scalar head on its last token
 * ({@link dev.rlhf4j.reward.RewardModel}) learns the raters' preference from their rankings, either
 * with the pairwise Bradley–Terry loss over all C(K,2) pairs of a ranking (InstructGPT, Ouyang et al.
 * 2022, eq. 1; {@link dev.rlhf4j.reward.RewardLoss}) or by regression on the rankings' normalised Elo
 * scores ({@link dev.rlhf4j.feedback.EloScores}). {@link dev.rlhf4j.reward.RewardTrainer} splits by
 * prompt, reports validation pairwise accuracy against the raters' ceiling, and stores a reward
 * normalisation (mean 0, std 1 over the reference policy's samples). Notebook: {@code 03-reward-model}.
 */
package dev.rlhf4j.reward;
