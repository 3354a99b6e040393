/**
 * People in the loop: a workshop server where a room ranks sampled completions in the browser.
 * {@link dev.rlhf4j.workshop.WorkshopServer} serves the ranking page ({@code /}), the projector page
 * ({@code /leaderboard}) and a small JSON API; every acknowledged ranking is committed to a
 * {@link dev.rlhf4j.workshop.FeedbackStore} (SQLite by default, PostgreSQL for a course) before the
 * answer leaves, and exports as the feedback log that stage 3 trains on. A task's K completions come
 * from K sources (decoding settings of one model, {@link dev.rlhf4j.workshop.SampledTasks}), so the
 * room's rankings also rate the sources with Elo and Bradley–Terry, as Chatbot Arena rates models.
 * {@link dev.rlhf4j.workshop.SimulatedRoom} plays a room of simulated people over HTTP.
 */
package dev.rlhf4j.workshop;
