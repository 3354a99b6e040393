/**
 * Stage 5, iterate: the tuned policy's samples go back to the raters, the reward model is retrained
 * on all feedback so far and PPO runs again from the last policy ({@link dev.rlhf4j.loop.RlhfLoop});
 * and the reward-hacking lab ({@link dev.rlhf4j.loop.HackingLab}), PPO without the KL penalty next to
 * PPO with it; and the pipeline ({@link dev.rlhf4j.loop.Pipeline}), every stage once on the bundled
 * defaults into one folder; and the comparison of PPO, DPO and GRPO on the same feedback
 * ({@link dev.rlhf4j.loop.MethodComparison}). Notebook: {@code 05-iterate}.
 */
package dev.rlhf4j.loop;
