/**
 * Stage 2, human feedback: a model samples K completions per prompt ({@link dev.rlhf4j.feedback.RankingTask}),
 * people or simulated raters rank them best-first ({@link dev.rlhf4j.feedback.Rater},
 * {@link dev.rlhf4j.feedback.ConsoleRater}, {@link dev.rlhf4j.feedback.SimulatedRater}), every ranking is
 * appended to a JSONL log ({@link dev.rlhf4j.feedback.FeedbackLog}), a ranking of K becomes its C(K,2)
 * comparisons ({@link dev.rlhf4j.feedback.Pairs}; InstructGPT, Ouyang et al. 2022, §3.5), and comparisons
 * become scores with Elo ({@link dev.rlhf4j.feedback.EloRating}, Chatbot Arena's conventions) next to
 * the maximum-likelihood Bradley–Terry fit ({@link dev.rlhf4j.feedback.BradleyTerry}; Hunter 2004).
 * Notebook: {@code 02-human-feedback-elo}.
 */
package dev.rlhf4j.feedback;
