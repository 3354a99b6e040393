package dev.rlhf4j.cli;

import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.core.Devices;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.feedback.FeedbackLog;
import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.feedback.Match;
import dev.rlhf4j.feedback.Matches;
import dev.rlhf4j.feedback.RankingTask;
import dev.rlhf4j.feedback.RankingTasks;
import dev.rlhf4j.feedback.SimulatedFeedback;
import dev.rlhf4j.feedback.SimulatedRater;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.pretrain.ModelCatalog;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rlhf4j simulate-feedback}: rankings of a model's samples by simulated raters, and an arena of the bundled models. */
@Command(name = "simulate-feedback", mixinStandardHelpOptions = true,
        description = {"Sample K completions for N train prompts from a model and have simulated raters rank them.",
            "Writes feedback.jsonl (the feedback log), pairs.jsonl (TRL's prompt/chosen/rejected), pairs.csv,",
            "and models.csv: matches between the bundled models judged by the simulated human (for elo and bt)."})
public final class SimulateFeedbackCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", description = "the model that samples (default: ${DEFAULT-VALUE}, the stage-1 choice)")
    String checkpoint = PipelineCommand.DEFAULT_CHECKPOINT;

    @Option(names = "--rankings", description = "number of ranking tasks (default: ${DEFAULT-VALUE})")
    int rankings = 1024;

    @Option(names = "--k", description = "completions per task, 2..9 (default: ${DEFAULT-VALUE})")
    int k = 4;

    @Option(names = "--overlap", description = "tasks ranked by every rater of the panel, for agreement (default: ${DEFAULT-VALUE})")
    int overlap = 64;

    @Option(names = "--temperature", description = "the raters' Bradley-Terry noise T (default: ${DEFAULT-VALUE})")
    double temperature = SimulatedRater.DEFAULT_TEMPERATURE;

    @Option(names = "--tie-margin", description = "noisy utilities closer than this tie (default: ${DEFAULT-VALUE})")
    double tieMargin = SimulatedRater.DEFAULT_TIE_MARGIN;

    @Option(names = "--arena-prompts", description = "prompts of the bundled-model arena, 0 = none (default: ${DEFAULT-VALUE})")
    int arenaPrompts = 300;

    @Option(names = "--time", description = "timestamp of every record, ISO-8601 (default: now)")
    String time;

    @Option(names = "--seed", description = "seed of prompts, samples and rater noise (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--out", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out = Path.of("datasets", "feedback");

    @Option(names = "--data", description = "review corpus folder with prompts.csv (default: ${DEFAULT-VALUE})")
    String data = "datasets/reviews";

    @Option(names = "--device", description = "auto, cpu or gpu (default: ${DEFAULT-VALUE})")
    String device = "auto";

    @Override
    public Integer call() throws Exception {
        if (rankings < 1) {
            throw new IllegalArgumentException("--rankings: expected at least 1, found " + rankings);
        }
        Clock clock = Clock.systemUTC();
        if (time != null) {
            try {
                clock = Clock.fixed(Instant.parse(time), ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("--time: expected an ISO-8601 instant such as 2026-11-29T00:00:00Z, found " + time);
            }
        }
        List<Prompt> prompts = ReviewWorld.readPrompts(Home.resolve(data).resolve("prompts.csv")).stream()
                .filter(p -> !p.heldOut()).toList();
        Path dir = Home.resolve(checkpoint);
        String modelName = dir.getFileName().toString();
        List<SimulatedRater> panel = SimulatedRater.panel(seed).stream()
                .map(r -> new SimulatedRater(r.name(), r.preference(), temperature, tieMargin, seed)).toList();
        List<FeedbackRecord> records;
        try (LanguageModel lm = Checkpoint.load(dir, Devices.resolve(device));
                Progress progress = new Progress("sampling", rankings)) {
            List<RankingTask> tasks = RankingTasks.sample(lm, modelName, prompts, rankings, k, SamplingConfig.defaults(),
                    seed, done -> progress.update(done, ""));
            // every task by the standard rater; the first `overlap` also by the rest of the panel
            records = SimulatedFeedback.collect(tasks, List.of(panel.get(0)), 0, clock);
            List<RankingTask> shared = tasks.subList(0, Math.min(overlap, tasks.size()));
            List<FeedbackRecord> more = SimulatedFeedback.collect(shared, panel.subList(1, panel.size()),
                    shared.size(), clock);
            records = renumber(records, more);
        }
        Files.createDirectories(out);
        StringBuilder jsonl = new StringBuilder();
        for (FeedbackRecord r : records) {
            jsonl.append(FeedbackLog.toJson(r)).append('\n');
        }
        AtomicFiles.writeString(out.resolve("feedback.jsonl"), jsonl.toString());
        FeedbackLog.writeTrlPairs(records, out.resolve("pairs.jsonl"));
        FeedbackLog.writePairsCsv(records, out.resolve("pairs.csv"));
        System.out.printf("%d rankings of %d tasks (K=%d) by %d simulated raters -> %s%n", records.size(), rankings, k,
                panel.size(), out.resolve("feedback.jsonl"));
        if (arenaPrompts > 0) {
            List<Match> matches = arena(prompts, panel.get(0));
            Matches.write(out.resolve("models.csv"), matches);
            System.out.printf("%d matches between the bundled models -> %s%n", matches.size(), out.resolve("models.csv"));
        }
        return 0;
    }

    /** The standard rater's records, then the panel's, numbered f00001... in that order. */
    private static List<FeedbackRecord> renumber(List<FeedbackRecord> first, List<FeedbackRecord> second) {
        List<FeedbackRecord> all = new java.util.ArrayList<>();
        for (List<FeedbackRecord> part : List.of(first, second)) {
            for (FeedbackRecord r : part) {
                all.add(new FeedbackRecord(String.format("f%05d", all.size() + 1), r.task(), r.promptId(), r.prompt(),
                        r.model(), r.completions(), r.ranking(), r.rater(), r.source(), r.time()));
            }
        }
        return all;
    }

    private List<Match> arena(List<Prompt> prompts, SimulatedRater rater) {
        Map<String, LanguageModel> models = new LinkedHashMap<>();
        try {
            for (ModelCatalog.Candidate c : ModelCatalog.bundled()) {
                models.put(c.name(), c.load(Devices.resolve(device)));
            }
            return SimulatedFeedback.arena(models, prompts, arenaPrompts, rater, SamplingConfig.defaults(), seed);
        } finally {
            models.values().forEach(LanguageModel::close);
        }
    }
}
