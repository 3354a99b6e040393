package dev.rlhf4j.bench;

import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.ppo.PpoConfig;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * A soak test of {@code PpoTrainer}: many PPO iterations on the bundled setup, recording after each
 * one the arrays held by the policy's, the reference's and the reward model's NDManagers and the
 * process's resident memory (VmRSS). A leak shows as a count that moves after warm-up or as RSS
 * that keeps growing. Writes {@code ppo-soak.csv} (a row per iteration, appended as it goes) and
 * {@code ppo-soak.json} (the summary).
 *
 * <p>Unlike {@link PpoBenchmark}, the soak runs PpoTrainer as a user does: every prompt of
 * {@code prompts.csv} (2 to 4 words), responses that stop at EOS (so shapes change every
 * iteration). Its default batch is smaller than PpoConfig's (16 rollouts, minibatches of 4: the
 * same 4 epochs × 4 minibatches) so that 300 iterations fit in a few minutes on 2 cores.
 */
public final class PpoSoak {

    /**
     * What to run.
     *
     * @param threads intra-op (and inter-op) PyTorch threads
     * @param out folder for {@code ppo-soak.csv} and {@code ppo-soak.json} (null: don't write)
     * @param seed PpoConfig's seed
     * @param checkpoint policy, reference and reward-model checkpoint
     * @param prompts {@code prompts.csv}
     * @param iterations PPO iterations
     * @param warmup the iteration after which counts must stay equal and from which RSS growth is measured
     * @param batch rollouts per iteration
     * @param miniBatch rollouts per gradient step
     * @param epochs PPO epochs per iteration
     * @param newTokens at most this many tokens per response
     * @param progress print a line every this many iterations (0: quiet)
     */
    public record Options(int threads, Path out, long seed, Path checkpoint, Path prompts, int iterations, int warmup,
            int batch, int miniBatch, int epochs, int newTokens, int progress) {

        public Options {
            if (threads < 1 || iterations < 1 || warmup < 1 || warmup >= iterations || batch < 1 || miniBatch < 1
                    || miniBatch > batch || epochs < 1 || newTokens < 1 || progress < 0) {
                throw new IllegalArgumentException("PpoSoak.Options: counts must be positive, warmup < iterations and "
                        + "miniBatch <= batch; found " + this);
            }
        }

        /** 300 iterations, warm-up 20, batch 16 / minibatch 4, 4 epochs, 32 new tokens, all processors. */
        public static Options defaults() {
            return new Options(Runtime.getRuntime().availableProcessors(), Path.of("runs", "bench"), 42,
                    Home.resolve("datasets/pretrained/small"), Home.resolve("datasets/reviews/prompts.csv"), 300, 20, 16,
                    4, 4, 32, 25);
        }

        public Options withThreads(int n) {
            return new Options(n, out, seed, checkpoint, prompts, iterations, warmup, batch, miniBatch, epochs, newTokens,
                    progress);
        }

        public Options withOut(Path dir) {
            return new Options(threads, dir, seed, checkpoint, prompts, iterations, warmup, batch, miniBatch, epochs,
                    newTokens, progress);
        }

        public Options withSeed(long s) {
            return new Options(threads, out, s, checkpoint, prompts, iterations, warmup, batch, miniBatch, epochs,
                    newTokens, progress);
        }

        public Options withIterations(int n, int warm) {
            return new Options(threads, out, seed, checkpoint, prompts, n, warm, batch, miniBatch, epochs, newTokens,
                    progress);
        }

        public Options withWork(int b, int mb, int ep, int tokens) {
            return new Options(threads, out, seed, checkpoint, prompts, iterations, warmup, b, mb, ep, tokens, progress);
        }

        public Options withProgress(int every) {
            return new Options(threads, out, seed, checkpoint, prompts, iterations, warmup, batch, miniBatch, epochs,
                    newTokens, every);
        }

        PpoConfig ppoConfig() {
            return new PpoBenchmark.Options(threads, null, seed, checkpoint, prompts, batch, miniBatch, epochs, newTokens,
                    1, 0, 1, false).ppoConfig();
        }
    }

