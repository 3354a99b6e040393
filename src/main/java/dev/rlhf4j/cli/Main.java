package dev.rlhf4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code rlhf4j} command line: every RLHF stage on the bundled defaults. Run {@code ./rlhf4j}
 * from the repository root (it builds on first use) or {@code rlhf4j COMMAND --help}.
 */
@Command(
        name = "rlhf4j",
        mixinStandardHelpOptions = true,
        version = "rlhf4j 0.1.0",
        description = "Reinforcement Learning from Human Feedback, taught by doing it, in Java.",
        subcommands = {
            PipelineCommand.class,
            DataCommand.class,
            SelectCommand.class,
            AdaptCommand.class,
            PretrainCommand.class,
            GenerateCommand.class,
            RankCommand.class,
            SimulateFeedbackCommand.class,
            EloCommand.class,
            BtCommand.class,
            RewardCommand.class,
            PpoCommand.class,
            EvaluateCommand.class,
            IterateCommand.class,
            HackingLabCommand.class,
            KernelCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit status (0 = success, 2 = bad input). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof java.io.UncheckedIOException) {
                cmd.getErr().println("error: " + e.getMessage());
                return 2;
            }
            if (e instanceof dev.rlhf4j.ppo.Diagnostics.DivergedException) {
                cmd.getErr().println("error: " + e.getMessage());
                return 3;
            }
            throw e;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
