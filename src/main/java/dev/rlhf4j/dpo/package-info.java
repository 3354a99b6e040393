/**
 * Beyond PPO, first answer: Direct Preference Optimization (Rafailov et al. 2023), on the same
 * feedback log as the reward model and without one. The loss as plain {@code double} functions and
 * as the {@code NDArray} version training uses ({@link dev.rlhf4j.dpo.DpoLoss}, TRL's sigmoid, IPO
 * and hinge variants), the feedback's rankings as preference pairs ({@link dev.rlhf4j.dpo.DpoPairs}),
 * the trainer with the reference's log-probs computed once ({@link dev.rlhf4j.dpo.DpoTrainer}) and a
 * whole run judged like PPO's ({@link dev.rlhf4j.dpo.DpoRun}). TRL's {@code DPOTrainer} names and
 * metrics throughout.
 */
package dev.rlhf4j.dpo;
