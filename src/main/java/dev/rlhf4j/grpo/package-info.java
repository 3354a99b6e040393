/**
 * Beyond PPO, second answer: Group Relative Policy Optimization (Shao et al. 2024, DeepSeekMath
 * §4.1), PPO without a value model, on the same reward model as PPO. Group-normalised advantages,
 * the k3 KL estimator and the clipped loss as plain {@code double} functions and as the
 * {@code NDArray} version training uses ({@link dev.rlhf4j.grpo.GrpoLoss}), the trainer with group
 * sampling ({@link dev.rlhf4j.grpo.GrpoTrainer}) and a whole run judged like PPO's
 * ({@link dev.rlhf4j.grpo.GrpoRun}). TRL's {@code GRPOTrainer} names and metrics throughout.
 */
package dev.rlhf4j.grpo;
