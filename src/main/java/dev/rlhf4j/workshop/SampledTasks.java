package dev.rlhf4j.workshop;

import ai.djl.Device;
import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.feedback.RankingTask;
import dev.rlhf4j.feedback.RankingTasks;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.Generation;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.Sampler;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.world.Prompt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Tasks sampled from a checkpoint: each task's K completions come from K different decoding
 * settings of the model (its <em>sources</em>), shuffled, so the room's rankings also say which
 * setting people prefer, the way Chatbot Arena's votes rate models. The model is loaded at the
 * first round that needs it and kept; a server that resumes a workshop from its database loads no
 * model until it opens a new round.
 */
public final class SampledTasks implements TaskMaker, AutoCloseable {

    /** A named decoding setting. */
    public record Source(String name, SamplingConfig sampling) {}

    /** The sources, in the order K takes them: the first K are used. */
    public static final List<Source> SOURCES = List.of(
            new Source("t=0.7", SamplingConfig.defaults().withTemperature(0.7f)),
            new Source("t=1.0", SamplingConfig.defaults()),
            new Source("t=1.4", SamplingConfig.defaults().withTemperature(1.4f)),
            new Source("top-k 5", SamplingConfig.defaults().withTopK(5)),
            new Source("top-p 0.9", SamplingConfig.defaults().withTopP(0.9f)),
            new Source("greedy", SamplingConfig.greedy()),
            new Source("t=0.4", SamplingConfig.defaults().withTemperature(0.4f)),
            new Source("t=2.0", SamplingConfig.defaults().withTemperature(2.0f)),
            new Source("top-k 20", SamplingConfig.defaults().withTopK(20)));

    private final Path checkpoint;
    private final String modelName;
    private final List<Prompt> prompts;
    private final Device device;
    private LanguageModel lm;

    /**
     * @param checkpoint the checkpoint folder
     * @param modelName the name recorded with the tasks (the folder's name, usually)
     * @param prompts the prompts to draw from (the training prompts of the corpus)
     */
    public SampledTasks(Path checkpoint, String modelName, List<Prompt> prompts, Device device) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no prompts to sample tasks for");
        }
        requireCheckpoint(checkpoint);
        this.checkpoint = checkpoint;
        this.modelName = modelName;
        this.prompts = List.copyOf(prompts);
        this.device = device;
    }

    /** Throws, naming what is missing, unless {@code dir} is a checkpoint folder. */
    static void requireCheckpoint(Path dir) {
        if (!Files.isRegularFile(dir.resolve(Checkpoint.CONFIG)) || !Files.isRegularFile(dir.resolve(Checkpoint.WEIGHTS))) {
            throw new IllegalArgumentException("not a model folder: " + dir + " (expected " + Checkpoint.CONFIG + " and "
                    + Checkpoint.WEIGHTS + ", as a policy written by PPO has)");
        }
    }

    /**
     * Later rounds of a workshop that began with {@code initial}'s samples: ranking rounds of a new
     * policy's samples on {@code train} prompts, and A/B rounds of a policy against {@code initial}
     * on {@code heldOut} prompts.
     */
    public static Policies policies(Path initial, String initialName, List<Prompt> train, List<Prompt> heldOut, Device device) {
        return new Policies() {
            @Override
            public TaskMaker sample(Path policy, String name) {
                return new SampledTasks(policy, name, train, device);
            }

            @Override
            public TaskMaker ab(Path policy, String name) {
                return new ABTasks(policy, initial, name + " vs " + initialName, heldOut, device);
            }
        };
    }

    /** The checkpoint the tasks are sampled from. */
    public Path checkpoint() {
        return checkpoint;
    }

    @Override
    public String model() {
        return modelName;
    }

    @Override
    public synchronized List<WorkshopTask> make(int round, int n, int k, long seed) {
        if (k < RankingTask.MIN_K || k > SOURCES.size()) {
            throw new IllegalArgumentException("--k: expected " + RankingTask.MIN_K + ".." + SOURCES.size() + ", found " + k);
        }
        if (lm == null) {
            lm = Checkpoint.load(checkpoint, device);
        }
        long roundSeed = Seeds.child(seed, "workshop-round-" + round);
        List<Prompt> chosen = RankingTasks.promptOrder(prompts, n, roundSeed);
        List<int[]> rows = new ArrayList<>();
        for (Prompt p : chosen) {
            rows.add(lm.encodePrompt(p.text()));
        }
        // texts.get(s).get(t): source s's completion of task t; one batch per source.
        List<List<String>> texts = new ArrayList<>();
        for (int s = 0; s < k; s++) {
            Random rng = Seeds.derive(roundSeed, "source-" + SOURCES.get(s).name());
            Generation g = Sampler.generate(lm, rows, SOURCES.get(s).sampling(), rng);
            texts.add(g.completionTexts(lm.tokenizer()));
        }
        Random shuffle = Seeds.derive(roundSeed, "card-order");
        List<WorkshopTask> tasks = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            List<Integer> order = new ArrayList<>();
            for (int s = 0; s < k; s++) {
                order.add(s);
            }
            Collections.shuffle(order, shuffle);
            List<String> completions = new ArrayList<>();
            List<String> sources = new ArrayList<>();
            for (int s : order) {
                completions.add(texts.get(s).get(t));
                sources.add(SOURCES.get(s).name());
            }
            Prompt p = chosen.get(t);
            tasks.add(new WorkshopTask(WorkshopTask.id(round, t + 1), round, p.id(), p.text(), modelName, completions, sources));
        }
        return tasks;
    }

    @Override
    public synchronized void close() {
        if (lm != null) {
            lm.close();
            lm = null;
        }
    }
}
