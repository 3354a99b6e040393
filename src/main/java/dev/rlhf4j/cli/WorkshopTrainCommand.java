package dev.rlhf4j.cli;

import dev.rlhf4j.loop.WorkshopTraining;
import dev.rlhf4j.workshop.FeedbackStore;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rlhf4j workshop train}: the room's rankings train a reward model, then PPO. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train on what the room has ranked so far: a reward model on the workshop's rankings, then PPO from",
            "the policy the room ranked last, with the KL penalty to the initial model. Reads the database while the",
            "server runs. Writes policy/ (the new policy), reward/, ppo/, raters.csv and summary.json."})
public final class WorkshopTrainCommand implements Callable<Integer> {

    @Mixin
    DatabaseOptions database;

    @Option(names = "--code", description = "the workshop with this join code (default: the newest in the store)")
    String code;

    @Option(names = "--from", description = "the policy PPO starts from (default: the one the room's last ranking round sampled)")
    Path from;

    @Option(names = "--with-bundled", description = "also train the reward model on the bundled simulated feedback")
    boolean withBundled;

    @Mixin
    ModelOptions model;

    @Mixin
    DataOptions data;

    @Mixin
    RunOptions run;

    @Mixin
    OutputOptions output = new OutputOptions("runs/workshop/train");

    @Override
    public Integer call() {
        WorkshopTraining.Settings s = new WorkshopTraining.Settings(model.dir(), from, withBundled, data.dir(), run.seed, run.device,
                WorkshopTraining.Settings.defaults(run.seed).reward(), WorkshopTraining.Settings.defaults(run.seed).ppo())
                .withDevice(run.device);
        WorkshopTraining.Result r;
        try (FeedbackStore store = FeedbackStore.open(database.url(), database.user(), database.password());
                PipelineCommand.Printer printer = new PipelineCommand.Printer()) {
            String workshop = code == null ? null : store.findWorkshop(code).orElseThrow(() -> new IllegalArgumentException(
                    "--code: no workshop with code " + code + " in " + database.printable())).id();
            r = WorkshopTraining.train(store, workshop, s, output.out, printer);
        }
        System.out.printf("%d rankings by %d people; reward model validation accuracy %.3f; people agree on %s of pairs%n",
                r.rankings(), r.raters(), r.valAccuracy(),
                Double.isNaN(r.raterAgreement()) ? "(no task ranked twice)" : String.format("%.0f%%", 100 * r.raterAgreement()));
        System.out.printf("PPO from %s: win rate vs the initial model %.2f [%.2f, %.2f] (simulated human), KL %.3f%n",
                r.start(), r.winRate().rate(), r.winRate().lower(), r.winRate().upper(), r.klEnd());
        System.out.printf("took %.0f s (reward model %.0f s, PPO %.0f s)%n", r.rewardSeconds() + r.ppoSeconds(),
                r.rewardSeconds(), r.ppoSeconds());
        System.out.println("new policy: " + r.policy() + "   next: rlhf4j workshop round --url URL --policy " + r.policy());
        return 0;
    }
}
