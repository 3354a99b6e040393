/**
 * Stage 4, PPO with a KL penalty (Ziegler et al. 2019; Schulman et al. 2017; GAE Schulman et al.
 * 2015; TRL's classic PPOTrainer). The math comes first, each piece as a plain {@code double[]}
 * function a learner can call and as the {@code NDArray} version training uses, tested against each
 * other: the per-token KL estimators ({@link dev.rlhf4j.ppo.KlPenalty}), the KL coefficient's
 * controllers ({@link dev.rlhf4j.ppo.KlController}), generalized advantage estimation
 * ({@link dev.rlhf4j.ppo.Gae}), masked whitening ({@link dev.rlhf4j.ppo.Whitening}) and the clipped
 * policy and value losses ({@link dev.rlhf4j.ppo.PpoLoss}). {@link dev.rlhf4j.ppo.PpoTrainer#step} is one
 * iteration read as numbered phases; {@link dev.rlhf4j.ppo.PpoRun} is a whole run (checkpoints, metrics,
 * charts, the win rate at the end). Notebook: {@code 04-ppo}.
 */
package dev.rlhf4j.ppo;
