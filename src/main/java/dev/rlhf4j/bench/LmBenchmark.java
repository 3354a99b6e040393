package dev.rlhf4j.bench;

import dev.rlhf4j.core.Seeds;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.core.Rlhf4j;
import dev.rlhf4j.model.AttentionMask;
import dev.rlhf4j.model.Generation;
import dev.rlhf4j.model.GptConfig;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.LmOptimizer;
import dev.rlhf4j.model.NoGrad;
import dev.rlhf4j.pretrain.Pretrainer;
import dev.rlhf4j.model.Sampler;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.text.Tokenizer;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Times the bundled GPT ({@link GptConfig#small}) on the two workloads that dominate RLHF on a
 * CPU: a pretraining step (forward, cross-entropy, backward, global-norm clip + AdamW) and batched
 * sampling with and without the KV cache. {@code bench/torch_twin.py} runs the same model in
 * PyTorch eager with the same shapes, threads and protocol, so each figure can be read as a ratio.
 *
 * <p>Protocol: training = {@code warmupSteps} untimed steps, then the median of
 * {@code trainSteps} timed steps on random token windows (B=32, T=64). Generation = 32 prompts of
 * 4 tokens (BOS + 3 random tokens), up to 48 new tokens sampled at temperature 1 with a fixed seed;
 * one untimed run, then the median of {@code genRuns} timed runs, cached and uncached. Rows stop at
 * EOS like in real use, so tokens/s is computed from the tokens actually generated; the cached and
 * uncached runs use the same seed and so generate the same tokens.
 *
 * <p>PyTorch reads its thread counts once, when the engine starts, so {@link #run} sets
 * {@code ai.djl.pytorch.num_threads} / {@code num_interop_threads} before touching DJL. If the
 * engine was already running, the intra-op count is changed through JNI and the figures actually
 * used are reported.
 */
public final class LmBenchmark {

    /** Vocabulary size when no review-world tokenizer is around (about the review world's). */
    public static final int DEFAULT_VOCAB = 800;

    private static final int PAD = 0;
    private static final int BOS = 1;
    private static final int EOS = 2;
    private static final int FIRST_WORD = 4; // after pad, bos, eos, unk
    private static final float LR = 2e-3f; // PretrainConfig's peak rate; the value does not change the timing

    /**
     * What to run.
     *
     * @param threads intra-op (and inter-op) PyTorch threads
     * @param out folder for {@code rlhf4j.json} (null: don't write)
     * @param seed seeds the model, the windows, the prompts and the sampler
     * @param vocabSize vocabulary size V (≤ 0: from {@code datasets/reviews/tokenizer.json}, else 800)
     * @param batch rows per training step and per generation
     * @param warmupSteps untimed training steps
     * @param trainSteps timed training steps
     * @param promptLength prompt tokens per row (BOS included)
     * @param maxNewTokens tokens to sample per row (at most; rows stop at EOS)
     * @param genRuns timed generation runs per mode (after one untimed run)
     * @param profile also profile 3 training steps and one cached generation with libtorch's profiler
     *     (after the timed runs; traces go to {@code out}, or the temp folder)
     */
    public record Options(int threads, Path out, long seed, int vocabSize, int batch, int warmupSteps,
            int trainSteps, int promptLength, int maxNewTokens, int genRuns, boolean profile) {

        public Options {
            if (threads < 1 || batch < 1 || warmupSteps < 0 || trainSteps < 1 || promptLength < 1
                    || maxNewTokens < 1 || genRuns < 1) {
                throw new IllegalArgumentException("LmBenchmark.Options: counts must be positive, found " + this);
            }
        }

        /** The protocol on all available processors, written to {@code runs/bench}. */
        public static Options defaults() {
            return new Options(Runtime.getRuntime().availableProcessors(), Path.of("runs", "bench"), 42, 0, 32, 5,
                    20, 4, 48, 3, false);
        }

        public Options withThreads(int n) {
            return new Options(n, out, seed, vocabSize, batch, warmupSteps, trainSteps, promptLength, maxNewTokens,
                    genRuns, profile);
        }

        public Options withOut(Path dir) {
            return new Options(threads, dir, seed, vocabSize, batch, warmupSteps, trainSteps, promptLength,
                    maxNewTokens, genRuns, profile);
        }

        public Options withSeed(long s) {
            return new Options(threads, out, s, vocabSize, batch, warmupSteps, trainSteps, promptLength,
                    maxNewTokens, genRuns, profile);
        }

        public Options withVocabSize(int v) {
            return new Options(threads, out, seed, v, batch, warmupSteps, trainSteps, promptLength, maxNewTokens,
                    genRuns, profile);
        }

        public Options withTrainSteps(int warmup, int timed) {
            return new Options(threads, out, seed, vocabSize, batch, warmup, timed, promptLength, maxNewTokens,
                    genRuns, profile);
        }

        public Options withProfile(boolean on) {
            return new Options(threads, out, seed, vocabSize, batch, warmupSteps, trainSteps, promptLength,
                    maxNewTokens, genRuns, on);
        }

        public Options withGenRuns(int n) {
            return new Options(threads, out, seed, vocabSize, batch, warmupSteps, trainSteps, promptLength,
                    maxNewTokens, n, profile);
        }
    }

    /** The model that was timed. */
    public record ModelInfo(int vocabSize, int contextLength, int nLayer, int nHead, int nEmbd, float dropout,
            String activation, long parameters) {}

    /**
     * Training-step timings, milliseconds. The phases are timed inside the same steps (CPU ops are
     * synchronous, so each clock reading is a real boundary).
     *
     * @param forwardMsMedian forward pass + loss
     * @param backwardMsMedian {@code backward} + reading the loss
     * @param optimizerMsMedian gradient norm, clipping, AdamW update
     */
    public record TrainResult(int batch, int seqLen, int warmupSteps, int steps, double msMedian, double msMin,
            double msMean, double forwardMsMedian, double backwardMsMedian, double optimizerMsMedian,
            double tokensPerS, double firstLoss, double lastLoss) {}

    /**
     * The train step against the machine's limit: FLOPs per step by nanoGPT's estimate,
     * 6·N·tokens + 12·L·T·E·tokens (N parameters; the second term is the attention's q·kᵀ and a·v,
     * forward and backward), as sustained GFLOP/s at the median and the fastest step, and as a share
     * of the peak of a 1024×1024×1024 matrix product on the same threads, timed in the same run.
     */
    public record Compute(double gflopPerStep, double gflopsMedian, double gflopsFastest, double peakGflops,
            double shareOfPeakMedian, double shareOfPeakFastest) {

        static Compute of(long params, GptConfig c, TrainResult train, double peakGflops) {
            double tokens = (double) train.batch() * train.seqLen();
            double flops = 6.0 * params * tokens + 12.0 * c.nLayer() * train.seqLen() * c.nEmbd() * tokens;
            double median = flops / (train.msMedian() / 1000) / 1e9;
            double fastest = flops / (train.msMin() / 1000) / 1e9;
            return new Compute(flops / 1e9, median, fastest, peakGflops, median / peakGflops, fastest / peakGflops);
        }
    }

    /** GFLOP/s of the fastest of 10 products of two 1024×1024 float matrices (after 2 untimed ones). */
    static double matmulPeakGflops() {
        int n = 1024;
        double best = Double.MAX_VALUE;
        try (NDManager m = NDManager.newBaseManager(Device.cpu()); NoGrad g = NoGrad.enter()) {
            NDArray a = m.randomNormal(new Shape(n, n));
            NDArray b = m.randomNormal(new Shape(n, n));
            for (int i = 0; i < 12; i++) {
                long t0 = System.nanoTime();
                a.matMul(b).close();
                double s = (System.nanoTime() - t0) / 1e9;
                if (i >= 2) {
                    best = Math.min(best, s);
                }
            }
        }
        return 2.0 * n * n * n / best / 1e9;
    }

    /** One generation mode: the tokens generated per run and the timings. */
    public record GenMode(long tokens, int decodeSteps, double secondsMedian, double secondsMin, double tokensPerS) {}

    /** Generation with and without the KV cache. */
    public record GenResult(int batch, int promptLen, int maxNewTokens, int warmupRuns, int runs, GenMode cached,
            GenMode uncached, double kvSpeedup, boolean identicalTokens) {}

    /** Everything measured, as written to {@code rlhf4j.json}. */
    public record Result(String impl, String engine, String date, int cores, int threads, int interopThreads,
            ModelInfo model, TrainResult train, Compute compute, GenResult generate, OpProfile.Summary trainProfile,
            OpProfile.Summary generateProfile) {

        /** A small fixed-width table of the figures. */
        public String table() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "rlhf4j LM benchmark  (%s, %d threads, %d cores, %s)%n", engine,
                    threads, cores, date));
            sb.append(String.format(Locale.ROOT, "model: %d layers, %d heads, width %d, context %d, vocab %d, %,d params%n",
                    model.nLayer(), model.nHead(), model.nEmbd(), model.contextLength(), model.vocabSize(),
                    model.parameters()));
            sb.append(String.format(Locale.ROOT, "%-34s %12s%n", "metric", "value"));
            row(sb, "train step, ms (median, B=" + train.batch() + " T=" + train.seqLen() + ")", train.msMedian());
            row(sb, "  forward + loss, ms", train.forwardMsMedian());
            row(sb, "  backward, ms", train.backwardMsMedian());
            row(sb, "  clip + AdamW, ms", train.optimizerMsMedian());
            row(sb, "train tokens/s", train.tokensPerS());
            row(sb, "train GFLOP/s (median step)", compute.gflopsMedian());
            row(sb, "matmul peak GFLOP/s (1024^3)", compute.peakGflops());
            row(sb, "  share of peak, median step (%)", 100 * compute.shareOfPeakMedian());
            row(sb, "  share of peak, fastest step (%)", 100 * compute.shareOfPeakFastest());
            row(sb, "generate tok/s, KV cache", generate.cached().tokensPerS());
            row(sb, "generate tok/s, no cache", generate.uncached().tokensPerS());
            row(sb, "KV-cache speed-up (x)", generate.kvSpeedup());
            sb.append(String.format(Locale.ROOT, "(generated %d tokens per run in %d steps; cached == uncached tokens: %s)%n",
                    generate.cached().tokens(), generate.cached().decodeSteps(), generate.identicalTokens()));
            if (trainProfile != null) {
                sb.append("\ntraining step, ").append(trainProfile.table());
            }
            if (generateProfile != null) {
                sb.append("\ncached generation, ").append(generateProfile.table());
            }
            return sb.toString();
        }

        private static void row(StringBuilder sb, String name, double v) {
            sb.append(String.format(Locale.ROOT, "%-34s %12.2f%n", name, v));
        }

        /** The result as pretty JSON with snake_case keys (the twin's format). */
        public String toJson() {
            return gson().toJson(this);
        }
    }

    private LmBenchmark() {}

    /**
     * Command line: {@code --threads N --out DIR --seed S --vocab V --steps N --warmup N --runs N
     * --profile true|false}.
     */
    public static void main(String[] args) {
        Options o = parse(args);
        Result r = run(o);
        System.out.print(r.table());
        if (o.out() != null) {
            System.out.println("wrote " + o.out().resolve("rlhf4j.json"));
        }
    }

    /** Runs the benchmark; writes {@code rlhf4j.json} into {@code options.out()} unless it is null. */
    public static Result run(Options options) {
        int[] threads = configureThreads(options.threads());
        int vocab = options.vocabSize() > 0 ? options.vocabSize() : reviewVocabSize();
        GptConfig config = GptConfig.small(vocab);
        if (options.promptLength() + options.maxNewTokens() > config.contextLength()) {
            throw new IllegalArgumentException("LmBenchmark: prompt (" + options.promptLength() + ") + new tokens ("
                    + options.maxNewTokens() + ") exceed the context length " + config.contextLength());
        }
        Engine engine = Rlhf4j.init();
        String engineName = "DJL " + Engine.getDjlVersion() + " / libtorch " + engine.getVersion();
        TrainResult train;
        GenResult gen;
        OpProfile.Summary trainProfile = null;
        OpProfile.Summary genProfile = null;
        Path traceDir = options.out() != null ? options.out() : Path.of(System.getProperty("java.io.tmpdir"));
        long params;
        try (LanguageModel lm = LanguageModel.create(config, syntheticTokenizer(vocab), Device.cpu(), options.seed())) {
            params = lm.parameterCount();
            LmOptimizer optimizer = new LmOptimizer(lm.parameters(), 0.1f, 1.0f);
            Random rng = Seeds.derive(options.seed(), "train windows");
            train = timeTraining(lm, optimizer, rng, options);
            if (options.profile()) {
                int b = options.batch();
                int t = config.contextLength();
                trainProfile = OpProfile.profile(() -> trainStep(lm, optimizer, randomWindows(rng, b, t + 1, vocab),
                        b, t, LR), 3, traceDir.resolve("train-trace.json"), 15);
            }
        }
        // a fresh model for generation: sampling from the random initialisation, as the twin does
        try (LanguageModel lm = LanguageModel.create(config, syntheticTokenizer(vocab), Device.cpu(), options.seed())) {
            gen = timeGeneration(lm, options);
            if (options.profile()) {
                List<int[]> prompts = prompts(options.batch(), options.promptLength(), vocab, options.seed() * 17 + 3);
                SamplingConfig sampling = SamplingConfig.defaults().withMaxNewTokens(options.maxNewTokens());
                genProfile = OpProfile.profile(() -> Sampler.generate(lm, prompts, sampling, Seeds.derive(options.seed(), "generation")),
                        1, traceDir.resolve("generate-trace.json"), 15);
            }
        }
        ModelInfo model = new ModelInfo(config.vocabSize(), config.contextLength(), config.nLayer(), config.nHead(),
                config.nEmbd(), config.dropout(), config.activation().name(), params);
        Result result = new Result("rlhf4j", engineName,
                OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                Runtime.getRuntime().availableProcessors(), threads[0], threads[1], model, train,
                Compute.of(params, config, train, matmulPeakGflops()), gen, trainProfile,
                genProfile);
        if (options.out() != null) {
            AtomicFiles.writeString(options.out().resolve("rlhf4j.json"), result.toJson() + "\n");
        }
        return result;
    }

    /**
     * Sets PyTorch's thread counts (before the engine starts if it has not yet) and returns the
     * counts in effect: {intra-op, inter-op}.
     */
    static int[] configureThreads(int n) {
        presetThreads(n);
        Rlhf4j.init();
        if (JniUtils.getNumThreads() != n) {
            JniUtils.setNumThreads(n); // the engine had already started; intra-op can still change
        }
        return new int[] {JniUtils.getNumThreads(), JniUtils.getNumInteropThreads()};
    }

    /**
     * Sets the system properties from which DJL's PyTorch engine takes its intra-op and inter-op
     * thread counts. They are read once, when the engine starts: call this before any DJL call.
     */
    public static void presetThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("LmBenchmark: threads must be >= 1, found " + n);
        }
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
        System.setProperty("ai.djl.pytorch.num_interop_threads", Integer.toString(n));
    }

    // ---------------------------------------------------------------- training

    private static TrainResult timeTraining(LanguageModel lm, LmOptimizer optimizer, Random rng, Options o) {
        int b = o.batch();
        int t = lm.config().contextLength();
        int v = lm.config().vocabSize();
        int total = o.warmupSteps() + o.trainSteps();
        double[] ms = new double[o.trainSteps()];
        double[] fwd = new double[o.trainSteps()];
        double[] bwd = new double[o.trainSteps()];
        double[] opt = new double[o.trainSteps()];
        float firstLoss = Float.NaN;
        float lastLoss = Float.NaN;
        for (int step = 0; step < total; step++) {
            long[][] windows = randomWindows(rng, b, t + 1, v);
            double[] phases = trainStep(lm, optimizer, windows, b, t, LR);
            if (step == 0) {
                firstLoss = (float) phases[3];
            }
            lastLoss = (float) phases[3];
            int i = step - o.warmupSteps();
            if (i >= 0) {
                fwd[i] = phases[0];
                bwd[i] = phases[1];
                opt[i] = phases[2];
                ms[i] = phases[0] + phases[1] + phases[2];
            }
        }
        double median = median(ms);
        return new TrainResult(b, t, o.warmupSteps(), o.trainSteps(), median, Arrays.stream(ms).min().orElse(0),
                Arrays.stream(ms).average().orElse(0), median(fwd), median(bwd), median(opt),
                b * t / (median / 1000.0), firstLoss, lastLoss);
    }

    /** {@link Pretrainer#trainStep}, timed by phase: {forward ms, backward ms, optimizer ms, loss}. */
    static double[] trainStep(LanguageModel lm, LmOptimizer optimizer, long[][] windows, int b, int t, float lr) {
        Pretrainer.Step s = Pretrainer.trainStep(lm, optimizer, windows, b, t, lr);
        return new double[] {s.forwardNanos() / 1e6, s.backwardNanos() / 1e6, s.optimizerNanos() / 1e6, s.loss()};
    }

    private static long[][] randomWindows(Random rng, int b, int width, int v) {
        long[][] w = new long[b][width];
        for (long[] row : w) {
            for (int j = 0; j < width; j++) {
                row[j] = FIRST_WORD + rng.nextInt(v - FIRST_WORD);
            }
        }
        return w;
    }

    // ---------------------------------------------------------------- generation

    private static GenResult timeGeneration(LanguageModel lm, Options o) {
        int v = lm.config().vocabSize();
        List<int[]> prompts = prompts(o.batch(), o.promptLength(), v, o.seed() * 17 + 3);
        SamplingConfig sampling = SamplingConfig.defaults().withMaxNewTokens(o.maxNewTokens());
        List<Generation> cachedOut = new ArrayList<>();
        List<Generation> uncachedOut = new ArrayList<>();
        GenMode cached = timeMode(lm, prompts, sampling.withKvCache(true), o, cachedOut);
        GenMode uncached = timeMode(lm, prompts, sampling.withKvCache(false), o, uncachedOut);
        boolean identical = true;
        for (int i = 0; i < cachedOut.size(); i++) {
            for (int r = 0; r < o.batch(); r++) {
                identical &= Arrays.equals(cachedOut.get(i).completions().get(r),
                        uncachedOut.get(i).completions().get(r));
            }
        }
        return new GenResult(o.batch(), o.promptLength(), o.maxNewTokens(), 1, o.genRuns(), cached, uncached,
                cached.tokensPerS() / uncached.tokensPerS(), identical);
    }

    private static GenMode timeMode(LanguageModel lm, List<int[]> prompts, SamplingConfig sampling, Options o,
            List<Generation> outputs) {
        Sampler.generate(lm, prompts, sampling, Seeds.derive(o.seed(), "generation")); // warm-up
        double[] seconds = new double[o.genRuns()];
        long tokens = 0;
        int steps = 0;
        for (int i = 0; i < o.genRuns(); i++) {
            long t0 = System.nanoTime();
            Generation g = Sampler.generate(lm, prompts, sampling, Seeds.derive(o.seed(), "generation"));
            seconds[i] = (System.nanoTime() - t0) / 1e9;
            tokens = g.newTokens();
            steps = g.completions().stream().mapToInt(c -> c.length).max().orElse(0);
            outputs.add(g);
        }
        double median = median(seconds);
        return new GenMode(tokens, steps, median, Arrays.stream(seconds).min().orElse(0), tokens / median);
    }

    // ---------------------------------------------------------------- helpers

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** The review world's vocabulary size from {@code datasets/reviews/tokenizer.json}, else 800. */
    static int reviewVocabSize() {
        Path file = Path.of("datasets", "reviews", "tokenizer.json");
        if (!Files.isRegularFile(file)) {
            return DEFAULT_VOCAB;
        }
        try (Reader reader = Files.newBufferedReader(file)) {
            JsonElement root = JsonParser.parseReader(reader);
            if (root.isJsonObject()) {
                JsonObject obj = root.getAsJsonObject();
                if (obj.has("vocab") && obj.get("vocab").isJsonArray()) {
                    return obj.getAsJsonArray("vocab").size();
                }
                if (obj.has("model") && obj.get("model").isJsonObject()
                        && obj.getAsJsonObject("model").has("vocab")
                        && obj.getAsJsonObject("model").get("vocab").isJsonObject()) {
                    return obj.getAsJsonObject("model").getAsJsonObject("vocab").size();
                }
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("LmBenchmark: could not read " + file + " (" + e.getMessage() + "); using V="
                    + DEFAULT_VOCAB);
        }
        return DEFAULT_VOCAB;
    }

    /** A tokenizer that only knows its size: ids "w4".."w{V-1}" and the four special tokens. */
    static Tokenizer syntheticTokenizer(int size) {
        if (size <= FIRST_WORD) {
            throw new IllegalArgumentException("LmBenchmark: vocabulary size must exceed 4, found " + size);
        }
        return new Tokenizer() {
            @Override
            public int[] encode(String text) {
                String s = text.trim();
                return s.isEmpty() ? new int[0]
                        : Arrays.stream(s.split("\\s+")).mapToInt(w -> w.startsWith("w") ? parse(w) : unkId()).toArray();
            }

            private int parse(String w) {
                try {
                    int id = Integer.parseInt(w.substring(1));
                    return id >= FIRST_WORD && id < size ? id : unkId();
                } catch (NumberFormatException e) {
                    return unkId();
                }
            }

            @Override
            public String decode(int[] ids) {
                return Arrays.stream(ids).filter(i -> i >= FIRST_WORD || i == unkId()).mapToObj(this::token)
                        .collect(Collectors.joining(" "));
            }

            @Override
            public String token(int id) {
                return switch (id) {
                    case PAD -> "<pad>";
                    case BOS -> "<bos>";
                    case EOS -> "<eos>";
                    case 3 -> "<unk>";
                    default -> "w" + id;
                };
            }

            @Override
            public int vocabSize() {
                return size;
            }

            @Override
            public int bosId() {
                return BOS;
            }

            @Override
            public int eosId() {
                return EOS;
            }

            @Override
            public int padId() {
                return PAD;
            }

            @Override
            public int unkId() {
                return 3;
            }

            @Override
            public void save(Path dir) {
                throw new UnsupportedOperationException("the benchmark's synthetic tokenizer is not saved");
            }
        };
    }

    static Gson gson() {
        return new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
                .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES).create();
    }

    static Options parse(String[] args) {
        Options o = Options.defaults();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                System.out.println("usage: LmBenchmark [--threads N] [--out DIR] [--seed S] [--vocab V] "
                        + "[--warmup N] [--steps N] [--runs N] [--profile true|false]");
                System.exit(0);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("LmBenchmark: option " + a + " needs a value");
            }
            String val = args[++i];
            o = switch (a) {
                case "--threads" -> o.withThreads(Integer.parseInt(val));
                case "--out" -> o.withOut(val.isEmpty() ? null : Path.of(val));
                case "--seed" -> o.withSeed(Long.parseLong(val));
                case "--vocab" -> o.withVocabSize(Integer.parseInt(val));
                case "--warmup" -> o.withTrainSteps(Integer.parseInt(val), o.trainSteps());
                case "--steps" -> o.withTrainSteps(o.warmupSteps(), Integer.parseInt(val));
                case "--runs" -> o.withGenRuns(Integer.parseInt(val));
                case "--profile" -> o.withProfile(Boolean.parseBoolean(val));
                default -> throw new IllegalArgumentException("LmBenchmark: unknown option " + a + " (try --help)");
            };
        }
        return o;
    }

    /** {@code n} prompts of BOS + {@code len-1} random words. */
    static List<int[]> prompts(int n, int len, int v, long seed) {
        Random rng = Seeds.derive(seed, "prompts");
        return IntStream.range(0, n).mapToObj(r -> {
            int[] p = new int[len];
            p[0] = BOS;
            for (int j = 1; j < len; j++) {
                p[j] = FIRST_WORD + rng.nextInt(v - FIRST_WORD);
            }
            return p;
        }).collect(Collectors.toList());
    }
}
