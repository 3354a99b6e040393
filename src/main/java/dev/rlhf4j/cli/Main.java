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
            DpoCommand.class,
            GrpoCommand.class,
            CompareCommand.class,
            EvaluateCommand.class,
            IterateCommand.class,
            HackingLabCommand.class,
            KernelCommand.class,
            WorkshopCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** How long Ctrl-C waits for the running step to finish before the JVM ends anyway. */
    static final long CTRL_C_WAIT_MILLIS = 30_000;
    /** How long Ctrl-C waits for a command that is not in the library's loops (e.g. one reading the keyboard). */
    static final long CTRL_C_GRACE_MILLIS = 1_000;

    /**
     * Runs the command line and exits with its status. Ctrl-C (SIGINT, or SIGTERM) runs a shutdown
     * hook that interrupts this thread and waits for it: the library loops finish the step they are
     * in, stop with an {@code InterruptedRunException} whose message is printed, and close their
     * models, so checkpoints and logs stay whole. The hook waits at most {@link #CTRL_C_WAIT_MILLIS}
     * while the thread is in the library's code, else {@link #CTRL_C_GRACE_MILLIS} (a command
     * blocked on the keyboard, which an interrupt does not wake, ends as it did before).
     */
    public static void main(String[] args) {
        Thread work = Thread.currentThread();
        Thread hook = new Thread(() -> {
            work.interrupt();
            long started = System.currentTimeMillis();
            try {
                while (work.isAlive()) {
                    long waited = System.currentTimeMillis() - started;
                    if (waited >= CTRL_C_WAIT_MILLIS || (waited >= CTRL_C_GRACE_MILLIS && !inLibrary(work))) {
                        break;
                    }
                    work.join(20);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "rlhf4j-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
        int status = run(args);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            return; // Ctrl-C: the JVM is shutting down and System.exit would block; returning lets the hook end
        }
        System.exit(status);
    }

    /** Whether {@code t} runs the library's code (training, sampling), not only the command line's or the raters'. */
    static boolean inLibrary(Thread t) {
        for (StackTraceElement frame : t.getStackTrace()) {
            String c = frame.getClassName();
            if (c.startsWith("dev.rlhf4j.") && !c.startsWith("dev.rlhf4j.cli.") && !c.startsWith("dev.rlhf4j.feedback.")) {
                return true;
            }
        }
        return false;
    }

    /** Runs the command line and returns its exit status (0 = success, 2 = bad input). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof java.io.UncheckedIOException
                    || e instanceof dev.rlhf4j.workshop.StoreUnavailableException) {
                cmd.getErr().println("error: " + e.getMessage());
                return 2;
            }
            if (e instanceof dev.rlhf4j.core.InterruptedRunException) {
                cmd.getErr().println("rlhf4j: " + e.getMessage());
                return 130; // the shell's status for a command ended by Ctrl-C (128 + SIGINT)
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