    /**
     * The soak's verdicts and the figures behind them.
     *
     * @param parameterArrays {policy, reference, reward model} parameter arrays: what each manager
     *     holds when nothing else is left on it
     * @param countsAtWarmup {policy, reference, reward model} arrays after iteration {@code warmup}
     * @param countsAtEnd the same after the last iteration
     * @param countsFlat every iteration after the warm-up had exactly the warm-up counts
     * @param firstCountChange the first iteration after the warm-up whose counts differed (0: none)
     * @param countDriftPerIteration (end − warm-up) / iterations after warm-up, per model
     * @param rssKbAtWarmup VmRSS after iteration {@code warmup}
     * @param rssGrowthPct (RSS at the end − at warm-up) / at warm-up, in %
     * @param rssSlopeKbPerIteration least-squares slope of RSS over the iterations after warm-up
     * @param iterations the iterations completed (fewer than asked when a step threw: see {@code error})
     * @param error null, or the iteration whose step threw and the exception
     * @param heapPretouched whether the JVM ran with {@code -XX:+AlwaysPreTouch}: if not, RSS also
     *     grows while the Java heap's pages are touched for the first time (about 10 MB of garbage
     *     per iteration at batch 16, until the first collection), which is not a leak
     */
    public record Result(String date, int threads, int iterations, int warmup, int batch, int miniBatch, int epochs,
            int newTokens, int[] parameterArrays, int[] countsAtWarmup,
            int[] countsAtEnd, boolean countsFlat, int firstCountChange, double[] countDriftPerIteration,
            long rssKbAtWarmup, long rssKbAtEnd, long rssKbMax, double rssGrowthPct, double rssSlopeKbPerIteration,
            long heapCommittedKbAtWarmup, long heapCommittedKbAtEnd, boolean heapPretouched, double secondsMedian,
            double secondsTotal, double responseTokensMean, String csv, String error) {

        /** The summary as text, with the two verdicts. */
        public String table() {
            StringBuilder sb = new StringBuilder();
            if (error != null) {
                sb.append("STOPPED EARLY at ").append(error).append('\n');
            }
            sb.append(String.format(Locale.ROOT, "rlhf4j PPO soak  (%d iterations, batch %d / minibatch %d, %d epochs, "
                    + "<= %d new tokens (mean %.1f), %d threads, %s)%n", iterations, batch, miniBatch, epochs,
                    newTokens, responseTokensMean, threads, date));
            sb.append(String.format(Locale.ROOT, "%-22s %10s %10s %10s%n", "NDManager arrays", "policy", "reference", "reward"));
            sb.append(String.format(Locale.ROOT, "%-22s %10d %10d %10d%n", "parameters", parameterArrays[0],
                    parameterArrays[1], parameterArrays[2]));
            sb.append(String.format(Locale.ROOT, "%-22s %10d %10d %10d%n", "after iteration " + warmup, countsAtWarmup[0],
                    countsAtWarmup[1], countsAtWarmup[2]));
            sb.append(String.format(Locale.ROOT, "%-22s %10d %10d %10d%n", "after iteration " + iterations, countsAtEnd[0],
                    countsAtEnd[1], countsAtEnd[2]));
            sb.append(String.format(Locale.ROOT, "resource counts flat after iteration %d: %s%s%n", warmup,
                    countsFlat ? "yes" : "NO", countsFlat ? "" : " (first change after iteration " + firstCountChange + ")"));
            sb.append(String.format(Locale.ROOT, "RSS: %,d kB after iteration %d, %,d kB at the end (max %,d): %+.2f%% "
                    + "(target <= 5%%: %s); slope %+.1f kB/iteration%n", rssKbAtWarmup, warmup, rssKbAtEnd, rssKbMax,
                    rssGrowthPct, rssGrowthPct <= 5 ? "PASS" : "MISS", rssSlopeKbPerIteration));
            sb.append(String.format(Locale.ROOT, "JVM heap committed: %,d kB -> %,d kB; iteration median %.2f s, "
                    + "soak %.0f s%n", heapCommittedKbAtWarmup, heapCommittedKbAtEnd, secondsMedian, secondsTotal));
            if (!heapPretouched) {
                sb.append("note: the heap was not pre-touched, so RSS also counts the Java heap filling up; for native "
                        + "memory alone run with -Xms512m -Xmx512m -XX:+AlwaysPreTouch (JAVA_OPTS for ./rlhf4j)\n");
            }
            return sb.toString();
        }

        public String toJson() {
            return LmBenchmark.gson().toJson(this);
        }
    }

