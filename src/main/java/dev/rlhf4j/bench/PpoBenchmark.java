package dev.rlhf4j.bench;

import ai.djl.engine.Engine;
import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.core.Rlhf4j;
import dev.rlhf4j.model.GptConfig;
import dev.rlhf4j.ppo.PpoConfig;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Times one PPO iteration ({@code PpoTrainer.step()}) on the bundled setup, split into the phases
 * PpoTrainer reports ({@code time/ppo/rollout}, {@code score}, {@code forward_pass},
 * {@code optimize_step}, {@code total}). {@code bench/ppo_twin.py} runs the same iteration in
 * PyTorch eager with the same shapes and threads, so each figure can be read as a ratio.
 *
 * <p>Protocol: policy and reference = {@code datasets/pretrained/small}, reward model = the same
 * checkpoint with an untrained scalar head (its values do not change the work); PpoConfig's
 * defaults: 64 prompts of BOS + 3 words, 32 new tokens sampled with the KV cache, 4 epochs of 4
 * minibatches of 16, AdamW with global-norm clipping 1.0. Every response runs to the full 32 tokens
 * ({@link PpoSetup}: the policy's tokenizer has no EOS), so every iteration does the same work on
 * both sides. {@code warmup} untimed iterations, then the median of {@code iterations} timed ones.
 */
public final class PpoBenchmark {

    /**
     * What to run.
     *
     * @param threads intra-op (and inter-op) PyTorch threads
     * @param out folder for {@code rlhf4j-ppo.json} (null: don't write)
     * @param seed PpoConfig's seed (prompts, sampling, minibatch order, value head)
     * @param checkpoint policy, reference and reward-model checkpoint
     * @param prompts {@code prompts.csv}
     * @param batch rollouts per iteration
     * @param miniBatch rollouts per gradient step
     * @param epochs PPO epochs per iteration
     * @param newTokens tokens sampled per response (all of them: EOS is never sampled)
     * @param promptTokens prompt length in tokens, BOS included (prompts of other lengths are left out)
     * @param warmup untimed iterations
     * @param iterations timed iterations
     * @param profile also profile one iteration with libtorch's profiler (after the timed ones)
     */
    public record Options(int threads, Path out, long seed, Path checkpoint, Path prompts, int batch, int miniBatch,
            int epochs, int newTokens, int promptTokens, int warmup, int iterations, boolean profile) {

        public Options {
            if (threads < 1 || batch < 1 || miniBatch < 1 || miniBatch > batch || epochs < 1 || newTokens < 1
                    || promptTokens < 1 || warmup < 0 || iterations < 1) {
                throw new IllegalArgumentException("PpoBenchmark.Options: counts must be positive (miniBatch <= batch), found "
                        + this);
            }
        }

        /** PpoConfig's defaults on all available processors, written to {@code runs/bench}. */
        public static Options defaults() {
            PpoConfig c = PpoConfig.defaults();
            return new Options(Runtime.getRuntime().availableProcessors(), Path.of("runs", "bench"), 42,
                    Home.resolve("datasets/pretrained/small"), Home.resolve("datasets/reviews/prompts.csv"),
                    c.batchSize(), c.miniBatchSize(), c.ppoEpochs(), c.sampling().maxNewTokens(), 4, 2, 7, false);
        }

        public Options withThreads(int n) {
            return new Options(n, out, seed, checkpoint, prompts, batch, miniBatch, epochs, newTokens, promptTokens,
                    warmup, iterations, profile);
        }

        public Options withOut(Path dir) {
            return new Options(threads, dir, seed, checkpoint, prompts, batch, miniBatch, epochs, newTokens, promptTokens,
                    warmup, iterations, profile);
        }

        public Options withSeed(long s) {
            return new Options(threads, out, s, checkpoint, prompts, batch, miniBatch, epochs, newTokens, promptTokens,
                    warmup, iterations, profile);
        }

        public Options withBatch(int b, int mb) {
            return new Options(threads, out, seed, checkpoint, prompts, b, mb, epochs, newTokens, promptTokens, warmup,
                    iterations, profile);
        }

        public Options withIterations(int warm, int timed) {
            return new Options(threads, out, seed, checkpoint, prompts, batch, miniBatch, epochs, newTokens, promptTokens,
                    warm, timed, profile);
        }

        public Options withProfile(boolean on) {
            return new Options(threads, out, seed, checkpoint, prompts, batch, miniBatch, epochs, newTokens, promptTokens,
                    warmup, iterations, on);
        }

        /** The PpoConfig the benchmark runs: the defaults with these batch sizes, epochs, tokens and seed. */
        PpoConfig ppoConfig() {
            PpoConfig d = PpoConfig.defaults();
            return d.toBuilder().batchSize(batch).miniBatchSize(miniBatch).ppoEpochs(epochs)
                    .sampling(d.sampling().withMaxNewTokens(newTokens)).seed(seed).build();
        }
    }

    /** The model that was timed. */
    public record ModelInfo(String checkpoint, int vocabSize, int contextLength, int nLayer, int nHead, int nEmbd,
            long parameters) {}

    /**
     * What one iteration does. {@code scoreLenMean}: the reward model's batch length (its longest
     * BOS + prompt + response + EOS after decoding and re-encoding, which drops the response's
     * PAD/BOS/EOS tokens), averaged over the timed iterations.
     */
    public record Work(int batch, int miniBatch, int ppoEpochs, int optimizerSteps, int promptLen, int newTokens,
            double responseTokensMean, double scoreLenMean, int promptsAvailable, float learningRate, int warmup,
            int iterations) {}

    /** One phase's times over the timed iterations, milliseconds. */
    public record Phase(double msMedian, double msMin, double msMean) {
        static Phase of(double[] ms) {
            return new Phase(LmBenchmark.median(ms), Arrays.stream(ms).min().orElse(0), Arrays.stream(ms).average().orElse(0));
        }
    }

    /**
     * The phases of {@code PpoTrainer.step()}. {@code optimizeStep} covers per-token rewards, GAE,
     * whitening and the minibatch epochs; {@code other} = total − the four phases (KL controller,
     * metrics, diagnostics).
     */
    public record Phases(Phase rollout, Phase score, Phase forwardPass, Phase optimizeStep, Phase other, Phase total) {}

    /** Everything measured, as written to {@code rlhf4j-ppo.json}. */
    public record Result(String impl, String engine, String date, int cores, int threads, int interopThreads,
            ModelInfo model, Work work, Phases phases, double[] totalMs, OpProfile.Summary profile) {

        /** A small fixed-width table of the figures. */
        public String table() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "rlhf4j PPO benchmark  (%s, %d threads, %d cores, %s)%n", engine, threads,
                    cores, date));
            sb.append(String.format(Locale.ROOT,
                    "model: %s, %d layers, width %d, vocab %d, %,d params (x3: policy, reference, reward)%n",
                    model.checkpoint(), model.nLayer(), model.nEmbd(), model.vocabSize(), model.parameters()));
            sb.append(String.format(Locale.ROOT, "iteration: %d prompts of %d tokens, %d new tokens each (mean %.1f), "
                    + "reward model on [%d, %.1f] (mean T), %d epochs x %d minibatches of %d = %d optimizer steps; "
                    + "median of %d after %d warm-up%n",
                    work.batch(), work.promptLen(), work.newTokens(), work.responseTokensMean(), work.batch(),
                    work.scoreLenMean(), work.ppoEpochs(),
                    work.optimizerSteps() / work.ppoEpochs(), work.miniBatch(), work.optimizerSteps(), work.iterations(),
                    work.warmup()));
            sb.append(String.format(Locale.ROOT, "%-16s %10s %10s %8s%n", "phase", "ms median", "ms min", "share"));
            double total = phases.total().msMedian();
            row(sb, "rollout", phases.rollout(), total);
            row(sb, "score", phases.score(), total);
            row(sb, "forward_pass", phases.forwardPass(), total);
            row(sb, "optimize_step", phases.optimizeStep(), total);
            row(sb, "other", phases.other(), total);
            row(sb, "total", phases.total(), total);
            if (profile != null) {
                sb.append("\none PPO iteration, ").append(profile.table());
            }
            return sb.toString();
        }

        private static void row(StringBuilder sb, String name, Phase p, double total) {
            sb.append(String.format(Locale.ROOT, "%-16s %10.1f %10.1f %7.0f%%%n", name, p.msMedian(), p.msMin(),
                    100 * p.msMedian() / total));
        }

        /** The result as pretty JSON with snake_case keys (the twin's format). */
        public String toJson() {
            return LmBenchmark.gson().toJson(this);
        }
    }

    private static final List<String> KEYS = List.of("time/ppo/rollout", "time/ppo/score", "time/ppo/forward_pass",
            "time/ppo/optimize_step", "time/ppo/total");

    private PpoBenchmark() {}

    /**
     * Command line: {@code --threads N --out DIR --seed S --batch N --mini-batch N --warmup N
     * --iterations N --profile true|false}.
     */
    public static void main(String[] args) {
        Options o = parse(args);
        Result r = run(o);
        System.out.print(r.table());
        if (o.out() != null) {
            System.out.println("wrote " + o.out().resolve("rlhf4j-ppo.json"));
        }
    }

    /** Runs the benchmark; writes {@code rlhf4j-ppo.json} into {@code options.out()} unless it is null. */
    public static Result run(Options o) {
        int[] threads = LmBenchmark.configureThreads(o.threads());
        Engine engine = Rlhf4j.init();
        String engineName = "DJL " + Engine.getDjlVersion() + " / libtorch " + engine.getVersion();
        PpoConfig config = o.ppoConfig();
        int n = o.iterations();
        double[][] ms = new double[KEYS.size()][n];
        double responseTokens = 0;
        double[] scoreLen = new double[1];
        OpProfile.Summary profile = null;
        ModelInfo model;
        Work work;
        try (PpoSetup setup = new PpoSetup(o.checkpoint(), o.prompts(), config, true, o.promptTokens())) {
            GptConfig gc = setup.policy.lm().config();
            model = new ModelInfo(o.checkpoint().toString(), gc.vocabSize(), gc.contextLength(), gc.nLayer(), gc.nHead(),
                    gc.nEmbd(), setup.policy.lm().parameterCount());
            // after time/ppo/total is taken: the reward model's batch length T of this iteration
            setup.trainer.addListener((it, m, r) -> {
                int t = 0;
                for (int i = 0; i < r.size(); i++) {
                    t = Math.max(t, setup.rewardModel.encode(r.prompts().get(i).text(), r.completions().get(i)).length);
                }
                if (it > o.warmup() && it <= o.warmup() + n) {
                    scoreLen[0] += t / (double) n;
                }
            });
            for (int it = 0; it < o.warmup() + n; it++) {
                Map<String, Double> m = setup.trainer.step();
                int i = it - o.warmup();
                if (i >= 0) {
                    for (int k = 0; k < KEYS.size(); k++) {
                        ms[k][i] = m.get(KEYS.get(k)) * 1000;
                    }
                    responseTokens += m.get("tokens/responses_len_mean") / n;
                }
            }
            if (o.profile()) {
                Path trace = (o.out() != null ? o.out() : Path.of(System.getProperty("java.io.tmpdir")))
                        .resolve("ppo-trace.json");
                profile = OpProfile.profile(setup.trainer::step, 1, trace, 20);
            }
            int stepsPerEpoch = (o.batch() + o.miniBatch() - 1) / o.miniBatch();
            work = new Work(o.batch(), o.miniBatch(), o.epochs(), o.epochs() * stepsPerEpoch, o.promptTokens(),
                    o.newTokens(), responseTokens, scoreLen[0], setup.prompts.size(), config.learningRate(), o.warmup(), n);
        }
        double[] other = new double[n];
        for (int i = 0; i < n; i++) {
            other[i] = ms[4][i] - ms[0][i] - ms[1][i] - ms[2][i] - ms[3][i];
        }
        Phases phases = new Phases(Phase.of(ms[0]), Phase.of(ms[1]), Phase.of(ms[2]), Phase.of(ms[3]), Phase.of(other),
                Phase.of(ms[4]));
        Result result = new Result("rlhf4j", engineName, OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                Runtime.getRuntime().availableProcessors(), threads[0], threads[1], model, work, phases, ms[4], profile);
        if (o.out() != null) {
            AtomicFiles.writeString(o.out().resolve("rlhf4j-ppo.json"), result.toJson() + "\n");
        }
        return result;
    }

    static Options parse(String[] args) {
        Options o = Options.defaults();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                System.out.println("usage: PpoBenchmark [--threads N] [--out DIR] [--seed S] [--batch N] [--mini-batch N] "
                        + "[--warmup N] [--iterations N] [--profile true|false]");
                System.exit(0);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("PpoBenchmark: option " + a + " needs a value");
            }
            String val = args[++i];
            o = switch (a) {
                case "--threads" -> o.withThreads(Integer.parseInt(val));
                case "--out" -> o.withOut(val.isEmpty() ? null : Path.of(val));
                case "--seed" -> o.withSeed(Long.parseLong(val));
                case "--batch" -> o.withBatch(Integer.parseInt(val), Math.min(o.miniBatch(), Integer.parseInt(val)));
                case "--mini-batch" -> o.withBatch(o.batch(), Integer.parseInt(val));
                case "--warmup" -> o.withIterations(Integer.parseInt(val), o.iterations());
                case "--iterations" -> o.withIterations(o.warmup(), Integer.parseInt(val));
                case "--profile" -> o.withProfile(Boolean.parseBoolean(val));
                default -> throw new IllegalArgumentException("PpoBenchmark: unknown option " + a + " (try --help)");
            };
        }
        return o;
    }
}
