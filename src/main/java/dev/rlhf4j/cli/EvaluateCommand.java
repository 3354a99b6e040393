package dev.rlhf4j.cli;

import dev.rlhf4j.eval.EvaluationRun;
import dev.rlhf4j.world.Prompt;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rlhf4j evaluate}: a tuned policy against the initial model, and an Arena-style leaderboard of checkpoints. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Judge a tuned policy on held-out prompts with the simulated human: its win rate against the",
            "initial model (--checkpoint), and an Arena leaderboard (Elo and Bradley-Terry with bootstrap intervals)",
            "of the initial model, the policy, any --player NAME=DIR and a best-of-n baseline when --reward is given."})
public final class EvaluateCommand implements Callable<Integer> {

    /** The library's defaults; the seed is --seed's. */
    private static final EvaluationRun.Settings DEFAULTS = EvaluationRun.Settings.defaults(1);

    @Option(names = "--policy", required = true, description = "the tuned checkpoint (e.g. runs/ppo/policy)")
    Path policy;

    @Option(names = "--player", description = "another checkpoint for the leaderboard, NAME=DIR (repeatable)")
    Map<String, Path> players = new LinkedHashMap<>();

    @Option(names = "--reward", description = "a reward model folder: adds a best-of-n player")
    Path reward;

    @Option(names = "--best-of", description = "n of the best-of-n baseline (default: ${DEFAULT-VALUE})")
    int bestOf = DEFAULTS.bestOf();

    @Option(names = "--samples-per-prompt", description = "samples of every held-out prompt (default: ${DEFAULT-VALUE})")
    int perPrompt = DEFAULTS.samplesPerPrompt();

    @Option(names = "--bootstrap", description = "bootstrap rounds of the intervals (default: ${DEFAULT-VALUE})")
    int bootstrap = DEFAULTS.bootstrap();

    @Mixin
    ModelOptions model;

    @Mixin
    DataOptions data;

    @Mixin
    RunOptions run;

    @Mixin
    OutputOptions output = new OutputOptions("runs/evaluate");

    @Override
    public Integer call() {
        EvaluationRun.Settings settings = new EvaluationRun.Settings(perPrompt, bestOf, bootstrap, run.seed);
        List<Prompt> heldOut = data.prompts().stream().filter(Prompt::heldOut).toList();
        EvaluationRun.Result r = EvaluationRun.run(model.dir(), policy, players, reward, heldOut, settings,
                run.resolveDevice(), output.out);
        print(r);
        System.out.println("written to " + output.out);
        return 0;
    }

    /** Prints the policy's win rate and the Arena's Bradley–Terry leaderboard. */
    static void print(EvaluationRun.Result r) {
        System.out.println("policy against the initial model: " + r.winRate());
        System.out.println(r.arena().bradleyTerry().table().printAll());
    }
}
