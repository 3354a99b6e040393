package dev.rlhf4j.cli;

import dev.rlhf4j.core.Home;
import dev.rlhf4j.feedback.FeedbackLog;
import dev.rlhf4j.loop.ComparisonReport;
import dev.rlhf4j.loop.MethodComparison;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rlhf4j compare}: PPO, DPO and GRPO from the same model on the same feedback, judged the same way. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"PPO, DPO and GRPO from --checkpoint on the same feedback: one reward model for PPO and GRPO, DPO on the",
            "log's pairs. Each tuned policy is judged on the held-out prompts by the simulated human (win rate over the",
            "initial model and over each other, true preference), with its KL to the initial model, distinct-1/2, wall",
            "time and peak memory. Writes each run, samples.csv, comparison.csv, summary.json, true-preference.png and",
            "frontier.png to --out and prints the table."})
public final class CompareCommand implements Callable<Integer> {

    @Option(names = "--feedback", description = "feedback log, JSONL (default: ${DEFAULT-VALUE})")
    String feedback = FeedbackLog.BUNDLED;

    @Option(names = "--ppo-steps", description = "PPO iterations (default: 100, quick mode 40)")
    Integer ppoSteps;

    @Option(names = "--grpo-steps", description = "GRPO iterations (default: 60, quick mode 25)")
    Integer grpoSteps;

    @Option(names = "--dpo-max-pairs", description = "DPO uses at most N training pairs, a seeded sample; 0 = all "
            + "(default: all, quick mode 1024)")
    Integer dpoMaxPairs;

    @Mixin
    ModelOptions model;

    @Mixin
    DataOptions data;

    @Mixin
    RunOptions run;

    @Mixin
    OutputOptions output = new OutputOptions("runs/compare");

    @Override
    public Integer call() {
        MethodComparison.Settings d = MethodComparison.Settings.defaults(run.seed, run.device);
        MethodComparison.Settings s = new MethodComparison.Settings(model.dir(), data.dir(), Home.resolve(feedback), run.seed,
                run.device, d.samplesPerPrompt(), d.reward(),
                ppoSteps == null ? d.ppo() : d.ppo().toBuilder().steps(ppoSteps).build(),
                dpoMaxPairs == null ? d.dpo() : d.dpo().toBuilder().maxPairs(dpoMaxPairs).build(),
                grpoSteps == null ? d.grpo() : d.grpo().toBuilder().steps(grpoSteps).build());
        Progress[] bar = new Progress[1];
        MethodComparison.Result r;
        try {
            r = MethodComparison.run(s, output.out, new MethodComparison.Listener() {
                @Override
                public void stage(String what) {
                    close(bar);
                    System.out.println("== " + what);
                }

                @Override
                public void step(String method, int step, int steps, java.util.Map<String, Double> metrics) {
                    if (bar[0] == null) {
                        bar[0] = new Progress(method, steps);
                    }
                    bar[0].update(step, "");
                }
            });
        } finally {
            close(bar);
        }
        System.out.println(TextTables.print(ComparisonReport.table(r)));
        System.out.printf(Locale.ROOT, "%d held-out comparisons per pair; reward model (shared by PPO and GRPO) %.0f s; "
                + "whole comparison %.0f s%n", r.methods().get(0).vsInitial().comparisons(), r.rewardSeconds(), r.seconds());
        System.out.println("written to " + output.out);
        return 0;
    }

    private static void close(Progress[] bar) {
        if (bar[0] != null) {
            bar[0].close();
            bar[0] = null;
        }
    }
}
