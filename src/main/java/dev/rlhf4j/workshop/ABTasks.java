package dev.rlhf4j.workshop;

import ai.djl.Device;
import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.feedback.RankingTasks;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.Sampler;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.world.Prompt;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A blind A/B round: per held-out prompt, one completion of the tuned policy and one of the initial
 * model, both sampled at temperature 1, shown in random order. Its rankings are the room's verdict
 * on the tuning: the policy's human win rate ({@link WorkshopVerdict}).
 */
public final class ABTasks implements TaskMaker, AutoCloseable {

    /** The source of the tuned policy's completion. */
    public static final String POLICY = "policy";
    /** The source of the initial model's completion. */
    public static final String INITIAL = "initial";

    private final Path policy;
    private final Path initial;
    private final String name;
    private final List<Prompt> heldOut;
    private final Device device;

    /**
     * @param name the name the records give the round's model ({@code "<policy> vs <initial>"})
     * @param heldOut the prompts to judge on (held out from training)
     */
    public ABTasks(Path policy, Path initial, String name, List<Prompt> heldOut, Device device) {
        SampledTasks.requireCheckpoint(policy);
        SampledTasks.requireCheckpoint(initial);
        if (heldOut.isEmpty()) {
            throw new IllegalArgumentException("no held-out prompts to judge the policy on");
        }
        this.policy = policy;
        this.initial = initial;
        this.name = name;
        this.heldOut = List.copyOf(heldOut);
        this.device = device;
    }

    @Override
    public String model() {
        return name;
    }

    @Override
    public String kind() {
        return FeedbackStore.Round.AB;
    }

    /** {@code n} pairs; {@code k} is ignored (always 2). */
    @Override
    public List<WorkshopTask> make(int round, int n, int k, long seed) {
        long roundSeed = Seeds.child(seed, "workshop-ab-round-" + round);
        List<Prompt> chosen = RankingTasks.promptOrder(heldOut, n, roundSeed);
        List<String> tuned = sample(policy, chosen, Seeds.derive(roundSeed, POLICY));
        List<String> base = sample(initial, chosen, Seeds.derive(roundSeed, INITIAL));
        Random order = Seeds.derive(roundSeed, "card-order");
        List<WorkshopTask> tasks = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            boolean policyFirst = order.nextBoolean();
            Prompt p = chosen.get(t);
            tasks.add(new WorkshopTask(WorkshopTask.id(round, t + 1), round, p.id(), p.text(), name,
                    policyFirst ? List.of(tuned.get(t), base.get(t)) : List.of(base.get(t), tuned.get(t)),
                    policyFirst ? List.of(POLICY, INITIAL) : List.of(INITIAL, POLICY)));
        }
        return tasks;
    }

    private List<String> sample(Path checkpoint, List<Prompt> prompts, Random rng) {
        try (LanguageModel lm = Checkpoint.load(checkpoint, device)) {
            List<int[]> rows = new ArrayList<>();
            for (Prompt p : prompts) {
                rows.add(lm.encodePrompt(p.text()));
            }
            return Sampler.generate(lm, rows, SamplingConfig.defaults(), rng).completionTexts(lm.tokenizer());
        }
    }

    @Override
    public void close() {
        // Models are loaded per round and closed at once.
    }
}