    /** PPO metrics copied into the CSV next to the counts, to tell a leak from a run that went wrong. */
    private static final String[] METRICS = {"tokens/responses_len_mean", "env/reward_mean", "objective/kl",
        "objective/kl_coef", "ppo/loss/total", "ppo/policy/ratio", "ppo/grad_norm", "ppo/skipped_batches"};
    private static final String HEADER = "iteration,seconds,policy_arrays,reference_arrays,reward_arrays,rss_kb,"
            + "heap_used_kb,heap_committed_kb,response_tokens_mean,reward_mean,kl,kl_coef,loss_total,ratio,grad_norm,"
            + "skipped_batches\n";

    private PpoSoak() {}

    public static void main(String[] args) {
        Options o = parse(args);
        Result r = run(o);
        System.out.print(r.table());
        if (o.out() != null) {
            System.out.println("wrote " + r.csv() + " and " + o.out().resolve("ppo-soak.json"));
        }
        if (r.error() != null || !r.countsFlat() || r.rssGrowthPct() > 5) {
            System.exit(1);
        }
    }

    /** Runs the soak; writes the CSV (as it goes) and the JSON summary into {@code options.out()} unless null. */
    public static Result run(Options o) {
        int[] threads = LmBenchmark.configureThreads(o.threads());
        int n = o.iterations();
        int[][] counts = new int[n][];
        long[] rss = new long[n];
        long[] heapCommitted = new long[n];
        double[] seconds = new double[n];
        double tokens = 0;
        int done = 0;
        String error = null;
        Path csv = o.out() == null ? null : o.out().resolve("ppo-soak.csv");
        long start = System.nanoTime();
        int[] params;
        try (PpoSetup setup = new PpoSetup(o.checkpoint(), o.prompts(), o.ppoConfig(), false, 0);
                BufferedWriter w = csv == null ? null : open(csv)) {
            params = new int[] {setup.policy.parameters().size(), setup.reference.parameters().size(),
                setup.rewardModel.parameters().size()};
            for (int i = 0; i < n; i++) {
                Map<String, Double> m;
                try {
                    m = setup.trainer.step();
                } catch (RuntimeException e) { // a diverged run: keep what was measured, say where it stopped
                    error = "iteration " + (i + 1) + ": " + e;
                    System.err.println("PpoSoak: stopped at " + error);
                    break;
                }
                done = i + 1;
                counts[i] = setup.resourceCounts();
                rss[i] = rssKb();
                Runtime rt = Runtime.getRuntime();
                heapCommitted[i] = rt.totalMemory() / 1024;
                seconds[i] = m.get("time/ppo/total");
                double len = m.get("tokens/responses_len_mean");
                tokens += len;
                if (w != null) {
                    StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%d,%.4f,%d,%d,%d,%d,%d,%d", i + 1,
                            seconds[i], counts[i][0], counts[i][1], counts[i][2], rss[i],
                            (rt.totalMemory() - rt.freeMemory()) / 1024, heapCommitted[i]));
                    for (String k : METRICS) {
                        row.append(String.format(Locale.ROOT, ",%.5g", m.getOrDefault(k, Double.NaN)));
                    }
                    w.write(row.append('\n').toString());
                    w.flush(); // a crash keeps every row so far
                }
                if (o.progress() > 0 && ((i + 1) % o.progress() == 0 || i + 1 == n)) {
                    System.out.printf(Locale.ROOT, "soak %d/%d: %.2f s, arrays %d/%d/%d, RSS %,d kB%n", i + 1, n,
                            seconds[i], counts[i][0], counts[i][1], counts[i][2], rss[i]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("PpoSoak: could not write " + csv + ": " + e.getMessage(), e);
        }
        double total = (System.nanoTime() - start) / 1e9;
        if (done <= o.warmup()) {
            throw new IllegalStateException("PpoSoak: stopped before the end of the warm-up (" + o.warmup()
                    + " iterations) at " + error);
        }
        Result r = summarize(o, threads[0], params, Arrays.copyOf(counts, done), Arrays.copyOf(rss, done),
                Arrays.copyOf(heapCommitted, done), Arrays.copyOf(seconds, done), tokens / done, total,
                csv == null ? null : csv.toString(), error);
        if (o.out() != null) {
            AtomicFiles.writeString(o.out().resolve("ppo-soak.json"), r.toJson() + "\n");
        }
        return r;
    }

    static Result summarize(Options o, int threads, int[] params, int[][] counts, long[] rss, long[] heap,
            double[] seconds, double tokens, double total, String csv, String error) {
        int n = counts.length;
        int w = o.warmup() - 1; // index of the warm-up iteration
        int firstChange = 0;
        for (int i = w + 1; i < n && firstChange == 0; i++) {
            if (!Arrays.equals(counts[i], counts[w])) {
                firstChange = i + 1;
            }
        }
        double[] drift = new double[3];
        for (int k = 0; k < 3; k++) {
            drift[k] = (counts[n - 1][k] - counts[w][k]) / (double) (n - 1 - w);
        }
        long max = 0;
        for (long r : rss) {
            max = Math.max(max, r);
        }
        double growth = 100.0 * (rss[n - 1] - rss[w]) / rss[w];
        return new Result(OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString(), threads, n, o.warmup(), o.batch(),
                o.miniBatch(), o.epochs(), o.newTokens(), params, counts[w], counts[n - 1], firstChange == 0, firstChange, drift,
                rss[w], rss[n - 1], max, growth,
                slope(rss, w), heap[w], heap[n - 1],
                ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:+AlwaysPreTouch"),
                LmBenchmark.median(seconds), total, tokens, csv, error);
    }

    /** Least-squares slope of {@code ys[from..]} against the iteration index. */
    static double slope(long[] ys, int from) {
        int m = ys.length - from;
        if (m < 2) {
            return 0;
        }
        double mx = (m - 1) / 2.0;
        double my = 0;
        for (int i = from; i < ys.length; i++) {
            my += ys[i] / (double) m;
        }
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < m; i++) {
            sxy += (i - mx) * (ys[from + i] - my);
            sxx += (i - mx) * (i - mx);
        }
        return sxy / sxx;
    }

