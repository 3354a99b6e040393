package dev.rlhf4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rlhf4j workshop}: a room ranks in the browser (serve), simulated people over HTTP (simulate), the rankings out (export). */
@Command(name = "workshop", mixinStandardHelpOptions = true,
        description = {"People in the loop: serve a workshop where a room ranks sampled completions in the browser,",
            "play it with simulated people, and export what was ranked as the feedback log."},
        subcommands = {WorkshopServeCommand.class, WorkshopTrainCommand.class, WorkshopRoundCommand.class, WorkshopSizingCommand.class, WorkshopSimulateCommand.class, WorkshopExportCommand.class,
            CommandLine.HelpCommand.class})
public final class WorkshopCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
