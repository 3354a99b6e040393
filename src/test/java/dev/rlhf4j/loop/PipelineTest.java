package dev.rlhf4j.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.eval.EvaluationRun;
import dev.rlhf4j.feedback.FeedbackLog;
import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline at toy sizes from a given model that is not the bundled default (the default's
 * selection and bundled feedback run in {@code ./rlhf4j pipeline}): simulated raters give the
 * feedback, and every stage writes the files the pipeline's report reads.
 */
class PipelineTest {

    @Test
    void aGivenModelGetsSimulatedFeedbackThenEveryStage(@TempDir Path out) throws Exception {
        Path tiny = Home.resolve("datasets/pretrained/tiny");
        Pipeline.Settings d = Pipeline.Settings.defaults(tiny, Home.resolve("datasets/reviews"), 3, "cpu");
        Pipeline.Settings s = new Pipeline.Settings(d.checkpoint(), d.data(), d.seed(), d.device(), 24,
                d.reward().toBuilder().epochs(1).normalizationSamples(16).build(),
                d.ppo().toBuilder().steps(2).batchSize(16).miniBatchSize(8).build(), new EvaluationRun.Settings(1, 2, 10, 3));
        List<String> stages = new ArrayList<>();
        List<Integer> iterations = new ArrayList<>();
        Pipeline.Result r = Pipeline.run(s, out, new Pipeline.Listener() {
            @Override
            public void stage(String what) {
                stages.add(what);
            }

            @Override
            public void ppoStep(int iteration, int steps, Map<String, Double> metrics) {
                iterations.add(iteration);
            }
        });

        assertEquals(tiny, r.model());
        assertNull(r.selection(), "a given model is not selected");
        assertEquals(out.resolve("feedback/feedback.jsonl"), r.feedback(), "the bundled feedback ranks another model");
        List<FeedbackRecord> feedback = FeedbackLog.readStrict(r.feedback());
        assertEquals(3 * 24, feedback.size(), "24 tasks, each by the standard rater and (all within the overlap) two more");
        assertEquals("tiny", feedback.get(0).model());
        assertEquals(List.of(1, 2), iterations);
        assertEquals(2, r.ppo().iterations());
        assertEquals(out.resolve("ppo/policy"), r.ppo().policy());
        assertEquals(5, stages.size(), stages.toString());
        assertTrue(stages.get(0).startsWith("stage 1: pretrained model") && stages.get(1).startsWith("stage 2: simulated raters")
                && stages.get(4).contains("best-of-2"), stages.toString());
        for (String f : List.of("feedback/pairs.jsonl", "feedback/pairs.csv", "reward/summary.json", "reward/loss.png",
                "ppo/summary.json", "ppo/samples.csv", "ppo/reward.png", "evaluate/win_rate.json", "evaluate/leaderboard.png",
                "feedback/summary.json", "feedback/elo_scores.png", Pipeline.SUMMARY)) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        assertFalse(Files.exists(out.resolve("feedback/models.png")), "no matches between models beside a simulated log");
        JsonObject summary = JsonParser.parseString(Files.readString(out.resolve(Pipeline.SUMMARY))).getAsJsonObject();
        assertEquals("feedback/feedback.jsonl", summary.get("feedback_log").getAsString(), "relative to the output folder");
        assertEquals("tiny", summary.get("model").getAsString());
        assertEquals("the given checkpoint", summary.get("model_choice").getAsString());
        assertEquals(1, summary.get("samples_per_prompt").getAsInt());
        assertFalse(summary.toString().contains(out.toAbsolutePath().toString()), summary.toString());
        JsonObject feedbackSummary = JsonParser.parseString(Files.readString(out.resolve("feedback/summary.json"))).getAsJsonObject();
        assertEquals(3 * 24, feedbackSummary.get("rankings").getAsInt());
        assertEquals(3, feedbackSummary.getAsJsonArray("between_raters").size(), "three raters, three pairs");
        List<String> board = Files.readAllLines(out.resolve("evaluate/leaderboard_bt.csv"));
        assertEquals(4, board.size(), "the initial model, the policy and best-of-2: " + board);
        long heldOut = ReviewWorld.readPrompts(s.data().resolve("prompts.csv")).stream().filter(Prompt::heldOut).count();
        assertEquals(heldOut, r.evaluation().winRate().comparisons(), "one sample of every held-out prompt");
    }
}
