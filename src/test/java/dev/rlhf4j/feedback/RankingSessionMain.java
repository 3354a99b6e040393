package dev.rlhf4j.feedback;

import dev.rlhf4j.world.Aspect;
import dev.rlhf4j.world.Prompt;
import java.nio.file.Path;
import java.util.List;

/**
 * A person ranking four fixed tasks on {@code System.in}, resuming the log given as the only
 * argument: the separate process {@link RankingSessionTest} kills with {@code kill -9}.
 */
public final class RankingSessionMain {

    /** The tasks, each with three completions. */
    static final List<RankingTask> TASKS = List.of(
            task("t0001", "p001", "the pasta was", "cold", "rich and warm", "fine"),
            task("t0002", "p002", "the soup was", "salty", "hot", "perfect"),
            task("t0003", "p003", "the bread was", "stale", "fresh", "ok"),
            task("t0004", "p004", "dessert was", "too sweet", "lovely", "small"));

    private RankingSessionMain() {}

    private static RankingTask task(String id, String promptId, String prompt, String... completions) {
        return new RankingTask(id, new Prompt(promptId, prompt, Aspect.FOOD, false), List.of(completions), "small");
    }

    /** Runs the session on {@code args[0]} and prints its summary. */
    public static void main(String[] args) {
        RankingSession.Summary s = RankingSession.run(TASKS, ConsoleRater.stdio("kim"), Path.of(args[0]), true);
        System.out.println("summary: " + s);
    }
}
