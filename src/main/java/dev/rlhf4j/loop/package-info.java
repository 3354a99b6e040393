/**
 * Stage 5, iterate and evaluate: the tuned policy's samples go back to the raters, the reward model
 * is updated and PPO runs again ({@link dev.rlhf4j.loop.RlhfLoop}); policies are judged by win rate
 * against the initial model and on an Arena-style leaderboard of checkpoints
 * ({@link dev.rlhf4j.loop.Evaluation}). Notebook: {@code 05-iterate}.
 */
package dev.rlhf4j.loop;
