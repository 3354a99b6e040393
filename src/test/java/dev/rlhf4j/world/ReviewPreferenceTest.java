package dev.rlhf4j.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlhf4j.feedback.RankingTask;
import dev.rlhf4j.feedback.SimulatedRater;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReviewPreferenceTest {

    static final Prompt PASTA = new Prompt("p001", "the pasta was", Aspect.FOOD, false);
    final ReviewPreference pref = ReviewPreference.defaults();

    /**
     * "the pasta was great, the truffle sauce was rich and fresh." has 11 words: sentiment +2 (great,
     * rich, fresh) → +1.0; polite; on the food aspect → +0.5; names a detail (truffle) → +0.5; no
     * repetition or drift; clean ending; length term −0.5·((11 − 14)/6)² = −0.125. Utility 1.875.
     */
    @Test
    void explainsEachTermOfAGoodReview() {
        ReviewPreference.Breakdown b = pref.explain(PASTA, "great, the truffle sauce was rich and fresh.");
        assertEquals(11, b.words());
        assertEquals(0, b.politeness());
        assertEquals(0.5, b.onAspect());
        assertEquals(0, b.repetition());
        assertEquals(0, b.drift());
        assertEquals(0, b.ending());
        assertEquals(-0.125, b.length(), 1e-12);
        assertEquals(b.sentiment() + 0.5 + b.specific() + -0.125, b.total(), 1e-12);
        assertTrue(b.sentiment() > 0, "positive");
        assertEquals(0.5, b.specific(), "truffle is a detail: " + b);
    }

    @Test
    void eachFlawCostsWhatItsWeightSays() {
        double clean = pref.utility(PASTA, "great and the staff was friendly.");
        double rude = pref.explain(PASTA, "great, you idiots.").politeness();
        assertEquals(-1.0, rude);
        assertEquals(-0.75, pref.explain(PASTA, "great and the staff was").ending());
        assertEquals(-1.0, pref.explain(PASTA, "great great and fresh.").repetition());
        assertTrue(pref.utility(PASTA, "bland and cold.") < clean, "negative is worse");
        double far = pref.explain(PASTA, "great " + "and fresh ".repeat(12) + ".").length();
        assertEquals(-0.5, far, 1e-12, "the length term saturates at its weight");
    }

    /** The sampled ranking's pairwise marginals are Bradley–Terry's σ((u_i − u_j)/T). */
    @Test
    void simulatedRaterFollowsBradleyTerry() {
        RankingTask task = new RankingTask("t1", PASTA,
                List.of("great, the truffle sauce was rich and fresh.", "okay and a bit bland.", "cold and gross, you idiots."),
                "test");
        double[] u = SimulatedRater.utilities(pref, task);
        SimulatedRater rater = new SimulatedRater("sim", pref, 0.5, 0, 11);
        int n = 20_000;
        int firstOverSecond = 0;
        int secondOverThird = 0;
        for (int i = 0; i < n; i++) {
            int[] level = rater.rank(task).ranking().levels();
            firstOverSecond += level[0] < level[1] ? 1 : 0;
            secondOverThird += level[1] < level[2] ? 1 : 0;
        }
        double p01 = rater.preferenceProbability(u[0], u[1]);
        double p12 = rater.preferenceProbability(u[1], u[2]);
        // 4 standard errors of a binomial proportion
        assertEquals(p01, firstOverSecond / (double) n, 4 * Math.sqrt(p01 * (1 - p01) / n), "P(1 over 2)");
        assertEquals(p12, secondOverThird / (double) n, 4 * Math.sqrt(p12 * (1 - p12) / n), "P(2 over 3)");
    }

    @Test
    void identicalTextsTieAndTheSeedRepeats() {
        RankingTask task = new RankingTask("t1", PASTA, List.of("great.", "bland.", "great."), "test");
        for (int i = 0; i < 50; i++) {
            SimulatedRater r = new SimulatedRater("sim", pref, 1.0, 0, i);
            int[] level = r.rank(task).ranking().levels();
            assertEquals(level[0], level[2], "the same text ties");
        }
        Random seeds = new Random(1);
        long seed = seeds.nextLong();
        SimulatedRater a = new SimulatedRater("sim", pref, 1.0, 0, seed);
        SimulatedRater b = new SimulatedRater("sim", pref, 1.0, 0, seed);
        for (int i = 0; i < 20; i++) {
            assertEquals(a.rank(task).ranking(), b.rank(task).ranking());
        }
        assertEquals(3, SimulatedRater.panel(1).size());
    }
}
