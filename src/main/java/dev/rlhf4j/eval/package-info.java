/**
 * Judging policies: the win rate of a policy against another on held-out prompts, judged by the
 * simulated human's noiseless taste with a bootstrap interval, and an Arena-style leaderboard of
 * checkpoints (Elo in file order and Bradley–Terry with intervals, Chatbot Arena's conventions), with a
 * best-of-n baseline ranked by the reward model ({@link dev.rlhf4j.eval.Evaluation}). Sits above the
 * reward model and below the trainers' runs that report it. Notebooks {@code 04-ppo} and
 * {@code 05-iterate}.
 */
package dev.rlhf4j.eval;
