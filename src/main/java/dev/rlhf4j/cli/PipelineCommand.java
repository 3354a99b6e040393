package dev.rlhf4j.cli;

import dev.rlhf4j.loop.Pipeline;
import dev.rlhf4j.reward.RewardTrainer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code rlhf4j pipeline}: the main job on the bundled defaults, every stage into one report
 * folder ({@link Pipeline}): (1) select among the bundled pretrained models by a stated rule (or
 * pretrain one when none is there); (2) feedback — the bundled rankings of the chosen model's
 * samples, or new simulated ones; (3) a reward model; (4) PPO against it; then the tuned policy
 * judged against the initial model and a best-of-4 baseline. {@code index.html} summarises it with
 * every chart.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"Run the RLHF pipeline on the bundled defaults and write a report folder.",
            "1 select a pretrained model, 2 feedback, 3 reward model, 4 PPO, then evaluation; index.html sums it up.",
            "With another --checkpoint, that model is used (or pretrained into OUT/pretrained when the folder has none)."})
public final class PipelineCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Mixin
    DataOptions data;

    @Mixin
    RunOptions run;

    @Mixin
    OutputOptions output = new OutputOptions("runs/pipeline");

    @Override
    public Integer call() {
        long start = System.nanoTime();
        Pipeline.Settings settings = Pipeline.Settings.defaults(model.dir(), data.dir(), run.seed, run.device);
        Pipeline.Result r;
        try (Printer printer = new Printer()) {
            r = Pipeline.run(settings, output.out, printer);
        }
        System.out.println("== results");
        if (r.selection() != null) {
            SelectCommand.print(r.selection());
        }
        RewardCommand.print(r.reward());
        PpoCommand.printTraining(r.ppo()); // the win rate once, the evaluation's (PipelineReport says why)
        EvaluateCommand.print(r.evaluation());
        Path html = PipelineReport.write(output.out);
        System.out.println("report written to " + html);
        System.out.println("pipeline finished in " + PipelineReport.clock((System.nanoTime() - start) / 1e9) + " (wall time)");
        return 0;
    }

    /** Prints each stage's heading and shows a progress bar for the long ones. */
    static final class Printer implements Pipeline.Listener, AutoCloseable {

        private Progress bar;

        @Override
        public void stage(String what) {
            close();
            System.out.println("== " + what);
        }

        @Override
        public void pretrainStep(int step, int maxSteps, Map<String, Double> metrics) {
            bar("pretrain", maxSteps).update(step, PretrainCommand.status(metrics));
        }

        @Override
        public void rankingsSampled(int done, int total) {
            bar("sampling", total).update(done, "");
        }

        @Override
        public void rewardEpoch(RewardTrainer.Epoch epoch, int epochs) {
            bar("reward", epochs).update(epoch.epoch(), RewardCommand.status(epoch));
        }

        @Override
        public void ppoStep(int iteration, int steps, Map<String, Double> metrics) {
            bar("ppo", steps).update(iteration, PpoCommand.status(metrics));
        }

        /** The stage's bar, opened on its first update. */
        private Progress bar(String task, int max) {
            if (bar == null) {
                bar = new Progress(task, max);
            }
            return bar;
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }
}
