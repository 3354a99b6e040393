package dev.rlhf4j.workshop;

import java.util.ArrayList;
import java.util.List;

/** Makes the ranking tasks of a workshop round. */
public interface TaskMaker {

    /** The name of the model whose completions are ranked (recorded with every task). */
    String model();

    /** The kind of round it makes: {@code rank} (K completions of one model) or {@code ab} (a blind A/B pair). */
    default String kind() {
        return FeedbackStore.Round.RANK;
    }

    /**
     * The tasks of round {@code round}: {@code n} tasks of {@code k} completions, ids from
     * {@link WorkshopTask#id}; the same arguments give the same tasks.
     */
    List<WorkshopTask> make(int round, int n, int k, long seed);

    /**
     * Tasks cut from fixed material, for tests and demos without a model: task {@code i} takes
     * prompt {@code i mod |prompts|} and the completions {@code texts[(i + j) mod |texts|]},
     * source {@code "s" + j} for completion {@code j}.
     *
     * @param prompts pairs of prompt id and prompt text
     */
    static TaskMaker fixed(String model, List<String[]> prompts, List<String> texts) {
        return new TaskMaker() {
            @Override
            public String model() {
                return model;
            }

            @Override
            public List<WorkshopTask> make(int round, int n, int k, long seed) {
                List<WorkshopTask> tasks = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    String[] p = prompts.get(i % prompts.size());
                    List<String> completions = new ArrayList<>();
                    List<String> sources = new ArrayList<>();
                    for (int j = 0; j < k; j++) {
                        completions.add(texts.get((i + j + round) % texts.size()));
                        sources.add("s" + j);
                    }
                    tasks.add(new WorkshopTask(WorkshopTask.id(round, i + 1), round, p[0], p[1], model, completions, sources));
                }
                return tasks;
            }
        };
    }
}
