package dev.rlhf4j.cli;

import ai.djl.Device;
import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.core.Devices;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.eval.Evaluation;
import dev.rlhf4j.feedback.FeedbackCharts;
import dev.rlhf4j.feedback.Matches;
import dev.rlhf4j.feedback.SimulatedRater;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.reward.RewardModel;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewPreference;
import dev.rlhf4j.world.ReviewWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.knowm.xchart.BitmapEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rlhf4j evaluate}: a tuned policy against the initial model, and an Arena-style leaderboard of checkpoints. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Judge a tuned policy on held-out prompts with the simulated human: its win rate against the",
            "initial model, and an Arena leaderboard (Elo and Bradley-Terry with bootstrap intervals) of the initial",
            "model, the policy, any --player NAME=DIR and a best-of-n baseline when --reward is given."})
public final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--policy", required = true, description = "the tuned checkpoint (e.g. runs/ppo/policy)")
    Path policy;

    @Option(names = "--checkpoint", description = "the initial model (default: ${DEFAULT-VALUE})")
    String checkpoint = PipelineCommand.DEFAULT_CHECKPOINT;

    @Option(names = "--player", description = "another checkpoint for the leaderboard, NAME=DIR (repeatable)")
    Map<String, Path> players = new LinkedHashMap<>();

    @Option(names = "--reward", description = "a reward model folder: adds a best-of-n player")
    Path reward;

    @Option(names = "--best-of", description = "n of the best-of-n baseline (default: ${DEFAULT-VALUE})")
    int bestOf = 4;

    @Option(names = "--samples-per-prompt", description = "samples of every held-out prompt (default: ${DEFAULT-VALUE})")
    int perPrompt = 4;

    @Option(names = "--bootstrap", description = "bootstrap rounds of the intervals (default: ${DEFAULT-VALUE})")
    int bootstrap = 100;

    @Option(names = "--seed", description = "sampling and bootstrap seed (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--out", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out = Path.of("runs", "evaluate");

    @Option(names = "--data", description = "review corpus folder with prompts.csv (default: ${DEFAULT-VALUE})")
    String data = "datasets/reviews";

    @Option(names = "--device", description = "auto, cpu or gpu (default: ${DEFAULT-VALUE})")
    String device = "auto";

    @Override
    public Integer call() throws Exception {
        Device dev = Devices.resolve(device);
        List<Prompt> heldOut = ReviewWorld.readPrompts(Home.resolve(data).resolve("prompts.csv")).stream()
                .filter(Prompt::heldOut).toList();
        List<Prompt> rows = new ArrayList<>();
        for (Prompt p : heldOut) {
            for (int j = 0; j < perPrompt; j++) {
                rows.add(p);
            }
        }
        Map<String, Path> all = new LinkedHashMap<>();
        all.put("initial", Home.resolve(checkpoint));
        all.put("policy", policy);
        all.putAll(players);
        Map<String, List<String>> samples = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : all.entrySet()) {
            try (LanguageModel lm = Checkpoint.load(e.getValue(), dev)) {
                samples.put(e.getKey(), Evaluation.samples(lm, heldOut, perPrompt, SamplingConfig.defaults(), seed));
            }
        }
        if (reward != null) {
            try (LanguageModel lm = Checkpoint.load(Home.resolve(checkpoint), dev); RewardModel rm = RewardModel.load(reward, dev)) {
                samples.put("best-of-" + bestOf, Evaluation.bestOfN(lm, rm, rows, bestOf, SamplingConfig.defaults(), seed));
            }
        }
        Files.createDirectories(out);
        ReviewPreference judge = ReviewPreference.defaults();
        Evaluation.WinRate win = Evaluation.winRate(samples.get("policy"), samples.get("initial"), heldOut, perPrompt, judge, seed);
        System.out.println("policy against the initial model: " + win);
        AtomicFiles.writeString(out.resolve("win_rate.json"), new com.google.gson.GsonBuilder().setPrettyPrinting()
                .create().toJson(win) + "\n");
        Evaluation.Arena arena = Evaluation.arena(samples, rows, SimulatedRater.standard(seed), bootstrap, seed);
        Matches.write(out.resolve("arena.csv"), arena.matches());
        arena.elo().write(out.resolve("leaderboard_elo.csv"));
        arena.bradleyTerry().write(out.resolve("leaderboard_bt.csv"));
        BitmapEncoder.saveBitmap(FeedbackCharts.leaderboard(arena.bradleyTerry()), out.resolve("leaderboard.png").toString(),
                BitmapEncoder.BitmapFormat.PNG);
        System.out.println(arena.bradleyTerry().table().printAll());
        System.out.println("written to " + out);
        return 0;
    }
}
