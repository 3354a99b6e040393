package dev.rlhf4j.world;

import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.text.Words;
import dev.rlhf4j.world.ReviewComposer.Plan;
import dev.rlhf4j.world.ReviewPrompts.Opening;
import dev.rlhf4j.world.ReviewTemplates.Kind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The review world: a seeded generator of short restaurant reviews (8–24 words) whose latent
 * attributes the simulated human can read back from the words. It is the bundled data of every
 * stage: the corpus a small model is pretrained on, and the prompts RLHF tunes it on.
 *
 * <p>Each review starts with one of ~250 prompt openings ("the pasta was", "our server", "we
 * waited") and is drawn from this mix (the README of the generated folder reports the measured
 * shares):
 *
 * <table>
 *   <caption>attribute mix</caption>
 *   <tr><th>attribute</th><th>probability</th></tr>
 *   <tr><td>aspect</td><td>food .36, service .22, ambience .14, price .14, wait .14</td></tr>
 *   <tr><td>sentiment</td><td>−2 .18, −1 .22, 0 .12, +1 .22, +2 .26 (40% negative)</td></tr>
 *   <tr><td>rude</td><td>given sentiment −2 .40, −1 .25, 0 .06, +1 .04, +2 .06 (≈16%)</td></tr>
 *   <tr><td>specific</td><td>.50</td></tr>
 *   <tr><td>repetition / drift / unended</td><td>.15 / .10 / .10, independently</td></tr>
 * </table>
 *
 * <p>Determinism: only {@link Random}s seeded from the world's seed are used, and every list has a
 * fixed order, so {@link #writeDataset(long, Path)} writes byte-identical files for a seed.
 */
public final class ReviewWorld {

    /** The seed of the bundled data in {@code datasets/reviews}. */
    public static final long DEFAULT_SEED = 7;
    /** Reviews in {@code train.txt}. */
    public static final int TRAIN_REVIEWS = 24_000;
    /** Reviews in {@code valid.txt}. */
    public static final int VALID_REVIEWS = 2_000;

    private static final double[] ASPECT_WEIGHTS = {0.36, 0.22, 0.14, 0.14, 0.14};
    private static final double[] SENTIMENT_WEIGHTS = {0.18, 0.22, 0.12, 0.22, 0.26};
    private static final double[] RUDE_GIVEN_SENTIMENT = {0.40, 0.25, 0.06, 0.04, 0.06};
    private static final double SPECIFIC = 0.50;
    private static final double REPETITION = 0.15;
    private static final double DRIFT = 0.10;
    private static final double UNENDED = 0.10;
    private static final int MAX_ATTEMPTS = 1_000;

    private final long seed;
    private final List<Prompt> prompts = new ArrayList<>();
    private final Map<String, Kind> kinds = new LinkedHashMap<>();
    private final Map<Aspect, List<Prompt>> allByAspect = new EnumMap<>(Aspect.class);
    private final Map<Aspect, List<Prompt>> trainByAspect = new EnumMap<>(Aspect.class);
    private final ReviewComposer composer = new ReviewComposer();

    /** The world of {@code seed}: its prompts and their train/held-out split. */
    public ReviewWorld(long seed) {
        this.seed = seed;
        for (Opening o : ReviewPrompts.build(seed)) {
            prompts.add(o.prompt());
            kinds.put(o.prompt().text(), o.kind());
        }
        for (Aspect a : Aspect.values()) {
            allByAspect.put(a, prompts.stream().filter(p -> p.aspect() == a).toList());
            trainByAspect.put(a, prompts(false).stream().filter(p -> p.aspect() == a).toList());
        }
    }

    /** The seed this world was built from. */
    public long seed() {
        return seed;
    }

    /** All prompts, train and held-out, in id order. */
    public List<Prompt> prompts() {
        return List.copyOf(prompts);
    }

    /** The prompts of one split: {@code heldOut} true for the held-out ones. */
    public List<Prompt> prompts(boolean heldOut) {
        return prompts.stream().filter(p -> p.heldOut() == heldOut).toList();
    }

    /**
     * A review from the world's mix. With {@code includeHeldOut} false it starts with a train
     * prompt only (as in {@code train.txt}).
     */
    public Review generate(Random rnd, boolean includeHeldOut) {
        Aspect aspect = Aspect.values()[draw(ASPECT_WEIGHTS, rnd)];
        List<Prompt> pool = (includeHeldOut ? allByAspect : trainByAspect).get(aspect);
        return generate(rnd, pool.get(rnd.nextInt(pool.size())));
    }

    /** A review from the world's mix, starting with any prompt (train or held-out). */
    public Review generate(Random rnd) {
        return generate(rnd, true);
    }

    /** A review that starts with {@code prompt}, its other attributes drawn from the mix. */
    public Review generate(Random rnd, Prompt prompt) {
        Kind kind = kinds.get(prompt.text());
        if (kind == null) {
            throw new IllegalArgumentException("'" + prompt.text() + "' is not a prompt of the"
                    + " review world (seed " + seed + ")");
        }
        int sentiment = draw(SENTIMENT_WEIGHTS, rnd) - 2;
        Plan plan = new Plan(prompt, kind, sentiment,
                rnd.nextDouble() < RUDE_GIVEN_SENTIMENT[sentiment + 2],
                rnd.nextDouble() < SPECIFIC, rnd.nextDouble() < REPETITION,
                rnd.nextDouble() < DRIFT, rnd.nextDouble() < UNENDED);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            List<String> tokens = composer.attempt(plan, rnd);
            if (tokens != null) {
                return new Review(Words.join(tokens), prompt.aspect(), sentiment, plan.rude(),
                        plan.specific(), plan.repetition(), plan.drift(), plan.unended(),
                        prompt.text());
            }
        }
        throw new IllegalStateException("no review matched " + plan + " in " + MAX_ATTEMPTS
                + " attempts");
    }

    /** {@code count} reviews drawn one after another from {@code rnd}. */
    public List<Review> generate(Random rnd, int count, boolean includeHeldOut) {
        List<Review> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(generate(rnd, includeHeldOut));
        }
        return out;
    }

    /** The train reviews of this world ({@link #TRAIN_REVIEWS}, train prompts only). */
    public List<Review> trainReviews() {
        return generate(Seeds.derive(seed, "train"), TRAIN_REVIEWS, false);
    }

    /** The validation reviews of this world ({@link #VALID_REVIEWS}, any prompt). */
    public List<Review> validReviews() {
        return generate(Seeds.derive(seed, "valid"), VALID_REVIEWS, true);
    }

    private static int draw(double[] weights, Random rnd) {
        double u = rnd.nextDouble();
        double acc = 0;
        for (int i = 0; i < weights.length; i++) {
            acc += weights[i];
            if (u < acc) {
                return i;
            }
        }
        return weights.length - 1;
    }

    /**
     * Writes the whole dataset of {@code seed} into {@code outDir}: {@code train.txt},
     * {@code valid.txt}, {@code reviews.csv}, {@code prompts.csv}, {@code tokenizer.json} and
     * {@code README.md}, each atomically. Same seed, same bytes.
     *
     * @return what was written, with the measured attribute mix
     */
    public static ReviewDataset writeDataset(long seed, Path outDir) {
        return ReviewDataset.write(new ReviewWorld(seed), outDir);
    }

    /** Reads {@code prompts.csv}; errors name the file, line and field. */
    public static List<Prompt> readPrompts(Path csv) {
        return ReviewFiles.readPrompts(csv);
    }

    /** Reads the non-empty lines of a text file such as {@code train.txt}. */
    public static List<String> readLines(Path file) {
        return ReviewFiles.readLines(file);
    }

    /**
     * Reads {@code reviews.csv}; each review's prompt is restored from {@code prompts.csv} in the
     * same folder. Errors name the file, line and field.
     */
    public static List<Review> readReviews(Path csv) {
        return ReviewFiles.readReviews(csv);
    }

    /** Share of reviews per attribute, for reports: keys as in {@code reviews.csv}. */
    static Map<String, Double> mix(List<Review> reviews) {
        Map<String, Double> out = new LinkedHashMap<>();
        double n = reviews.size();
        Map<Aspect, Integer> aspects = new EnumMap<>(Aspect.class);
        int[] sentiments = new int[5];
        int rude = 0, specific = 0, repetition = 0, drift = 0, unended = 0;
        for (Review r : reviews) {
            aspects.merge(r.aspect(), 1, Integer::sum);
            sentiments[r.sentiment() + 2]++;
            rude += r.rude() ? 1 : 0;
            specific += r.specific() ? 1 : 0;
            repetition += r.repetition() ? 1 : 0;
            drift += r.drift() ? 1 : 0;
            unended += r.unended() ? 1 : 0;
        }
        out.put("negative", (sentiments[0] + sentiments[1]) / n);
        for (int s = -2; s <= 2; s++) {
            out.put("sentiment " + (s > 0 ? "+" : "") + s, sentiments[s + 2] / n);
        }
        out.put("rude", rude / n);
        out.put("specific", specific / n);
        out.put("repetition", repetition / n);
        out.put("drift", drift / n);
        out.put("unended", unended / n);
        for (Aspect a : Aspect.values()) {
            out.put("aspect " + a.label(), aspects.getOrDefault(a, 0) / n);
        }
        return out;
    }
}