    /** This process's resident set size in kB, from {@code /proc/self/status} (−1 where there is none). */
    public static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no /proc
        }
        return -1;
    }

    private static BufferedWriter open(Path csv) throws IOException {
        Files.createDirectories(csv.toAbsolutePath().getParent());
        BufferedWriter w = Files.newBufferedWriter(csv);
        w.write(HEADER);
        return w;
    }

    static Options parse(String[] args) {
        Options o = Options.defaults();
        int iterations = o.iterations();
        int warmup = -1; // default: 20, or a third of a shorter soak
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                System.out.println("usage: PpoSoak [--iterations N] [--warmup N] [--threads N] [--out DIR] [--seed S] "
                        + "[--batch N] [--mini-batch N] [--epochs N] [--new-tokens N] [--progress N]");
                System.exit(0);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("PpoSoak: option " + a + " needs a value");
            }
            String val = args[++i];
            switch (a) {
                case "--iterations" -> iterations = Integer.parseInt(val);
                case "--warmup" -> warmup = Integer.parseInt(val);
                case "--threads" -> o = o.withThreads(Integer.parseInt(val));
                case "--out" -> o = o.withOut(val.isEmpty() ? null : Path.of(val));
                case "--seed" -> o = o.withSeed(Long.parseLong(val));
                case "--batch" -> o = o.withWork(Integer.parseInt(val), Math.min(o.miniBatch(), Integer.parseInt(val)),
                        o.epochs(), o.newTokens());
                case "--mini-batch" -> o = o.withWork(o.batch(), Integer.parseInt(val), o.epochs(), o.newTokens());
                case "--epochs" -> o = o.withWork(o.batch(), o.miniBatch(), Integer.parseInt(val), o.newTokens());
                case "--new-tokens" -> o = o.withWork(o.batch(), o.miniBatch(), o.epochs(), Integer.parseInt(val));
                case "--progress" -> o = o.withProgress(Integer.parseInt(val));
                default -> throw new IllegalArgumentException("PpoSoak: unknown option " + a + " (try --help)");
            }
        }
        return o.withIterations(iterations, warmup > 0 ? warmup : defaultWarmup(iterations));
    }

    /** 20 iterations, or a third of a soak shorter than 60. */
    public static int defaultWarmup(int iterations) {
        return Math.max(1, Math.min(20, iterations / 3));
    }
}
