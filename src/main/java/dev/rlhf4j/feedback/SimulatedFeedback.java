package dev.rlhf4j.feedback;

import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.model.Generation;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.Sampler;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewPreference;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * Feedback from simulated raters, for workshops, tests and the bundled data: the same path as
 * people's feedback (tasks → {@link Rater} → {@link FeedbackRecord}), with a seed instead of a
 * person.
 */
public final class SimulatedFeedback {

    private SimulatedFeedback() {}

    /**
     * Has the raters rank the tasks: task i goes to rater {@code i mod R}; the first
     * {@code overlap} tasks go to every rater, so their agreement can be measured. Record ids are
     * {@code f00001, ...} in the order the rankings are given.
     */
    public static List<FeedbackRecord> collect(List<RankingTask> tasks, List<? extends Rater> raters, int overlap,
            Clock clock) {
        if (raters.isEmpty()) {
            throw new IllegalArgumentException("need at least one rater");
        }
        List<FeedbackRecord> out = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            RankingTask task = tasks.get(i);
            List<Rater> who = i < overlap ? List.copyOf(raters) : List.of(raters.get(i % raters.size()));
            for (Rater r : who) {
                Rater.Answer a = r.rank(task);
                if (a.ranked()) {
                    out.add(FeedbackRecord.of(String.format("f%05d", out.size() + 1), task, a.ranking(), r, clock.instant()));
                }
            }
        }
        return out;
    }

    /**
     * Rankings of a model's samples by a panel of simulated raters, as {@code rlhf4j simulate-feedback}
     * and the pipeline collect them: {@code n} tasks of {@code k} completions sampled from {@code lm}
     * for {@code prompts} (seeded), every task ranked by the first rater of the panel and the first
     * {@code overlap} tasks also by the others, so their agreement can be measured. Ids run
     * {@code f00001, ...} over the first rater's records, then the others'.
     *
     * @param progress told how many tasks are sampled so far (null: not told)
     */
    public static List<FeedbackRecord> rankSamples(LanguageModel lm, String modelName, List<Prompt> prompts, int n, int k,
            List<? extends Rater> panel, int overlap, Clock clock, long seed, IntConsumer progress) {
        if (panel.isEmpty()) {
            throw new IllegalArgumentException("need at least one rater");
        }
        List<RankingTask> tasks = RankingTasks.sample(lm, modelName, prompts, n, k, SamplingConfig.defaults(), seed, progress);
        List<FeedbackRecord> all = new ArrayList<>(collect(tasks, panel.subList(0, 1), 0, clock));
        if (panel.size() > 1) {
            List<RankingTask> shared = tasks.subList(0, Math.min(overlap, tasks.size()));
            all.addAll(collect(shared, panel.subList(1, panel.size()), shared.size(), clock));
        }
        List<FeedbackRecord> numbered = new ArrayList<>();
        for (FeedbackRecord r : all) {
            numbered.add(new FeedbackRecord(String.format("f%05d", numbered.size() + 1), r.task(), r.promptId(), r.prompt(),
                    r.model(), r.completions(), r.ranking(), r.rater(), r.source(), r.time()));
        }
        return numbered;
    }

    /**
     * The noiseless ranking of a logged record by {@code preference}: the reference a rater's
     * rankings are compared with ({@link Agreement}). The prompt's aspect comes from {@code prompts}.
     */
    public static Function<FeedbackRecord, Ranking> reference(ReviewPreference preference, List<Prompt> prompts) {
        Map<String, Prompt> byId = new HashMap<>();
        for (Prompt p : prompts) {
            byId.put(p.id(), p);
        }
        return r -> {
            Prompt p = byId.get(r.promptId());
            if (p == null) {
                throw new IllegalArgumentException("record " + r.id() + ": unknown prompt id " + r.promptId());
            }
            return Ranking.fromScores(SimulatedRater.utilities(preference, r, p.aspect()), 1e-9);
        };
    }

    /**
     * An Arena of models judged by a rater: for each of {@code n} prompts every model samples one
     * completion, the rater ranks them, and the ranking's pairs become matches between the models'
     * names — the input of {@link EloRating} and {@link BradleyTerry} for a leaderboard of models or
     * checkpoints.
     *
     * @param models the players, by name (at least 2, at most 9)
     */
    public static List<Match> arena(Map<String, LanguageModel> models, List<Prompt> prompts, int n, Rater rater,
            SamplingConfig sampling, long seed) {
        if (models.size() < RankingTask.MIN_K || models.size() > RankingTask.MAX_K) {
            throw new IllegalArgumentException("an arena needs 2..9 models, found " + models.size());
        }
        List<Prompt> chosen = RankingTasks.promptOrder(prompts, n, seed);
        Map<String, List<String>> samples = new LinkedHashMap<>();
        for (Map.Entry<String, LanguageModel> e : models.entrySet()) {
            Random rng = Seeds.derive(seed, "arena:" + e.getKey());
            LanguageModel lm = e.getValue();
            List<int[]> rows = new ArrayList<>();
            for (Prompt p : chosen) {
                rows.add(lm.encodePrompt(p.text()));
            }
            Generation g = Sampler.generate(lm, rows, sampling, rng);
            samples.put(e.getKey(), g.completionTexts(lm.tokenizer()));
        }
        return arenaOfSamples(samples, chosen, rater);
    }

    /**
     * An Arena of players given as their completions: {@code samples.get(name).get(i)} is player
     * {@code name}'s completion of {@code prompts.get(i)}. For every prompt the rater ranks the
     * players' completions and the ranking's pairs become matches between the players' names.
     */
    public static List<Match> arenaOfSamples(Map<String, List<String>> samples, List<Prompt> prompts, Rater rater) {
        if (samples.size() < RankingTask.MIN_K || samples.size() > RankingTask.MAX_K) {
            throw new IllegalArgumentException("an arena needs 2..9 players, found " + samples.size());
        }
        int n = prompts.size();
        List<String> names = new ArrayList<>(samples.keySet());
        for (String name : names) {
            if (samples.get(name).size() != n) {
                throw new IllegalArgumentException("arena: player " + name + " has " + samples.get(name).size()
                        + " completions for " + n + " prompts");
            }
        }
        List<Match> matches = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> completions = new ArrayList<>();
            for (String name : names) {
                completions.add(samples.get(name).get(i));
            }
            Rater.Answer a = rater.rank(new RankingTask(String.format("a%04d", i + 1), prompts.get(i), completions, "arena"));
            if (!a.ranked()) {
                continue;
            }
            for (Pairs.Pair p : Pairs.of(a.ranking())) {
                matches.add(new Match(names.get(p.chosen()), names.get(p.rejected()), p.score()));
            }
        }
        return matches;
    }
}
