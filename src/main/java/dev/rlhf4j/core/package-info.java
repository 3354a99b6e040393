/**
 * Foundations shared by every RLHF stage: library setup ({@link dev.rlhf4j.core.Rlhf4j}), seeds,
 * devices, quick mode ({@link dev.rlhf4j.core.RunSize}), atomic file writes and the metrics CSV.
 * Nothing here knows about language models.
 */
package dev.rlhf4j.core;
