package dev.rlhf4j.reward;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.rlhf4j.core.FloatArrays;
import dev.rlhf4j.core.Interrupts;
import dev.rlhf4j.core.MetricsLog;
import dev.rlhf4j.core.Scalars;
import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.feedback.Pairs;
import dev.rlhf4j.feedback.RankingTasks;
import dev.rlhf4j.model.Generation;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.LmOptimizer;
import dev.rlhf4j.model.Sampler;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.world.Prompt;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Trains a {@link RewardModel} on rankings: minibatches of whole rankings (all K completions of
 * each, so all C(K,2) pairs of a ranking sit in one batch element, as in InstructGPT), AdamW with a
 * cosine schedule to 10%, global-norm clipping; after every epoch the validation rankings are scored
 * and the metrics logged.
 *
 * <p>Training and validation measure the same loss: the mean over rankings of each ranking's own
 * mean ({@link RewardLoss}: {@code (1/R) Σ_i (1/P_i) Σ_{p ∈ i} ℓ_p} for Bradley–Terry, InstructGPT's
 * 1/C(K,2) per prompt; {@code (1/R) Σ_i (1/K_i) Σ_j (r_j − t_j)²} for Elo regression; plus the
 * centering term when it is on), so a ranking weighs the same whatever its K. An epoch's training
 * loss is that loss averaged over the epoch's rankings, as the parameters moved (and with dropout
 * when {@link RewardConfig#disableDropout()} is off).
 */
public final class RewardTrainer {

    private static final Logger LOG = Logger.getLogger(RewardTrainer.class.getName());

    /** Validation accuracy at or below this is "near chance" and draws a warning. */
    public static final double CHANCE_WARNING = 0.55;

    private RewardTrainer() {}

    /**
     * The reward model measured on a set of rankings.
     *
     * @param loss the training objective's loss (no dropout): the mean over rankings of each one's mean
     *     loss, centering term included, as in training
     * @param accuracy pairwise accuracy over strictly ordered pairs: r_chosen &gt; r_rejected (equal counts ½)
     * @param meanMargin mean of r_chosen − r_rejected over those pairs
     * @param rewardMean mean reward over all completions
     * @param rewardStd standard deviation of the rewards
     * @param chosen reward of the chosen completion of every strict pair
     * @param rejected reward of the rejected completion of every strict pair
     * @param ceiling the same accuracy computed with the true utilities instead of rewards (the raters'
     *     agreement with the noiseless preference on these pairs), NaN when no truth is known
     * @param truthCorrelation Pearson correlation of rewards with the true utilities, NaN when unknown
     */
    public record Evaluation(double loss, double accuracy, double meanMargin, double rewardMean, double rewardStd,
            double[] chosen, double[] rejected, double ceiling, double truthCorrelation) {}

    /** Metrics after one epoch (epoch 0 = before training). */
    public record Epoch(int epoch, double trainLoss, Evaluation valid, double seconds) {}

    /** What training produced. */
    public record Result(List<Epoch> epochs, Evaluation valid, List<String> warnings) {

        /** The last epoch's validation accuracy. */
        public double validAccuracy() {
            return valid.accuracy();
        }
    }

    /** Called after every epoch. */
    public interface Listener {
        void onEpoch(Epoch epoch, int epochs);
    }

    /**
     * Trains {@code rm} on {@code data.train()}, validating on {@code data.valid()} after every epoch.
     *
     * @param truth the true utilities of a record's completions (for the ceiling and correlation), or null
     * @param log receives one row per epoch (may be null)
     * @param listener progress (may be null)
     */
    public static Result train(RewardModel rm, RewardData.Split data, RewardConfig config,
            Function<FeedbackRecord, double[]> truth, MetricsLog log, Listener listener) {
        if (data.train().isEmpty() || data.valid().isEmpty()) {
            throw new IllegalArgumentException("reward training needs train and validation rankings, found "
                    + data.train().size() + " and " + data.valid().size());
        }
        Seeds.seed(Seeds.child(config.seed(), "reward dropout")); // dropout draws (when on), once per run
        try (LmOptimizer optimizer = new LmOptimizer(rm.parameters(), config.weightDecay(), config.maxGradNorm())) {
            Random rng = Seeds.derive(config.seed(), "reward-batches");
            int perEpoch = (data.train().size() + config.batchSize() - 1) / config.batchSize();
            int total = perEpoch * config.epochs();
            List<Epoch> epochs = new ArrayList<>();
            Epoch start = new Epoch(0, Double.NaN, evaluate(rm, data.valid(), config, truth), 0);
            record(start, log, listener, config.epochs(), epochs);
            long t0 = System.nanoTime();
            int step = 0;
            for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                List<RewardData.Example> order = new ArrayList<>(data.train());
                Collections.shuffle(order, rng);
                double sum = 0;
                for (int b = 0; b < perEpoch; b++) {
                    Interrupts.check("in epoch " + epoch + " of " + config.epochs() + ", after batch " + b + " of " + perEpoch);
                    List<RewardData.Example> batch = order.subList(b * config.batchSize(),
                            Math.min(order.size(), (b + 1) * config.batchSize()));
                    sum += step(rm, optimizer, batch, config, config.learningRateAt(step++, total)) * batch.size();
                }
                Epoch e = new Epoch(epoch, sum / order.size(), evaluate(rm, data.valid(), config, truth), // mean over rankings
                        (System.nanoTime() - t0) / 1e9);
                record(e, log, listener, config.epochs(), epochs);
            }
            Evaluation last = epochs.get(epochs.size() - 1).valid();
            List<String> warnings = warnings(last);
            warnings.forEach(LOG::warning);
            return new Result(epochs, last, warnings);
        }
    }

    /**
     * The warnings a final validation deserves: accuracy at or below {@link #CHANCE_WARNING}, or not a
     * number (no strictly ordered validation pair), means the preference was not learned or not measured.
     */
    static List<String> warnings(Evaluation last) {
        List<String> warnings = new ArrayList<>();
        if (!(last.accuracy() > CHANCE_WARNING)) { // NaN included: comparisons with NaN are false
            String what = Double.isNaN(last.accuracy())
                    ? "validation accuracy is not a number: the validation rankings have no strictly ordered pair, so"
                            + " nothing shows that the reward model learned the raters' preference"
                    : String.format("validation accuracy %.3f is near chance (0.5): the reward model has not learned the"
                            + " raters' preference", last.accuracy());
            warnings.add(what + ". Check that the feedback has enough rankings and is not mostly ties, and try"
                    + " more epochs or another learning rate.");
        }
        return warnings;
    }

    private static void record(Epoch e, MetricsLog log, Listener listener, int epochs, List<Epoch> out) {
        out.add(e);
        if (log != null) {
            Map<String, Double> row = new LinkedHashMap<>();
            row.put("epoch", (double) e.epoch());
            row.put("loss/train", e.trainLoss());
            row.put("loss/valid", e.valid().loss());
            row.put("accuracy/valid", e.valid().accuracy());
            row.put("margin/valid", e.valid().meanMargin());
            row.put("reward/mean", e.valid().rewardMean());
            row.put("reward/std", e.valid().rewardStd());
            row.put("truth_correlation/valid", e.valid().truthCorrelation());
            row.put("seconds", e.seconds());
            log.log(row);
        }
        if (listener != null) {
            listener.onEpoch(e, epochs);
        }
    }

    /**
     * Rankings laid out as one batch: the K_i sequences of every ranking in a row, ranking i's first at
     * {@code offsets[i]}, their pairs in those flat indices and each completion's Elo target.
     */
    record Batch(List<int[]> sequences, int[] offsets, RewardLoss.PairSet pairs, double[] targets) {

        static Batch of(List<RewardData.Example> examples) {
            List<int[]> seqs = new ArrayList<>();
            List<List<Pairs.Pair>> pairs = new ArrayList<>();
            int[] offsets = new int[examples.size()];
            List<Double> targets = new ArrayList<>();
            for (int i = 0; i < examples.size(); i++) {
                RewardData.Example e = examples.get(i);
                offsets[i] = seqs.size();
                seqs.addAll(e.sequences());
                pairs.add(e.pairs());
                for (double t : e.eloTargets()) {
                    targets.add(t);
                }
            }
            return new Batch(seqs, offsets, RewardLoss.PairSet.of(pairs, offsets), toArray(targets));
        }
    }

    /** One optimizer step on a batch of rankings; returns the batch loss. */
    static double step(RewardModel rm, LmOptimizer optimizer, List<RewardData.Example> batch, RewardConfig config,
            float lr) {
        Batch b = Batch.of(batch);
        double value;
        try (NDManager work = rm.backbone().newWorkManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray r = rm.forward(work, b.sequences(), !config.disableDropout()); // [N] rewards of every completion in the batch
            NDArray loss = objective(r, b, config);
            gc.backward(loss);
            value = loss.getFloat();
        }
        optimizer.step(lr);
        return value;
    }

    /**
     * The training objective on rewards {@code r [N]} of {@code batch}: BT {@code (1/R) Σ_i (1/P_i) Σ_{p ∈ i} ℓ_p}
     * or Elo {@code (1/R) Σ_i (1/K_i) Σ_j (r_j − t_j)²}, plus {@code c·} the centering term; a scalar NDArray.
     * {@link #loss} is the same on plain arrays.
     */
    static NDArray objective(NDArray r, Batch batch, RewardConfig config) {
        NDArray loss = config.objective() == RewardConfig.Objective.BT
                ? RewardLoss.bradleyTerry(r, batch.pairs(), config.margin())
                : RewardLoss.mse(r, r.getManager().create(FloatArrays.toFloats(batch.targets())), batch.offsets());
        if (config.centerRewardsCoefficient() > 0) {
            NDArray c = Scalars.of(loss, config.centerRewardsCoefficient()); // 0-d array: see Scalars
            loss = loss.add(RewardLoss.centering(r, batch.pairs()).mul(c)); // + c·centering
        }
        return loss;
    }

    /** {@link #objective} on plain arrays: the loss validation reports, the same quantity as training's. */
    static double loss(double[] r, Batch batch, RewardConfig config) {
        double loss = config.objective() == RewardConfig.Objective.BT
                ? RewardLoss.bradleyTerry(r, batch.pairs(), config.margin())
                : RewardLoss.mse(r, batch.targets(), batch.offsets());
        if (config.centerRewardsCoefficient() > 0) {
            loss += config.centerRewardsCoefficient() * RewardLoss.centering(r, batch.pairs()); // + c·centering
        }
        return loss;
    }

    /** Scores {@code examples} without dropout or gradients and measures the reward model on them. */
    public static Evaluation evaluate(RewardModel rm, List<RewardData.Example> examples, RewardConfig config,
            Function<FeedbackRecord, double[]> truth) {
        Batch all = Batch.of(examples);
        double[] r = rm.scoreTokens(all.sequences());
        List<Double> chosen = new ArrayList<>();
        List<Double> rejected = new ArrayList<>();
        double correct = 0;
        double agree = 0;
        int truthPairs = 0;
        List<Double> rewardsWithTruth = new ArrayList<>();
        List<Double> truths = new ArrayList<>();
        int offset = 0;
        for (RewardData.Example e : examples) {
            int k = e.sequences().size();
            double[] mine = java.util.Arrays.copyOfRange(r, offset, offset + k);
            double[] u = truth == null ? null : truth.apply(e.record());
            for (Pairs.Pair p : e.pairs()) {
                if (p.tie()) {
                    continue;
                }
                chosen.add(mine[p.chosen()]);
                rejected.add(mine[p.rejected()]);
                correct += score(mine[p.chosen()], mine[p.rejected()]);
                if (u != null) {
                    agree += score(u[p.chosen()], u[p.rejected()]);
                    truthPairs++;
                }
            }
            if (u != null) {
                for (int i = 0; i < k; i++) {
                    rewardsWithTruth.add(mine[i]);
                    truths.add(u[i]);
                }
            }
            offset += k;
        }
        int n = chosen.size();
        double margin = 0;
        for (int i = 0; i < n; i++) {
            margin += (chosen.get(i) - rejected.get(i)) / n;
        }
        double mean = 0;
        for (double v : r) {
            mean += v / r.length;
        }
        double var = 0;
        for (double v : r) {
            var += (v - mean) * (v - mean) / r.length;
        }
        return new Evaluation(loss(r, all, config), n == 0 ? Double.NaN : correct / n, margin, mean, Math.sqrt(var),
                toArray(chosen), toArray(rejected), truthPairs == 0 ? Double.NaN : agree / truthPairs,
                truths.isEmpty() ? Double.NaN : pearson(toArray(rewardsWithTruth), toArray(truths)));
    }

    /**
     * Sets the reward normalisation of {@code rm} from {@code n} samples of the reference policy
     * (the model PPO starts from) on {@code prompts}: afterwards its normalised rewards of the
     * reference policy have mean 0 and standard deviation 1. Returns the raw rewards.
     */
    public static double[] normalize(RewardModel rm, LanguageModel reference, List<Prompt> prompts, int n,
            SamplingConfig sampling, long seed) {
        List<Prompt> order = RankingTasks.promptOrder(prompts, n, seed);
        Random rng = Seeds.derive(seed, "reward-normalization");
        List<int[]> rows = new ArrayList<>();
        for (Prompt p : order) {
            rows.add(reference.encodePrompt(p.text()));
        }
        Generation g = Sampler.generate(reference, rows, sampling, rng);
        List<String> texts = g.completionTexts(reference.tokenizer());
        double[] raw = rm.score(order.stream().map(Prompt::text).toList(), texts);
        double mean = 0;
        for (double r : raw) {
            mean += r / raw.length;
        }
        double var = 0;
        for (double r : raw) {
            var += (r - mean) * (r - mean) / raw.length;
        }
        rm.setNormalization(mean, Math.max(Math.sqrt(var), 1e-6));
        return raw;
    }

    /** 1 when a ranks above b, ½ when equal, 0 otherwise. */
    private static double score(double a, double b) {
        return a > b ? 1 : a == b ? 0.5 : 0;
    }

    private static double[] toArray(List<Double> xs) {
        double[] out = new double[xs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = xs.get(i);
        }
        return out;
    }

    /** Pearson correlation of x and y (NaN when either is constant). */
    public static double pearson(double[] x, double[] y) {
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i] / n;
            my += y[i] / n;
        }
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy); // ρ = cov(x,y)/(σ_x·σ_y)
    }
}
