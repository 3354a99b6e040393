package dev.rlhf4j.cli;

import dev.rlhf4j.feedback.FeedbackLog;
import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.feedback.Match;
import dev.rlhf4j.feedback.Matches;
import dev.rlhf4j.feedback.SimulatedFeedback;
import dev.rlhf4j.feedback.SimulatedRater;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.pretrain.ModelCatalog;
import dev.rlhf4j.world.Prompt;
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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rlhf4j simulate-feedback}: rankings of a model's samples by simulated raters, and an arena of the bundled models. */
@Command(name = "simulate-feedback", mixinStandardHelpOptions = true,
        description = {"Sample K completions for N train prompts from --checkpoint and have simulated raters rank them.",
            "Writes feedback.jsonl (the feedback log), pairs.jsonl (TRL's prompt/chosen/rejected), pairs.csv,",
            "and models.csv: matches between the bundled models judged by the simulated human (for elo and bt)."})
public final class SimulateFeedbackCommand implements Callable<Integer> {

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

    @Mixin
    ModelOptions model;

    @Mixin
    DataOptions data;

    @Mixin
    RunOptions run;

    @Mixin
    OutputOptions output = new OutputOptions("datasets/feedback");

    @Override
    public Integer call() {
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
        List<Prompt> prompts = data.prompts().stream().filter(p -> !p.heldOut()).toList();
        Path dir = model.dir();
        List<SimulatedRater> panel = SimulatedRater.panel(run.seed).stream()
                .map(r -> new SimulatedRater(r.name(), r.preference(), temperature, tieMargin, run.seed)).toList();
        List<FeedbackRecord> records;
        try (LanguageModel lm = Checkpoint.load(dir, run.resolveDevice());
                Progress progress = new Progress("sampling", rankings)) {
            records = SimulatedFeedback.rankSamples(lm, dir.getFileName().toString(), prompts, rankings, k, panel, overlap,
                    clock, run.seed, done -> progress.update(done, ""));
        }
        Path log = FeedbackLog.writeFolder(records, output.out);
        System.out.printf("%d rankings of %d tasks (K=%d) by %d simulated raters -> %s%n", records.size(), rankings, k,
                panel.size(), log);
        if (arenaPrompts > 0) {
            List<Match> matches = arena(prompts, panel.get(0));
            Matches.write(output.out.resolve("models.csv"), matches);
            System.out.printf("%d matches between the bundled models -> %s%n", matches.size(), output.out.resolve("models.csv"));
        }
        return 0;
    }

    private List<Match> arena(List<Prompt> prompts, SimulatedRater rater) {
        Map<String, LanguageModel> models = new LinkedHashMap<>();
        try {
            for (ModelCatalog.Candidate c : ModelCatalog.bundled()) {
                models.put(c.name(), c.load(run.resolveDevice()));
            }
            return SimulatedFeedback.arena(models, prompts, arenaPrompts, rater, SamplingConfig.defaults(), run.seed);
        } finally {
            models.values().forEach(LanguageModel::close);
        }
    }
}
