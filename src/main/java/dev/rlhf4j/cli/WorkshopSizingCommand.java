package dev.rlhf4j.cli;

import dev.rlhf4j.loop.WorkshopSizing;
import dev.rlhf4j.loop.WorkshopTraining;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rlhf4j workshop sizing}: how many rankings a room needs, measured. */
@Command(name = "sizing", mixinStandardHelpOptions = true,
        description = {"How many rankings does a room need? Simulated people rank workshop-like tasks; a round is trained on",
            "the first N of them for each --sizes N: the reward model's validation accuracy and the tuned policy's",
            "win rate (judged by the simulated human). Writes sizing.csv and one round folder per size."})
public final class WorkshopSizingCommand implements Callable<Integer> {

    @Option(names = "--sizes", split = ",", description = "numbers of rankings (default: ${DEFAULT-VALUE})")
    List<Integer> sizes = List.of(50, 100, 200, 400, 800);

    @Option(names = "--people", description = "simulated people in the room (default: ${DEFAULT-VALUE})")
    int people = 20;

    @Option(names = "--k", description = "completions per task (default: ${DEFAULT-VALUE})")
    int k = 4;

    @Mixin
    ModelOptions model;

    @Mixin
    DataOptions data;

    @Mixin
    RunOptions run;

    @Mixin
    OutputOptions output = new OutputOptions("runs/workshop/sizing");

    @Override
    public Integer call() {
        WorkshopTraining.Settings d = WorkshopTraining.Settings.defaults(run.seed);
        WorkshopTraining.Settings s = new WorkshopTraining.Settings(model.dir(), null, false, data.dir(), run.seed, run.device,
                d.reward(), d.ppo()).withDevice(run.device);
        List<WorkshopSizing.Row> rows;
        try (PipelineCommand.Printer printer = new PipelineCommand.Printer()) {
            rows = WorkshopSizing.run(sizes, people, k, s, output.out, printer);
        }
        System.out.println(WorkshopSizing.table(rows).print());
        System.out.println("written to " + output.out.resolve("sizing.csv"));
        return 0;
    }
}
