package dev.rlhf4j.cli;

import dev.rlhf4j.feedback.ConsoleRater;
import dev.rlhf4j.feedback.FeedbackLog;
import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.feedback.RankingSession;
import dev.rlhf4j.feedback.RankingTask;
import dev.rlhf4j.feedback.RankingTasks;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.world.Prompt;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rlhf4j rank}: a person ranks sampled completions in the terminal; every answer is appended to the log at once. */
@Command(name = "rank", mixinStandardHelpOptions = true,
        description = {"Rank K sampled completions of N prompts yourself, best first (e.g. 2 1=4 3; s skips, q quits,",
            "? helps). Each answer is appended to --log at once, so nothing is lost if the session stops.",
            "Without --tasks the completions are sampled from --checkpoint (the stage-1 choice)."})
public final class RankCommand implements Callable<Integer> {

    @Option(names = "--log", required = true, description = "feedback log to append to (JSONL)")
    Path log;

    @Option(names = "--k", description = "completions per prompt, 2..9 (default: ${DEFAULT-VALUE})")
    int k = 4;

    @Option(names = "--prompts", description = "number of prompts to rank (default: ${DEFAULT-VALUE})")
    int prompts = 5;

    @Option(names = "--rater", description = "your name in the log (default: ${DEFAULT-VALUE})")
    String rater = "you";

    @Option(names = "--tasks", description = "rank the tasks of this feedback log instead of new samples (e.g. datasets/feedback/feedback.jsonl)")
    Path tasks;

    @Option(names = "--resume", negatable = true, description = "leave out tasks you already ranked in --log (default: ${DEFAULT-VALUE})")
    boolean resume = true;

    @Mixin
    ModelOptions model;

    @Mixin
    DataOptions data;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() {
        if (prompts < 1) {
            throw new IllegalArgumentException("--prompts: expected at least 1, found " + prompts);
        }
        List<Prompt> all = data.prompts();
        List<RankingTask> todo = tasks != null ? fromLog(all) : sample(all);
        RankingSession.Summary s = RankingSession.run(todo, ConsoleRater.stdio(rater), log, resume);
        System.out.println(s);
        return 0;
    }

    private List<RankingTask> sample(List<Prompt> all) {
        Path dir = model.dir();
        try (LanguageModel lm = Checkpoint.load(dir, run.resolveDevice())) {
            return RankingTasks.sample(lm, dir.getFileName().toString(), all.stream().filter(p -> !p.heldOut()).toList(),
                    prompts, k, SamplingConfig.defaults(), run.seed, null);
        }
    }

    /** The first --prompts distinct tasks of another log, to rank what the simulated raters ranked. */
    private List<RankingTask> fromLog(List<Prompt> all) {
        Map<String, Prompt> byId = new HashMap<>();
        all.forEach(p -> byId.put(p.id(), p));
        List<RankingTask> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (FeedbackRecord r : FeedbackLog.read(tasks).records()) {
            if (out.size() == prompts) {
                break;
            }
            if (seen.add(r.task())) {
                Prompt p = byId.get(r.promptId());
                if (p == null) {
                    throw new IllegalArgumentException(tasks + ": record " + r.id() + " names prompt " + r.promptId()
                            + ", which is not in " + data.dir().resolve("prompts.csv"));
                }
                out.add(new RankingTask(r.task(), p, r.completions(), r.model()));
            }
        }
        return out;
    }
}
