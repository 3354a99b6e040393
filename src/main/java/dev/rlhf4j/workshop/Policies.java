package dev.rlhf4j.workshop;

import java.nio.file.Path;

/** Where a server's later rounds come from once the room's rankings have trained a new policy. */
public interface Policies {

    /** Ranking rounds of {@code policy}'s samples; the records name {@code name} as their model. */
    TaskMaker sample(Path policy, String name);

    /**
     * A blind A/B round: for each held-out prompt one completion of {@code policy} and one of the
     * initial model, in random order (sources {@link ABTasks#POLICY} and {@link ABTasks#INITIAL}).
     */
    TaskMaker ab(Path policy, String name);
}
