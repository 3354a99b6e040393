package dev.rlhf4j.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.feedback.SimulatedRater;
import dev.rlhf4j.world.Aspect;
import dev.rlhf4j.world.ReviewPreference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The limits lab's feedback arms and its yardstick (the reward models and PPO run in notebook 08's test). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LimitsLabTest {

    @TempDir
    static Path dir;

    LimitsLab lab;

    @BeforeAll
    void open() {
        lab = LimitsLab.create(WorkshopTraining.Settings.defaults(1), dir, 1);
    }

    @Test
    void theEvaluationTasksAreHeldOutAndEveryPairIsCounted() {
        assertEquals(51, lab.evalTasks().size(), "one task per held-out prompt");
        lab.evalTasks().forEach(t -> assertTrue(t.prompt().heldOut(), t.prompt().id() + " is held out"));
        int strict = 0;
        ReviewPreference truth = ReviewPreference.defaults();
        for (var t : lab.evalTasks()) {
            double[] u = SimulatedRater.utilities(truth, t);
            for (int i = 0; i < u.length; i++) {
                for (int j = i + 1; j < u.length; j++) {
                    strict += Math.abs(u[i] - u[j]) < 1e-9 ? 0 : 1;
                }
            }
        }
        assertEquals(strict, lab.evalPairs());
        assertTrue(strict > 51 * 4, "most of the 6 pairs per task are ordered, found " + strict);
    }

    @Test
    void relabelKeepsTheTasksAndChangesOnlyTheRankings() {
        List<FeedbackRecord> standard = lab.standard();
        assertEquals(1024, standard.size(), "the bundled sim-standard rankings");
        // The bundled README: sim-standard agrees with the noiseless preference on 0.852 of pairs.
        assertEquals(0.852, lab.labelQuality(standard), 0.005);
        var exact = new SimulatedRater("sim-exact", ReviewPreference.defaults(), 1e-4, 0, 7);
        List<FeedbackRecord> relabelled = lab.relabel(standard.subList(0, 300), exact);
        assertEquals(300, relabelled.size());
        for (int i = 0; i < 300; i++) {
            FeedbackRecord a = standard.get(i);
            FeedbackRecord b = relabelled.get(i);
            assertEquals(a.task(), b.task());
            assertEquals(a.completions(), b.completions());
            assertEquals(a.promptId(), b.promptId());
            assertEquals("sim-exact", b.rater());
        }
        assertTrue(lab.labelQuality(relabelled) > 0.99, "a rater without noise ranks by the true preference, found "
                + lab.labelQuality(relabelled));
        var careless = new SimulatedRater("sim-careless", ReviewPreference.defaults(), 3.0, 0.05, 7);
        double q = lab.labelQuality(lab.relabel(standard, careless));
        assertTrue(q > 0.5 && q < 0.7, "temperature 3 is close to coin flips, found " + q);
    }

    @Test
    void aboutAndSubsetSelectWithoutReplacement() {
        List<FeedbackRecord> food = lab.about(lab.standard(), EnumSet.of(Aspect.FOOD));
        assertTrue(food.size() > 400 && food.size() < 700, "about half the prompts are about food, found " + food.size());
        food.forEach(r -> assertEquals(Aspect.FOOD, lab.prompt(r).aspect()));
        List<FeedbackRecord> sub = lab.subset(lab.standard(), food.size(), "x");
        assertEquals(food.size(), sub.size());
        Set<String> ids = new HashSet<>();
        sub.forEach(r -> assertTrue(ids.add(r.id()), "drawn once: " + r.id()));
        assertEquals(sub, lab.subset(lab.standard(), food.size(), "x"), "seeded");
        assertNotEquals(sub, lab.subset(lab.standard(), food.size(), "y"), "another label, another draw");
        assertTrue(lab.about(sub, EnumSet.of(Aspect.PRICE)).size() > 0, "the subset covers the other aspects");
        assertThrows(IllegalArgumentException.class, () -> lab.subset(lab.standard(), 2000, "x"));
    }

    @Test
    void aRewardModelIsJudgedOnTheEvaluationPairsAndTheGapIsPaired() {
        var fit = lab.rewardModel("standard-64", lab.standard().subList(0, 64));
        int right = 0;
        int pairs = 0;
        for (int i = 0; i < fit.right().length; i++) {
            assertTrue(fit.right()[i] <= fit.pairs()[i]);
            right += fit.right()[i];
            pairs += fit.pairs()[i];
        }
        assertEquals(lab.evalPairs(), pairs, "every strictly ordered pair is judged");
        assertEquals(right / (double) pairs, fit.accuracy(), 1e-12);
        assertTrue(fit.lower() <= fit.accuracy() && fit.accuracy() <= fit.upper());
        assertTrue(fit.accuracy() > 0.6, "64 rankings already teach sentiment, found " + fit.accuracy());
        int aspectPairs = 0;
        int byAspect = 0;
        for (Aspect a : Aspect.values()) {
            byAspect += fit.byAspect().get(a).pairs();
            aspectPairs += fit.aspectPairs().get(a).pairs();
        }
        assertEquals(pairs, byAspect, "the aspects split the pairs");
        assertTrue(aspectPairs > 0 && aspectPairs < pairs);
        assertEquals(fit.covered(), EnumSet.copyOf(lab.standard().subList(0, 64).stream()
                .map(r -> lab.prompt(r).aspect()).toList()));
        assertTrue(Files.isRegularFile(dir.resolve("standard-64").resolve("accuracy.csv")));

        // A model against itself: no gap, and a zero-width interval.
        LimitsLab.Gap same = lab.gap(fit, fit, EnumSet.allOf(Aspect.class), "all");
        assertEquals(0, same.difference());
        assertEquals(0, same.lower());
        assertEquals(0, same.upper());
        // Against a model that gets one more pair right on every task: the difference is known exactly.
        int[] better = fit.right().clone();
        for (int i = 0; i < better.length; i++) {
            better[i] = Math.min(fit.pairs()[i], better[i] + 1);
        }
        int gained = 0;
        for (int i = 0; i < better.length; i++) {
            gained += better[i] - fit.right()[i];
        }
        var b = new LimitsLab.RewardFit("better", 64, fit.covered(), 0, 0, 0, 0, Map.of(), Map.of(), fit.dir(), 0,
                better, fit.pairs());
        LimitsLab.Gap gap = lab.gap(b, fit, EnumSet.allOf(Aspect.class), "all");
        assertEquals(gained / (double) pairs, gap.difference(), 1e-12);
        assertTrue(gap.lower() > 0 && gap.lower() <= gap.difference() && gap.difference() <= gap.upper(),
                "a gain on nearly every task is significant: " + gap);
    }
}
