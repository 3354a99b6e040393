package dev.rlhf4j.feedback;

import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.world.Aspect;
import dev.rlhf4j.world.ReviewPreference;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A simulated human: ranks K completions by a {@link ReviewPreference} plus Bradley–Terry noise.
 *
 * <p>The noise is Gumbel: the rater sorts {@code u_i/T + g_i} with {@code g_i ~ Gumbel(0,1)}, which
 * draws a ranking from the Plackett–Luce model (Luce 1959, Plackett 1975). Its pairwise marginals are
 * exactly Bradley–Terry's: {@code P(i above j) = σ((u_i − u_j)/T)}, so the temperature T says how
 * often the rater disagrees with its own taste. T → 0 gives the noiseless preference. Completions
 * with the same text get the same noise and therefore tie; completions whose noisy utilities
 * differ by at most {@code tieMargin} (in utility units) also tie.
 */
public final class SimulatedRater implements Rater {

    /** The default temperature: about 85% agreement with the noiseless taste on model samples. */
    public static final double DEFAULT_TEMPERATURE = 0.5;

    /**
     * The default tie margin: noisy utilities within 0.05 of each other tie, as InstructGPT's
     * labelers were asked to tie outputs they found equally good (a few percent of pairs).
     */
    public static final double DEFAULT_TIE_MARGIN = 0.05;

    private final String name;
    private final ReviewPreference preference;
    private final double temperature;
    private final double tieMargin;
    private final Random rng;

    /**
     * A rater.
     *
     * @param name the name written in the log
     * @param preference its taste
     * @param temperature the Bradley–Terry noise T &gt; 0
     * @param tieMargin noisy utilities closer than this tie (0 = only identical texts tie)
     * @param seed the seed of its noise
     */
    public SimulatedRater(String name, ReviewPreference preference, double temperature, double tieMargin, long seed) {
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be > 0, found " + temperature);
        }
        if (!(tieMargin >= 0)) {
            throw new IllegalArgumentException("tieMargin must be ≥ 0, found " + tieMargin);
        }
        this.name = name;
        this.preference = preference;
        this.temperature = temperature;
        this.tieMargin = tieMargin;
        this.rng = Seeds.derive(seed, "rater:" + name);
    }

    /** The standard rater "sim-standard" with the default taste and temperature. */
    public static SimulatedRater standard(long seed) {
        return new SimulatedRater("sim-standard", ReviewPreference.defaults(), DEFAULT_TEMPERATURE, DEFAULT_TIE_MARGIN, seed);
    }

    /**
     * Three raters with different tastes, for agreement studies: {@code sim-standard} (the default
     * taste), {@code sim-length} (length weighs 3× and 10 words are preferred) and
     * {@code sim-detail} (details weigh 3×, sentiment half).
     */
    public static List<SimulatedRater> panel(long seed) {
        ReviewPreference p = ReviewPreference.defaults();
        return List.of(
                new SimulatedRater("sim-standard", p, DEFAULT_TEMPERATURE, DEFAULT_TIE_MARGIN, seed),
                new SimulatedRater("sim-length", p.withLength(3 * p.length(), 10), DEFAULT_TEMPERATURE, DEFAULT_TIE_MARGIN, seed),
                new SimulatedRater("sim-detail", p.withSpecific(3 * p.specific()).withSentiment(0.5 * p.sentiment()),
                        DEFAULT_TEMPERATURE, DEFAULT_TIE_MARGIN, seed));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Source source() {
        return Source.SIMULATED;
    }

    /** This rater's taste. */
    public ReviewPreference preference() {
        return preference;
    }

    /** The noise temperature T. */
    public double temperature() {
        return temperature;
    }

    /** The utilities of a task's K completions under {@code taste}. */
    public static double[] utilities(ReviewPreference taste, RankingTask task) {
        return taste.utilities(task.prompt().text(), task.prompt().aspect(), task.completions());
    }

    /** The utilities of a logged ranking's K completions under {@code taste} (the prompt's aspect from {@code aspect}). */
    public static double[] utilities(ReviewPreference taste, FeedbackRecord record, Aspect aspect) {
        return taste.utilities(record.prompt(), aspect, record.completions());
    }

    /** The noiseless ranking of a task by {@code taste} (equal utilities tie): what a rater with T → 0 answers. */
    public static Ranking noiseless(ReviewPreference taste, RankingTask task) {
        return Ranking.fromScores(utilities(taste, task), 1e-9);
    }

    /** The probability that this rater puts a completion of utility {@code ui} above one of utility {@code uj}: σ((ui − uj)/T). */
    public double preferenceProbability(double ui, double uj) {
        return 1 / (1 + Math.exp(-(ui - uj) / temperature)); // σ((u_i − u_j)/T)
    }

    @Override
    public Answer rank(RankingTask task) {
        double[] u = utilities(preference, task);
        double[] noisy = new double[u.length];
        Map<String, Double> noiseOfText = new HashMap<>();
        for (int i = 0; i < u.length; i++) {
            double g = noiseOfText.computeIfAbsent(task.completions().get(i), t -> gumbel());
            noisy[i] = u[i] + temperature * g; // T·(u_i/T + g_i): same order, utility units
        }
        return Answer.of(Ranking.fromScores(noisy, tieMargin));
    }

    private double gumbel() {
        double v = rng.nextDouble();
        while (v == 0) {
            v = rng.nextDouble();
        }
        return -Math.log(-Math.log(v)); // g = −ln(−ln U), U ~ Uniform(0,1)
    }
}
