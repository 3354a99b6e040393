package dev.rlhf4j.cli;

import dev.rlhf4j.bench.LmBenchmark;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rlhf4j bench}: times the bundled model's training step and its generation with and without
 * the KV cache ({@link LmBenchmark}), prints a table and writes {@code rlhf4j.json}. Compare with
 * PyTorch eager by running {@code bench/run.sh}, which also runs the Python twin.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark the bundled GPT: train-step time and generation tokens/s with and without "
                + "the KV cache (bench/run.sh also runs the PyTorch-eager twin and prints ratios).")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--threads", paramLabel = "N",
            description = "PyTorch intra-op and inter-op threads (default: available processors, ${DEFAULT-VALUE}).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--out", paramLabel = "DIR", description = "Folder for rlhf4j.json (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("runs", "bench");

    @Option(names = "--seed", description = "Seed for the model, data, prompts and sampler (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--steps", paramLabel = "N", description = "Timed training steps (default: ${DEFAULT-VALUE}).")
    int steps = 20;

    @Option(names = "--runs", paramLabel = "N",
            description = "Timed generation runs per mode (default: ${DEFAULT-VALUE}).")
    int runs = 3;

    @Option(names = "--profile",
            description = "Also profile 3 training steps and one cached generation with libtorch's profiler "
                    + "(op counts, self time per op; chrome traces in --out).")
    boolean profile;

    /** For picocli. */
    public BenchCommand() {}

    @Override
    public Integer call() {
        // PyTorch reads its thread counts once, when the engine starts: set them before any DJL call
        LmBenchmark.presetThreads(threads);
        LmBenchmark.Options options = LmBenchmark.Options.defaults()
                .withThreads(threads)
                .withOut(out)
                .withSeed(seed)
                .withTrainSteps(LmBenchmark.Options.defaults().warmupSteps(), steps)
                .withGenRuns(runs)
                .withProfile(profile);
        LmBenchmark.Result result = LmBenchmark.run(options);
        System.out.print(result.table());
        System.out.println("wrote " + out.resolve("rlhf4j.json"));
        return 0;
    }
}
