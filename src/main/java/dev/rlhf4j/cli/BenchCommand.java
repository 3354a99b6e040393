package dev.rlhf4j.cli;

import dev.rlhf4j.bench.LmBenchmark;
import dev.rlhf4j.bench.PpoBenchmark;
import dev.rlhf4j.bench.PpoSoak;
import dev.rlhf4j.bench.WorkshopBenchmark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rlhf4j bench}: times the bundled model's training step and its generation with and without
 * the KV cache ({@link LmBenchmark}), prints a table and writes {@code rlhf4j.json}. With
 * {@code --ppo} it times one PPO iteration by phase instead ({@link PpoBenchmark},
 * {@code rlhf4j-ppo.json}); with {@code --soak N} it runs N PPO iterations and checks that the
 * models' array counts stay flat and resident memory does not grow ({@link PpoSoak},
 * {@code ppo-soak.csv}). With {@code --workshop} it puts the workshop server under 200 simulated
 * people on SQLite and PostgreSQL ({@link WorkshopBenchmark}, {@code workshop.json}). Compare with
 * PyTorch eager by running {@code bench/run.sh} (or {@code bench/run.sh --ppo}), which also runs the
 * Python twin.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark the bundled GPT: train-step time and generation tokens/s with and without "
                + "the KV cache; --ppo: one PPO iteration by phase; --soak N: N PPO iterations checking for leaks "
                + "--workshop: the workshop server under 200 simulated people on SQLite and PostgreSQL "
                + "(bench/run.sh [--ppo] also runs the PyTorch-eager twin and prints ratios).")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--threads", paramLabel = "N",
            description = "PyTorch intra-op and inter-op threads (default: available processors, ${DEFAULT-VALUE}).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--out", paramLabel = "DIR",
            description = "Folder for rlhf4j.json (--ppo: rlhf4j-ppo.json; --soak: ppo-soak.csv, ppo-soak.json) "
            + "(default: ${DEFAULT-VALUE}).")
    Path out = Path.of("runs", "bench");

    @Option(names = "--seed", description = "Seed for the model, data, prompts and sampler (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--steps", paramLabel = "N", description = "Timed training steps (default: ${DEFAULT-VALUE}).")
    int steps = 20;

    @Option(names = "--runs", paramLabel = "N",
            description = "Timed generation runs per mode (default: ${DEFAULT-VALUE}).")
    int runs = 3;

    @Option(names = "--profile",
            description = "Also profile 3 training steps and one cached generation (with --ppo: one PPO iteration) "
                    + "with libtorch's profiler (op counts, self time per op; chrome traces in --out).")
    boolean profile;

    @Option(names = "--ppo",
            description = "Time one PPO iteration (PpoTrainer.step on the bundled small model, PpoConfig's defaults, "
                    + "full-length responses) by phase instead; writes rlhf4j-ppo.json.")
    boolean ppo;

    @Option(names = "--iterations", paramLabel = "N",
            description = "With --ppo: timed PPO iterations, after 2 warm-up ones (default: ${DEFAULT-VALUE}).")
    int iterations = 7;

    @Option(names = "--soak", paramLabel = "N",
            description = "Run N PPO iterations (batch 16, minibatch 4) recording the models' NDManager array counts "
                    + "and the process's RSS after each; writes ppo-soak.csv and ppo-soak.json. For an RSS figure "
                    + "free of the Java heap filling up, run with JAVA_OPTS='-Xms512m -Xmx512m -XX:+AlwaysPreTouch'.")
    int soak;

    @Option(names = "--workshop",
            description = "Time the workshop server instead: 200 simulated people on 200 connections post rankings "
                    + "(after a warm-up) to an in-process server on an empty SQLite file and, with --workshop-pg, a fresh "
                    + "PostgreSQL schema, as fast as they can and paced at 200/s; prints rankings/s and the p50/p99 POST "
                    + "latency per backend; writes workshop.json.")
    boolean workshop;

    @Option(names = "--workshop-pg", paramLabel = "URL",
            description = "With --workshop: the PostgreSQL database, jdbc:postgresql://HOST[:PORT]/DB (default: "
                    + "$RLHF4J_TEST_PG_URL; none: SQLite only). Credentials from $RLHF4J_DB_USER/$RLHF4J_DB_PASSWORD, "
                    + "else $RLHF4J_TEST_PG_USER/$RLHF4J_TEST_PG_PASSWORD, else $PGUSER/$PGPASSWORD.")
    String workshopPg = System.getenv("RLHF4J_TEST_PG_URL");

    @Option(names = "--workshop-rankings", paramLabel = "N",
            description = "With --workshop: rankings of each timed room (as fast as possible, then paced at 200/s), after "
                    + "1,000 of warm-up (default: ${DEFAULT-VALUE}).")
    int workshopRankings = 4000;

    @Option(names = "--workshop-raters", paramLabel = "N",
            description = "With --workshop: simulated people, one connection each (default: ${DEFAULT-VALUE}).")
    int workshopRaters = 200;

    /** For picocli. */
    public BenchCommand() {}

    @Override
    public Integer call() {
        if (soak < 0 || (soak > 0 && soak < 2) || iterations < 1) {
            throw new IllegalArgumentException("bench: --soak needs at least 2 iterations and --iterations at least 1, "
                    + "found --soak " + soak + ", --iterations " + iterations);
        }
        // PyTorch reads its thread counts once, when the engine starts: set them before any DJL call
        LmBenchmark.presetThreads(threads);
        if (workshop) {
            return workshop();
        }
        if (!ppo && soak == 0) {
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
        }
        if (ppo) {
            PpoBenchmark.Options options = PpoBenchmark.Options.defaults()
                    .withThreads(threads)
                    .withOut(out)
                    .withSeed(seed)
                    .withIterations(PpoBenchmark.Options.defaults().warmup(), iterations)
                    .withProfile(profile);
            PpoBenchmark.Result result = PpoBenchmark.run(options);
            System.out.print(result.table());
            System.out.println("wrote " + out.resolve("rlhf4j-ppo.json"));
        }
        if (soak > 0) {
            PpoSoak.Options options = PpoSoak.Options.defaults()
                    .withThreads(threads)
                    .withOut(out)
                    .withSeed(seed)
                    .withIterations(soak, PpoSoak.defaultWarmup(soak));
            PpoSoak.Result result = PpoSoak.run(options);
            System.out.print(result.table());
            System.out.println("wrote " + result.csv() + " and " + out.resolve("ppo-soak.json"));
            if (result.error() != null || !result.countsFlat() || result.rssGrowthPct() > 5) {
                return 1;
            }
        }
        return 0;
    }

    private int workshop() {
        List<WorkshopBenchmark.Backend> backends = new ArrayList<>();
        backends.add(WorkshopBenchmark.sqlite(out.resolve("workshop-bench.db")));
        if (workshopPg != null && !workshopPg.isBlank()) {
            backends.add(WorkshopBenchmark.postgresql(workshopPg, env("RLHF4J_DB_USER", "RLHF4J_TEST_PG_USER", "PGUSER"),
                    env("RLHF4J_DB_PASSWORD", "RLHF4J_TEST_PG_PASSWORD", "PGPASSWORD")));
        } else {
            System.out.println("no PostgreSQL (--workshop-pg or $RLHF4J_TEST_PG_URL): SQLite only");
        }
        WorkshopBenchmark.Options options = WorkshopBenchmark.Options.defaults().withOut(out).withRaters(workshopRaters)
                .withRankings(workshopRankings, WorkshopBenchmark.Options.defaults().warmup()).withBackends(backends);
        WorkshopBenchmark.Result result = WorkshopBenchmark.run(options);
        System.out.print(result.table());
        System.out.println("wrote " + out.resolve("workshop.json"));
        return 0;
    }

    private static String env(String... names) {
        for (String n : names) {
            String v = System.getenv(n);
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
