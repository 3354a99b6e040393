package dev.rlhf4j.loop;

import ai.djl.Device;
import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.core.ChartStyle;
import dev.rlhf4j.core.Devices;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.core.Interrupts;
import dev.rlhf4j.core.MetricCharts;
import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.eval.Evaluation;
import dev.rlhf4j.feedback.Agreement;
import dev.rlhf4j.feedback.FeedbackLog;
import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.feedback.Intervals;
import dev.rlhf4j.feedback.Ranking;
import dev.rlhf4j.feedback.RankingTask;
import dev.rlhf4j.feedback.RankingTasks;
import dev.rlhf4j.feedback.SimulatedRater;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.ppo.PpoRun;
import dev.rlhf4j.pretrain.SampleProbes;
import dev.rlhf4j.reward.RewardModel;
import dev.rlhf4j.reward.RewardRun;
import dev.rlhf4j.reward.RewardTrainer;
import dev.rlhf4j.text.Csv;
import dev.rlhf4j.world.Aspect;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewPreference;
import dev.rlhf4j.world.ReviewWorld;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The limits of RLHF, measured (notebook {@code 08-limits}): the same recipe — a Bradley–Terry reward
 * model on rankings, then PPO with the KL penalty — fed with less, biased, partial or noisy feedback.
 *
 * <p>Every arm starts from the bundled ranking tasks (1,024 tasks, K = 4 samples of the initial model
 * each, {@link FeedbackLog#BUNDLED}) and changes one thing: how many of them are ranked, or who ranks
 * them ({@link #relabel}: the same completions, another simulated rater). Every reward model is judged
 * on one fixed set of evaluation tasks: the initial model's samples on the <em>held-out</em> prompts,
 * which no arm trains on, ordered by the true preference (the simulated human's noiseless taste). Its
 * accuracy is the share of completion pairs it orders as the true preference does (pairs the true
 * preference ties are left out), with a 95% interval from a bootstrap over tasks (pairs of one task
 * are not independent). Every policy is judged as in notebook 04: its win rate against the initial
 * model on held-out prompts, and its samples' true preference.
 */
public final class LimitsLab {

    /** Bootstrap rounds of the accuracy interval. */
    static final int BOOTSTRAP = 1000;

    private final WorkshopTraining.Settings settings;
    private final Path out;
    private final Device device;
    private final List<Prompt> prompts;
    private final List<Prompt> train;
    private final List<Prompt> heldOut;
    private final Map<String, Prompt> byId = new HashMap<>();
    private final List<FeedbackRecord> standard;
    private final List<RankingTask> evalTasks;
    private final List<ReviewPreference.Breakdown[]> evalTruth;
    private final int evalPairs;
    private Probe initialProbe;

    /**
     * One reward model and what it learned.
     *
     * @param name the arm's name (its folder under the lab's output)
     * @param rankings the rankings it trained on (its own validation split included)
     * @param labelAccuracy accuracy on its validation split against the labels it was given
     * @param accuracy accuracy on the evaluation tasks against the true preference
     * @param lower 2.5% bootstrap quantile of {@code accuracy}
     * @param upper 97.5% quantile
     * @param covered the aspects of the prompts its feedback ranked
     * @param byAspect the same accuracy for each aspect's evaluation tasks
     * @param aspectPairs the same on each aspect's pairs where one completion stays on the prompt's aspect
     *     more than the other (the preference's on-aspect term differs): the pairs that test whether the
     *     reward model learned "stay on the prompt's aspect"
     * @param dir the saved reward model
     * @param right per evaluation task, the pairs it orders as the true preference does
     * @param pairs per evaluation task, the pairs the true preference orders strictly
     */
    public record RewardFit(String name, int rankings, Set<Aspect> covered, double labelAccuracy, double accuracy,
            double lower, double upper, Map<Aspect, Accuracy> byAspect, Map<Aspect, Accuracy> aspectPairs, Path dir,
            double seconds, int[] right, int[] pairs) {}

    /**
     * Two reward models on the same evaluation pairs: their accuracies and the difference a − b with a
     * 95% interval from a paired bootstrap over tasks (both resampled together, so the interval is that of
     * the difference, narrower than the two intervals side by side).
     */
    public record Gap(String a, String b, String on, int pairs, double accuracyA, double accuracyB, double difference,
            double lower, double upper) {}

    /** An accuracy against the true preference with its 95% interval, over {@code pairs} pairs. */
    public record Accuracy(double accuracy, double lower, double upper, int tasks, int pairs) {}

    /**
     * The policy PPO trained against one reward model.
     *
     * @param perIteration per iteration: {@code iteration}, {@code true_preference} and {@code reward_score}
     *     (the mean true preference and reward-model score of the iteration's samples), {@code words} (prompt +
     *     completion, as the preference's length term counts them) and, for a relabelled arm,
     *     {@code rater_preference} (the mean utility under the taste of the rater who ranked its feedback)
     * @param probe the policy's samples on the held-out prompts, read by the simulated human
     */
    public record PolicyFit(String name, RewardFit reward, PpoRun.Result ppo, List<Map<String, Double>> perIteration,
            Probe probe) {}

    /**
     * What a model's samples on the held-out prompts look like (4 per prompt, default sampling).
     *
     * @param truePreference mean true preference
     * @param words mean words of prompt + completion
     * @param offAspect share whose main aspect is another than the prompt's
     * @param repetition share that repeat a word or a 3-word phrase
     * @param cleanEnding share that end with "." or "!" (a sample cut at the token limit does not)
     * @param distinct2 distinct bigrams ÷ bigrams over all samples
     */
    public record Probe(double truePreference, double words, double offAspect, double repetition, double cleanEnding,
            double distinct2, List<Prompt> rows, List<String> completions) {}

    private LimitsLab(WorkshopTraining.Settings settings, Path out, int evalPerPrompt) {
        this.settings = settings;
        this.out = out;
        this.device = Devices.resolve(settings.device());
        this.prompts = ReviewWorld.readPrompts(settings.data().resolve("prompts.csv"));
        prompts.forEach(p -> byId.put(p.id(), p));
        this.train = prompts.stream().filter(p -> !p.heldOut()).toList();
        this.heldOut = prompts.stream().filter(Prompt::heldOut).toList();
        this.standard = FeedbackLog.readStrict(Home.resolve(FeedbackLog.BUNDLED)).stream()
                .filter(r -> r.rater().equals("sim-standard")).toList();
        try (LanguageModel lm = Checkpoint.load(settings.initial(), device)) {
            this.evalTasks = RankingTasks.sample(lm, settings.initial().getFileName().toString(), heldOut,
                    heldOut.size() * evalPerPrompt, 4, SamplingConfig.defaults(), Seeds.child(settings.seed(), "limits-eval"),
                    null);
        }
        ReviewPreference truth = ReviewPreference.defaults();
        this.evalTruth = evalTasks.stream().map(t -> t.completions().stream()
                .map(x -> truth.explain(t.prompt(), x)).toArray(ReviewPreference.Breakdown[]::new)).toList();
        int pairs = 0;
        for (RankingTask t : evalTasks) {
            Ranking r = SimulatedRater.noiseless(truth, t);
            pairs += Agreement.counts(r, r).concordant(); // the pairs the true preference orders strictly
        }
        this.evalPairs = pairs;
    }

    /**
     * A lab writing into {@code out}, with {@code evalPerPrompt} evaluation tasks per held-out prompt.
     * The settings give the initial model, the corpus, the seed, the device and both stages' configs.
     */
    public static LimitsLab create(WorkshopTraining.Settings settings, Path out, int evalPerPrompt) {
        if (evalPerPrompt < 1) {
            throw new IllegalArgumentException("evalPerPrompt must be ≥ 1, found " + evalPerPrompt);
        }
        return new LimitsLab(settings, out, evalPerPrompt);
    }

    /** The bundled rankings of the standard simulated rater: 1,024 tasks, each ranked once. */
    public List<FeedbackRecord> standard() {
        return standard;
    }

    /** The evaluation tasks: K = 4 samples of the initial model on each held-out prompt. */
    public List<RankingTask> evalTasks() {
        return evalTasks;
    }

    /** Completion pairs of the evaluation tasks that the true preference orders strictly. */
    public int evalPairs() {
        return evalPairs;
    }

    /** The prompt a record answers. */
    public Prompt prompt(FeedbackRecord r) {
        Prompt p = byId.get(r.promptId());
        if (p == null) {
            throw new IllegalArgumentException("record " + r.id() + ": prompt_id " + r.promptId()
                    + " is not in " + settings.data().resolve("prompts.csv"));
        }
        return p;
    }

    /** The same tasks ranked by {@code rater} instead: same ids, prompts and completions, its rankings. */
    public List<FeedbackRecord> relabel(List<FeedbackRecord> records, SimulatedRater rater) {
        List<FeedbackRecord> out = new ArrayList<>(records.size());
        for (FeedbackRecord r : records) {
            RankingTask task = new RankingTask(r.task(), prompt(r), r.completions(), r.model());
            out.add(FeedbackRecord.of(r.id(), task, rater.rank(task).ranking(), rater, r.time()));
        }
        return out;
    }

    /** The records whose prompt is about one of {@code aspects}. */
    public List<FeedbackRecord> about(List<FeedbackRecord> records, Set<Aspect> aspects) {
        return records.stream().filter(r -> aspects.contains(prompt(r).aspect())).toList();
    }

    /** {@code n} of the records drawn at random without replacement (seeded), in their original order. */
    public List<FeedbackRecord> subset(List<FeedbackRecord> records, int n, String label) {
        if (n > records.size()) {
            throw new IllegalArgumentException("asked for " + n + " records of " + records.size());
        }
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            idx.add(i);
        }
        Collections.shuffle(idx, Seeds.derive(settings.seed(), "limits-subset-" + label));
        List<Integer> keep = new ArrayList<>(idx.subList(0, n));
        Collections.sort(keep);
        return keep.stream().map(records::get).toList();
    }

    /** How often {@code records}' rankings order a pair as the true preference does (their labels' quality). */
    public double labelQuality(List<FeedbackRecord> records) {
        ReviewPreference truth = ReviewPreference.defaults();
        int c = 0;
        int d = 0;
        for (FeedbackRecord r : records) {
            Ranking t = Ranking.fromScores(SimulatedRater.utilities(truth, r, prompt(r).aspect()), 1e-9);
            Agreement.Counts k = Agreement.counts(r.ranking(), t);
            c += k.concordant();
            d += k.discordant();
        }
        return c / (double) Math.max(1, c + d);
    }

    /**
     * Trains a reward model on {@code feedback} into {@code out/name/reward} (the stage's own recipe and
     * validation split) and measures it on the evaluation tasks.
     */
    public RewardFit rewardModel(String name, List<FeedbackRecord> feedback) {
        Interrupts.check("before the reward model " + name);
        Path dir = fresh(name).resolve("reward");
        long t0 = System.nanoTime();
        RewardTrainer.Result r = RewardRun.train(feedback, settings.initial(), settings.initial(), prompts,
                settings.reward(), device, dir, null);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double[][] scores = new double[evalTasks.size()][];
        try (RewardModel rm = RewardModel.load(dir, device)) {
            for (int i = 0; i < evalTasks.size(); i++) {
                RankingTask t = evalTasks.get(i);
                scores[i] = rm.score(Collections.nCopies(t.k(), t.prompt().text()), t.completions());
            }
        }
        int tasks = evalTasks.size();
        int[] c = new int[tasks];
        int[] n = new int[tasks];
        int[] ca = new int[tasks];
        int[] na = new int[tasks];
        for (int t = 0; t < tasks; t++) {
            ReviewPreference.Breakdown[] b = evalTruth.get(t);
            for (int i = 0; i < b.length; i++) {
                for (int j = i + 1; j < b.length; j++) {
                    double du = b[i].total() - b[j].total();
                    if (Math.abs(du) < 1e-9) {
                        continue; // the true preference ties them: no right order to find
                    }
                    int right = Math.signum(scores[t][i] - scores[t][j]) == Math.signum(du) ? 1 : 0; // a tie is wrong
                    c[t] += right;
                    n[t]++;
                    if (b[i].onAspect() != b[j].onAspect()) { // one stays on the prompt's aspect more than the other
                        ca[t] += right;
                        na[t]++;
                    }
                }
            }
        }
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            all.add(i);
        }
        Accuracy overall = accuracy(all, c, n, name);
        Map<Aspect, Accuracy> byAspect = new EnumMap<>(Aspect.class);
        Map<Aspect, Accuracy> aspectPairs = new EnumMap<>(Aspect.class);
        for (Aspect a : Aspect.values()) {
            List<Integer> of = all.stream().filter(i -> evalTasks.get(i).prompt().aspect() == a).toList();
            if (!of.isEmpty()) {
                byAspect.put(a, accuracy(of, c, n, name + "-" + a.label()));
                aspectPairs.put(a, accuracy(of, ca, na, name + "-aspect-" + a.label()));
            }
        }
        Set<Aspect> covered = EnumSet.noneOf(Aspect.class);
        feedback.forEach(x -> covered.add(prompt(x).aspect()));
        RewardFit fit = new RewardFit(name, feedback.size(), covered, r.validAccuracy(), overall.accuracy(),
                overall.lower(), overall.upper(), byAspect, aspectPairs, dir, seconds, c, n);
        writeRewardCsv(fit);
        return fit;
    }

    /**
     * {@code a} against {@code b} on the evaluation tasks of {@code aspects} ({@code label} names them).
     */
    public Gap gap(RewardFit a, RewardFit b, Set<Aspect> aspects, String label) {
        List<Integer> tasks = new ArrayList<>();
        for (int i = 0; i < evalTasks.size(); i++) {
            if (aspects.contains(evalTasks.get(i).prompt().aspect())) {
                tasks.add(i);
            }
        }
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("no evaluation task is about " + aspects);
        }
        long ra = 0;
        long rb = 0;
        long n = 0;
        for (int i : tasks) {
            ra += a.right()[i];
            rb += b.right()[i];
            n += a.pairs()[i];
        }
        Random rng = Seeds.derive(settings.seed(), "limits-gap-" + a.name() + "-" + b.name() + "-" + label);
        double[] boot = new double[BOOTSTRAP];
        for (int k = 0; k < BOOTSTRAP; k++) {
            long xa = 0;
            long xb = 0;
            long m = 0;
            for (int j = 0; j < tasks.size(); j++) {
                int i = tasks.get(rng.nextInt(tasks.size())); // the same task for both models
                xa += a.right()[i];
                xb += b.right()[i];
                m += a.pairs()[i];
            }
            boot[k] = (xa - xb) / (double) Math.max(1, m);
        }
        Arrays.sort(boot);
        double d = Math.max(1, n);
        return new Gap(a.name(), b.name(), label, (int) n, ra / d, rb / d, (ra - rb) / d,
                Intervals.percentile(boot, Intervals.LOWER), Intervals.percentile(boot, Intervals.UPPER));
    }

    /** Gaps as a table. */
    public static Table gapTable(List<Gap> gaps) {
        Table t = Table.create("accuracy against the true preference, paired",
                StringColumn.create("evaluation prompts", gaps.stream().map(Gap::on).toList()),
                IntColumn.create("pairs", gaps.stream().mapToInt(Gap::pairs).toArray()),
                DoubleColumn.create(gaps.get(0).a(), gaps.stream().mapToDouble(Gap::accuracyA).toArray()),
                DoubleColumn.create(gaps.get(0).b(), gaps.stream().mapToDouble(Gap::accuracyB).toArray()),
                DoubleColumn.create("difference", gaps.stream().mapToDouble(Gap::difference).toArray()),
                DoubleColumn.create("lower", gaps.stream().mapToDouble(Gap::lower).toArray()),
                DoubleColumn.create("upper", gaps.stream().mapToDouble(Gap::upper).toArray()));
        return rounded(t);
    }

    /** Pairs ordered right ÷ strict pairs over {@code tasks}, and a bootstrap over those tasks. */
    private Accuracy accuracy(List<Integer> tasks, int[] c, int[] n, String label) {
        long right = 0;
        long pairs = 0;
        for (int i : tasks) {
            right += c[i];
            pairs += n[i];
        }
        Random rng = Seeds.derive(settings.seed(), "limits-bootstrap-" + label);
        double[] boot = new double[BOOTSTRAP];
        for (int b = 0; b < BOOTSTRAP; b++) {
            long rr = 0;
            long pp = 0;
            for (int j = 0; j < tasks.size(); j++) {
                int i = tasks.get(rng.nextInt(tasks.size())); // resample whole tasks
                rr += c[i];
                pp += n[i];
            }
            boot[b] = rr / (double) Math.max(1, pp);
        }
        Arrays.sort(boot);
        return new Accuracy(right / (double) Math.max(1, pairs), Intervals.percentile(boot, Intervals.LOWER),
                Intervals.percentile(boot, Intervals.UPPER), tasks.size(), (int) pairs);
    }

    /**
     * PPO from the initial model against {@code reward} (KL penalty to the initial model), into
     * {@code out/name/ppo}; {@code rater} (may be null) is the taste whose utility is logged per iteration
     * as {@code rater_preference}.
     */
    public PolicyFit ppo(RewardFit reward, SimulatedRater rater) {
        Interrupts.check("before PPO on " + reward.name());
        ReviewPreference truth = ReviewPreference.defaults();
        List<Map<String, Double>> rows = new ArrayList<>();
        PpoRun.Result r = PpoRun.run(settings.initial(), reward.dir(), train, heldOut,
                settings.ppo().toBuilder().seed(Seeds.child(settings.seed(), "limits-ppo")).build(), 0,
                out.resolve(reward.name()).resolve("ppo"), (it, steps, m, rollout) -> {
                    Map<String, Double> row = new LinkedHashMap<>();
                    double words = 0;
                    double taste = 0;
                    for (int i = 0; i < rollout.size(); i++) {
                        Prompt p = rollout.prompts().get(i);
                        ReviewPreference.Breakdown b = truth.explain(p, rollout.completions().get(i));
                        words += b.words();
                        taste += rater == null ? 0 : rater.preference().utility(p, rollout.completions().get(i));
                    }
                    row.put("iteration", (double) it);
                    row.put("true_preference", m.get("env/true_reward_mean"));
                    row.put("reward_score", m.get("env/raw_reward_mean"));
                    row.put("kl", m.get("objective/kl"));
                    row.put("words", words / rollout.size());
                    if (rater != null) {
                        row.put("rater_preference", taste / rollout.size());
                    }
                    rows.add(row);
                });
        Probe probe;
        try (LanguageModel lm = Checkpoint.load(r.policy(), device)) {
            probe = probe(lm);
        }
        return new PolicyFit(reward.name(), reward, r, rows, probe);
    }

    /** The initial model's probe, for comparison (computed once). */
    public Probe initialProbe() {
        if (initialProbe == null) {
            try (LanguageModel lm = Checkpoint.load(settings.initial(), device)) {
                initialProbe = probe(lm);
            }
        }
        return initialProbe;
    }

    private Probe probe(LanguageModel lm) {
        int per = 4;
        List<String> completions = Evaluation.samples(lm, heldOut, per, SamplingConfig.defaults(),
                Seeds.child(settings.seed(), "limits-probe"));
        List<Prompt> rows = MethodComparison.repeat(heldOut, per);
        ReviewPreference truth = ReviewPreference.defaults();
        double u = 0;
        double words = 0;
        int off = 0;
        List<String> texts = new ArrayList<>();
        boolean[] finished = new boolean[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            ReviewPreference.Breakdown b = truth.explain(rows.get(i), completions.get(i));
            u += b.total();
            words += b.words();
            off += b.onAspect() < 0 ? 1 : 0;
            texts.add(rows.get(i).text() + " " + completions.get(i));
            finished[i] = true; // Evaluation.samples leaves out the end token; a clean ending is read from the text
        }
        SampleProbes p = SampleProbes.of(rows, texts, finished, completions);
        int n = rows.size();
        return new Probe(u / n, words / n, off / (double) n, p.repetition(), p.cleanEnding(), p.distinct2(), rows,
                completions);
    }

    private Path fresh(String name) {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("arm name '" + name + "': use letters, digits, '.', '_' or '-'");
        }
        Path dir = out.resolve(name);
        if (Files.exists(dir)) {
            // The lab's own output from an earlier run of the same arm: replaced, as a notebook re-run expects.
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot clear " + dir, e);
            }
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        return dir;
    }

    private void writeRewardCsv(RewardFit f) {
        StringBuilder csv = new StringBuilder("aspect,tasks,pairs,accuracy,lower,upper\n");
        for (Map.Entry<Aspect, Accuracy> e : f.byAspect().entrySet()) {
            Accuracy a = e.getValue();
            csv.append(Csv.row(e.getKey().label(), a.tasks(), a.pairs(), a.accuracy(), a.lower(), a.upper())).append('\n');
        }
        csv.append(Csv.row("all", evalTasks.size(), "", f.accuracy(), f.lower(), f.upper())).append('\n');
        AtomicFiles.writeString(out.resolve(f.name()).resolve("accuracy.csv"), csv.toString());
    }

    // ---------------------------------------------------------------- tables and charts

    /** The reward models side by side: rankings, label accuracy, accuracy against the true preference. */
    public static Table rewardTable(List<RewardFit> fits) {
        Table t = Table.create("reward models",
                StringColumn.create("arm", fits.stream().map(RewardFit::name).toList()),
                IntColumn.create("rankings", fits.stream().mapToInt(RewardFit::rankings).toArray()),
                DoubleColumn.create("vs its labels", fits.stream().mapToDouble(RewardFit::labelAccuracy).toArray()),
                DoubleColumn.create("vs true preference", fits.stream().mapToDouble(RewardFit::accuracy).toArray()),
                DoubleColumn.create("lower", fits.stream().mapToDouble(RewardFit::lower).toArray()),
                DoubleColumn.create("upper", fits.stream().mapToDouble(RewardFit::upper).toArray()),
                DoubleColumn.create("seconds", fits.stream().mapToDouble(RewardFit::seconds).toArray()));
        return rounded(t);
    }

    /** The policies side by side: win rate against the initial model, KL, and their samples' probe. */
    public static Table policyTable(Probe initial, List<PolicyFit> fits) {
        List<String> names = new ArrayList<>(List.of("initial model"));
        List<Probe> probes = new ArrayList<>(List.of(initial));
        for (PolicyFit f : fits) {
            names.add(f.name());
            probes.add(f.probe());
        }
        double[] win = new double[names.size()];
        double[] lo = new double[names.size()];
        double[] hi = new double[names.size()];
        double[] kl = new double[names.size()];
        win[0] = Double.NaN;
        lo[0] = Double.NaN;
        hi[0] = Double.NaN;
        for (int i = 0; i < fits.size(); i++) {
            Evaluation.WinRate w = fits.get(i).ppo().winRate();
            win[i + 1] = w.rate();
            lo[i + 1] = w.lower();
            hi[i + 1] = w.upper();
            kl[i + 1] = fits.get(i).ppo().klMeanEnd();
        }
        Table t = Table.create("policies",
                StringColumn.create("policy", names),
                DoubleColumn.create("win vs initial", win),
                DoubleColumn.create("lower", lo),
                DoubleColumn.create("upper", hi),
                DoubleColumn.create("KL", kl),
                DoubleColumn.create("true preference", probes.stream().mapToDouble(Probe::truePreference).toArray()),
                DoubleColumn.create("words", probes.stream().mapToDouble(Probe::words).toArray()),
                DoubleColumn.create("off aspect", probes.stream().mapToDouble(Probe::offAspect).toArray()),
                DoubleColumn.create("repeats", probes.stream().mapToDouble(Probe::repetition).toArray()),
                DoubleColumn.create("clean ending", probes.stream().mapToDouble(Probe::cleanEnding).toArray()),
                DoubleColumn.create("distinct-2", probes.stream().mapToDouble(Probe::distinct2).toArray()));
        return rounded(t);
    }

    /**
     * Each reward model's accuracy per aspect against the true preference, with its interval, on all
     * pairs and on the pairs where the completions differ in how well they stay on the prompt's aspect.
     */
    public static Table aspectTable(List<RewardFit> fits) {
        List<String> arm = new ArrayList<>();
        List<String> aspect = new ArrayList<>();
        List<String> kind = new ArrayList<>();
        List<Integer> pairs = new ArrayList<>();
        List<Double> acc = new ArrayList<>();
        List<Double> lo = new ArrayList<>();
        List<Double> hi = new ArrayList<>();
        List<Integer> aspectPairs = new ArrayList<>();
        List<Double> aspectAcc = new ArrayList<>();
        List<Double> aspectLo = new ArrayList<>();
        List<Double> aspectHi = new ArrayList<>();
        for (RewardFit f : fits) {
            for (Map.Entry<Aspect, Accuracy> e : f.byAspect().entrySet()) {
                arm.add(f.name());
                aspect.add(e.getKey().label());
                kind.add(f.covered().contains(e.getKey()) ? "seen" : "unseen");
                pairs.add(e.getValue().pairs());
                acc.add(e.getValue().accuracy());
                lo.add(e.getValue().lower());
                hi.add(e.getValue().upper());
                Accuracy a = f.aspectPairs().get(e.getKey());
                aspectPairs.add(a.pairs());
                aspectAcc.add(a.accuracy());
                aspectLo.add(a.lower());
                aspectHi.add(a.upper());
            }
        }
        Table t = Table.create("accuracy per aspect",
                StringColumn.create("reward model", arm), StringColumn.create("aspect", aspect),
                StringColumn.create("in its feedback", kind),
                IntColumn.create("pairs", pairs.stream().mapToInt(Integer::intValue).toArray()),
                DoubleColumn.create("accuracy", acc), DoubleColumn.create("lower", lo), DoubleColumn.create("upper", hi),
                IntColumn.create("aspect pairs", aspectPairs.stream().mapToInt(Integer::intValue).toArray()),
                DoubleColumn.create("aspect accuracy", aspectAcc), DoubleColumn.create("aspect lower", aspectLo),
                DoubleColumn.create("aspect upper", aspectHi));
        return rounded(t);
    }

    /**
     * The cost of feedback: reward-model accuracy against the true preference (with its interval) and the
     * tuned policy's win rate against the initial model (with its interval) against the number of rankings.
     */
    public static XYChart learningCurve(List<RewardFit> rewards, List<PolicyFit> policies) {
        XYChart c = new XYChartBuilder().width(760).height(430).title("What more rankings buy (dotted: 95% intervals)")
                .xAxisTitle("rankings (log scale)").yAxisTitle("share").build();
        ChartStyle.legendBelow(c);
        c.getStyler().setYAxisMin(0.4);
        c.getStyler().setYAxisMax(1.0);
        c.getStyler().setYAxisDecimalPattern("0.00");
        // x is log2(rankings), so that every size gets its own tick, labelled with the count itself
        double[] x = rewards.stream().mapToDouble(f -> log2(f.rankings())).toArray();
        double xMin = Math.floor(Arrays.stream(x).min().orElse(0));
        double xMax = Math.ceil(Arrays.stream(x).max().orElse(1));
        c.getStyler().setXAxisMin(xMin - 1); // whole bounds: XChart drops the tick labels on fractional ones
        c.getStyler().setXAxisMax(xMax + 1);
        c.setCustomXAxisTickLabelsFormatter(v -> Math.abs(v - Math.rint(v)) < 1e-9
                ? String.format(Locale.ROOT, "%,d", Math.round(Math.pow(2, Math.rint(v)))) : " ");
        band(c, "reward model: accuracy vs true preference", x,
                rewards.stream().mapToDouble(RewardFit::accuracy).toArray(),
                rewards.stream().mapToDouble(RewardFit::lower).toArray(),
                rewards.stream().mapToDouble(RewardFit::upper).toArray(), ChartStyle.colour(0));
        double[] px = policies.stream().mapToDouble(p -> log2(p.reward().rankings())).toArray();
        band(c, "policy: win rate vs initial model", px,
                policies.stream().mapToDouble(p -> p.ppo().winRate().rate()).toArray(),
                policies.stream().mapToDouble(p -> p.ppo().winRate().lower()).toArray(),
                policies.stream().mapToDouble(p -> p.ppo().winRate().upper()).toArray(), ChartStyle.colour(1));
        double[] chance = new double[x.length];
        Arrays.fill(chance, 0.5);
        c.addSeries("chance", x, chance).setMarker(SeriesMarkers.NONE).setLineStyle(SeriesLines.DASH_DASH)
                .setLineColor(Color.GRAY);
        for (int i = 0; i < x.length; i++) {
            ChartStyle.label(c, String.format("%.2f", rewards.get(i).accuracy()), x[i], rewards.get(i).accuracy(), 10);
        }
        for (int i = 0; i < px.length; i++) {
            double w = policies.get(i).ppo().winRate().rate();
            ChartStyle.label(c, String.format("%.2f", w), px[i], w, 10);
        }
        return c;
    }

    private static double log2(int n) {
        return Math.log(n) / Math.log(2);
    }

    /** A 760×430 chart against PPO iterations, legend below. */
    private static XYChart wide(String title, String yTitle) {
        XYChart c = new XYChartBuilder().width(760).height(430).title(title).xAxisTitle("PPO iteration")
                .yAxisTitle(yTitle).build();
        ChartStyle.legendBelow(c);
        return c;
    }

    /** A value series with its interval ends as dotted lines of the same colour (the intervals are not symmetric). */
    private static void band(XYChart c, String name, double[] x, double[] y, double[] lo, double[] hi, Color colour) {
        ChartStyle.paint(c.addSeries(name, x, y), colour);
        c.addSeries(name + ": 95% interval", x, lo).setMarker(SeriesMarkers.NONE).setLineStyle(SeriesLines.DOT_DOT)
                .setLineColor(colour).setShowInLegend(false);
        c.addSeries(name + " ", x, hi).setMarker(SeriesMarkers.NONE).setLineStyle(SeriesLines.DOT_DOT)
                .setLineColor(colour).setShowInLegend(false);
    }

    /**
     * Per iteration, the true preference of each arm's samples, and for arms whose feedback came from a
     * rater with another taste, that rater's preference (dashed, same colour): what the policy was
     * taught to want against what was wanted.
     */
    public static XYChart preferenceChart(String title, List<PolicyFit> fits) {
        XYChart c = wide(title, "true preference, mean per sample");
        c.getStyler().setYAxisDecimalPattern("0.0");
        for (int i = 0; i < fits.size(); i++) {
            PolicyFit f = fits.get(i);
            Color colour = ChartStyle.colour(i);
            solid(MetricCharts.add(c, f.name() + ": true preference", f.perIteration(), "iteration",
                    "true_preference", 0), colour);
            if (f.perIteration().get(0).containsKey("rater_preference")) {
                dashed(MetricCharts.add(c, f.name() + ": its raters' preference", f.perIteration(),
                        "iteration", "rater_preference", 0), colour);
            }
        }
        return c;
    }

    /**
     * Per iteration, one metric of {@link PolicyFit#perIteration} for each arm, with dashed horizontal
     * lines at the {@code targets} values (named by their keys; may be empty).
     */
    public static XYChart iterationChart(String title, String yTitle, String metric, List<PolicyFit> fits,
            Map<String, Double> targets) {
        XYChart c = wide(title, yTitle);
        for (int i = 0; i < fits.size(); i++) {
            PolicyFit f = fits.get(i);
            solid(MetricCharts.add(c, f.name(), f.perIteration(), "iteration", metric, 0),
                    ChartStyle.colour(i));
        }
        int last = fits.stream().mapToInt(f -> f.perIteration().size()).max().orElse(1);
        int k = fits.size();
        List<Map.Entry<String, Double>> lines = new ArrayList<>(targets.entrySet());
        lines.sort(Map.Entry.comparingByValue()); // legend order does not depend on the map's
        for (Map.Entry<String, Double> e : lines) {
            c.addSeries(e.getKey(), new double[] {1, last}, new double[] {e.getValue(), e.getValue()})
                    .setMarker(SeriesMarkers.NONE).setLineStyle(SeriesLines.DASH_DASH)
                    .setLineColor(ChartStyle.faded(ChartStyle.colour(k++), 200));
        }
        return c;
    }

    /**
     * Accuracy against the true preference per aspect, one bar series per reward model; the whiskers are
     * ± half the 95% interval's width. Aspects in {@code seen} are marked "(seen)".
     */
    public static CategoryChart aspectChart(List<RewardFit> fits, Set<Aspect> seen) {
        CategoryChart c = new CategoryChartBuilder().width(760).height(430)
                .title("Reward-model accuracy on aspects its feedback did and did not cover")
                .xAxisTitle("aspect of the held-out prompt").yAxisTitle("accuracy vs true preference").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        c.getStyler().setYAxisMin(0.4);
        c.getStyler().setYAxisMax(1.0);
        c.getStyler().setYAxisDecimalPattern("0.00");
        c.getStyler().setErrorBarsColor(Color.DARK_GRAY);
        List<Aspect> order = new ArrayList<>();
        Arrays.stream(Aspect.values()).filter(seen::contains).forEach(order::add);
        Arrays.stream(Aspect.values()).filter(a -> !seen.contains(a)).forEach(order::add);
        List<String> labels = order.stream().map(a -> a.label() + (seen.contains(a) ? " (seen)" : " (unseen)")).toList();
        for (int i = 0; i < fits.size(); i++) {
            RewardFit f = fits.get(i);
            List<Double> y = new ArrayList<>();
            List<Double> err = new ArrayList<>();
            for (Aspect a : order) {
                Accuracy acc = f.byAspect().get(a);
                y.add(acc == null ? Double.NaN : acc.accuracy());
                err.add(acc == null ? 0 : (acc.upper() - acc.lower()) / 2);
            }
            c.addSeries(f.name(), labels, y, err).setFillColor(ChartStyle.colour(i));
        }
        return c;
    }

    /** For the first {@code n} held-out prompts: the initial model's sample and each policy's, with their true preference. */
    public static Table samples(Probe initial, List<PolicyFit> fits, int n) {
        ReviewPreference truth = ReviewPreference.defaults();
        List<String> prompt = new ArrayList<>();
        List<String> who = new ArrayList<>();
        List<String> text = new ArrayList<>();
        List<Double> u = new ArrayList<>();
        int per = (int) (initial.rows().size() / Math.max(1, initial.rows().stream().distinct().count()));
        for (int j = 0; j < n && j * per < initial.rows().size(); j++) {
            int i = j * per; // the first sample of the j-th prompt
            Prompt p = initial.rows().get(i);
            List<String> names = new ArrayList<>(List.of("initial model"));
            List<Probe> probes = new ArrayList<>(List.of(initial));
            fits.forEach(f -> {
                names.add(f.name());
                probes.add(f.probe());
            });
            for (int m = 0; m < names.size(); m++) {
                prompt.add(m == 0 ? p.text() + " [" + p.aspect().label() + "]" : "");
                who.add(names.get(m));
                text.add(probes.get(m).completions().get(i));
                u.add(truth.utility(p, probes.get(m).completions().get(i)));
            }
        }
        Table t = Table.create("samples on held-out prompts", StringColumn.create("prompt", prompt),
                StringColumn.create("policy", who), StringColumn.create("completion", text),
                DoubleColumn.create("true preference", u));
        return rounded(t);
    }

    private static Table rounded(Table t) {
        for (String name : t.columnNames()) {
            if (t.column(name) instanceof DoubleColumn d) {
                d.setPrintFormatter(new DecimalFormat(name.equals("seconds") ? "0" : "0.000"), "");
            }
        }
        return t;
    }

    /** A solid line in {@code colour}, markers only where they stay apart (nothing when the series was not added). */
    private static void solid(org.knowm.xchart.XYSeries s, Color colour) {
        if (s != null) {
            ChartStyle.paint(s, colour);
            if (s.getXData().length > 30) {
                s.setMarker(SeriesMarkers.NONE);
            }
        }
    }

    /** A dashed line without markers in {@code colour} (nothing when the series was not added). */
    private static void dashed(org.knowm.xchart.XYSeries s, Color colour) {
        if (s != null) {
            ChartStyle.paint(s, colour).setLineStyle(SeriesLines.DASH_DASH);
            s.setMarker(SeriesMarkers.NONE);
        }
    }
}
