package dev.rlhf4j.cli;

import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.core.RunSize;
import dev.rlhf4j.loop.HackingLab;
import dev.rlhf4j.ppo.PpoConfig;
import dev.rlhf4j.world.Prompt;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.knowm.xchart.BitmapEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rlhf4j hacking-lab}: the same PPO run with β = 0 and with the KL penalty, side by side. */
@Command(name = "hacking-lab", mixinStandardHelpOptions = true,
        description = {"Reward hacking, shown: PPO from the same model against the same reward model twice, with β = 0",
            "and with the adaptive KL penalty. Without β the learned reward keeps rising while the true preference",
            "(the simulated human) falls and KL grows without bound. Writes each arm's PPO run, hacking.csv,",
            "hacking.png and hacking-kl.png to --out; without --reward it first trains a reward model into OUT/reward."})
public final class HackingLabCommand implements Callable<Integer> {

    @Option(names = "--reward", description = "a reward model folder (from rlhf4j reward); default: train one")
    Path reward;

    @Option(names = "--steps", description = "PPO iterations per arm (default: 60, quick mode 25)")
    Integer steps;

    @Option(names = "--init-kl-coef", paramLabel = "BETA", description = "the penalised arm's initial KL coefficient β:"
            + " its adaptive controller starts there and moves β towards the KL target (TRL's init_kl_coef;"
            + " default: ${DEFAULT-VALUE}); the other arm keeps β = 0")
    double initKlCoef = PpoConfig.defaults().initKlCoef();

    @Mixin
    ModelOptions model;

    @Mixin
    DataOptions data;

    @Mixin
    RunOptions run;

    @Mixin
    OutputOptions output = new OutputOptions("runs/hacking-lab");

    @Override
    public Integer call() throws Exception {
        Path out = output.out;
        Path rewardDir = RewardCommand.givenOrTrained(reward, out.resolve("reward"), model, data, run);
        List<Prompt> prompts = data.prompts();
        List<Prompt> train = prompts.stream().filter(p -> !p.heldOut()).toList();
        List<Prompt> heldOut = prompts.stream().filter(Prompt::heldOut).toList();
        // Small batches and a bolder learning rate make the policy move far in few iterations, so the
        // hacking shows within a minute or two on a CPU.
        PpoConfig base = PpoConfig.defaults().toBuilder().seed(run.seed).device(run.device).batchSize(16).miniBatchSize(8)
                .learningRate(3e-4f).steps(steps != null ? steps : RunSize.pick(60, 25)).build();
        Map<String, PpoConfig> arms = new LinkedHashMap<>();
        arms.put("beta=0", base.toBuilder().fixedKl(0).build());
        arms.put("adaptive beta", base.toBuilder().adaptiveKl(initKlCoef, base.target()).build());
        System.out.println("running " + arms.keySet() + ", " + base.steps() + " PPO iterations each");
        List<HackingLab.Arm> lab = HackingLab.run(model.dir(), rewardDir, train, heldOut, arms, out);
        var table = HackingLab.table(lab);
        AtomicFiles.write(out.resolve("hacking.csv"), o -> table.write().csv(o));
        AtomicFiles.write(out.resolve("hacking.png"),
                o -> BitmapEncoder.saveBitmap(HackingLab.chart(lab), o, BitmapEncoder.BitmapFormat.PNG));
        AtomicFiles.write(out.resolve("hacking-kl.png"),
                o -> BitmapEncoder.saveBitmap(HackingLab.klChart(lab), o, BitmapEncoder.BitmapFormat.PNG));
        System.out.println(TextTables.print(table));
        System.out.println("written to " + out);
        return 0;
    }
}
