package dev.rlhf4j.workshop;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.feedback.Agreement;
import dev.rlhf4j.feedback.BradleyTerry;
import dev.rlhf4j.feedback.EloRating;
import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.feedback.Intervals;
import dev.rlhf4j.feedback.Leaderboard;
import dev.rlhf4j.feedback.Match;
import dev.rlhf4j.feedback.Pairs;
import dev.rlhf4j.feedback.Ranking;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewPreference;
import dev.rlhf4j.feedback.SimulatedFeedback;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The projector's numbers, worked out from the room's rankings: people and rankings in, the pace,
 * the sources rated by Elo (Arena's online Elo, K = 4) and by Bradley–Terry (with a small L2 prior,
 * {@link #BOARD_PRIOR}, since early in a room a source may have won every match), each with 95% bootstrap intervals, how
 * often people agree with each other on the same task, and how often they agree with the simulated
 * human's noiseless taste ({@link Agreement}).
 */
final class RoomBoard {

    /** Bootstrap rounds of the intervals: enough for a live view, cheap enough to redo every second. */
    static final int BOOTSTRAP_ROUNDS = 50;
    /**
     * The Bradley–Terry L2 prior of the live board: with a handful of matches it keeps a source that
     * has won all of its few matches near the others instead of at ±1000, and it fades as matches come in.
     */
    static final double BOARD_PRIOR = 0.1;
    /** How many of the most active raters are named. */
    static final int TOP = 10;

    private RoomBoard() {}

    /** The matches between sources that a ranking implies: one per pair of completions from different sources. */
    static List<Match> sourceMatches(List<FeedbackRecord> records, Map<String, WorkshopTask> tasks) {
        List<Match> out = new ArrayList<>();
        for (FeedbackRecord r : records) {
            WorkshopTask t = tasks.get(r.task());
            if (t == null) {
                continue;
            }
            for (Pairs.Pair p : Pairs.of(r.ranking())) {
                String a = t.sources().get(p.chosen());
                String b = t.sources().get(p.rejected());
                if (!a.equals(b)) {
                    out.add(new Match(a, b, p.tie() ? 0.5 : 1.0));
                }
            }
        }
        return out;
    }

    /** The board as JSON (see the README's API table). */
    static JsonObject of(Room room, String joinUrl, List<Prompt> prompts, ReviewPreference taste, RoomJudge judge,
            Instant now) {
        return json(view(room, joinUrl, prompts, taste, judge, now));
    }

    /** The board's numbers, worked out from the room's rankings now. */
    static RoomView view(Room room, String joinUrl, List<Prompt> prompts, ReviewPreference taste, RoomJudge judge,
            Instant now) {
        List<FeedbackRecord> records = room.records();
        Map<String, WorkshopTask> tasks = new HashMap<>();
        for (FeedbackRecord r : records) {
            room.task(r.task()).ifPresent(t -> tasks.put(t.id(), t));
        }
        FeedbackStore.Round round = room.round();
        List<Room.Person> people = room.people();
        long minuteAgo = now.minusSeconds(60).toEpochMilli();
        double perMinute = records.stream().filter(r -> r.time().toEpochMilli() > minuteAgo).count();

        List<Match> matches = sourceMatches(records, tasks);
        Leaderboard elo = new Leaderboard("Elo", List.of());
        Leaderboard bt = new Leaderboard("Bradley-Terry", List.of());
        if (!matches.isEmpty()) {
            EloRating rating = EloRating.defaults();
            Intervals eloIntervals = rating.bootstrap(matches, BOOTSTRAP_ROUNDS, Seeds.derive(matches.size(), "board-elo"));
            // Online Elo depends on the order the rankings came in, so its value on all of them can
            // fall outside its own bootstrap interval; the board shows the bootstrap median, as
            // Arena's Elo leaderboard did.
            Map<String, Double> medians = new HashMap<>();
            eloIntervals.players().forEach((player, i) -> medians.put(player, i.median()));
            elo = Leaderboard.of("Elo", medians, eloIntervals, matches);
            BradleyTerry fit = BradleyTerry.defaults().withPrior(BOARD_PRIOR);
            Intervals btIntervals = fit.bootstrap(matches, BOOTSTRAP_ROUNDS, Seeds.derive(matches.size(), "board-bt"));
            bt = Leaderboard.of("Bradley-Terry", fit.fit(matches).ratings(), btIntervals, matches);
        }

        List<Agreement.RaterPair> between = Agreement.betweenRaters(records);
        double simulated = Double.NaN;
        int simulatedRankings = 0;
        Map<String, Double> bySimulated = new HashMap<>();
        if (!records.isEmpty()) {
            Function<FeedbackRecord, Ranking> reference = SimulatedFeedback.reference(taste, prompts);
            List<FeedbackRecord> known = records.stream().filter(r -> knows(prompts, r.promptId())).toList();
            double sum = 0;
            for (Agreement.RaterScore s : Agreement.withReference(known, reference)) {
                if (!Double.isNaN(s.agreement())) {
                    sum += s.agreement() * s.tasks();
                    simulatedRankings += s.tasks();
                    bySimulated.put(s.rater(), s.agreement());
                }
            }
            simulated = simulatedRankings == 0 ? Double.NaN : sum / simulatedRankings;
        }
        WorkshopVerdict verdict = WorkshopVerdict.of(records, tasks, taste, prompts, records.size());

        // How much each person's taste counts: their agreement with the others, with the simulated
        // human and, once a round has trained one, with the reward model.
        Map<String, Double> byRoom = Agreement.withRoom(between);
        Map<String, Double> byModel = judge == null ? Map.of() : withModel(records, judge);
        List<RoomView.Taste> top = people.stream()
                .sorted(Comparator.comparingInt((Room.Person p) -> -p.rankedCount()).thenComparing(p -> p.joined))
                .limit(TOP).filter(p -> p.rankedCount() > 0)
                .map(p -> new RoomView.Taste(p.name, p.rankedCount(), byRoom.getOrDefault(p.name, Double.NaN),
                        bySimulated.getOrDefault(p.name, Double.NaN), byModel.getOrDefault(p.name, Double.NaN)))
                .toList();
        return new RoomView(room.workshop.id(), round.number(), round.open(), joinUrl, room.workshop.code(), people.size(),
                records.size(), perMinute, elo, bt, Agreement.pooled(between), Agreement.pooledTasks(between), simulated,
                simulatedRankings, verdict, top, judge != null);
    }

    /** The view as the JSON of {@code GET /api/leaderboard}. */
    static JsonObject json(RoomView v) {
        JsonObject o = new JsonObject();
        o.addProperty("workshop", v.workshop());
        o.addProperty("round", v.round());
        o.addProperty("roundOpen", v.roundOpen());
        o.addProperty("joinUrl", v.joinUrl());
        o.addProperty("code", v.code());
        o.addProperty("raters", v.raters());
        o.addProperty("rankings", v.rankings());
        o.addProperty("perMinute", v.perMinute());
        o.add("elo", rows(v.elo()));
        o.add("bt", rows(v.bt()));

        JsonObject agreement = new JsonObject();
        number(agreement, "people", v.agreement());
        agreement.addProperty("peoplePairs", v.agreementTasks());
        number(agreement, "simulated", v.simulated());
        agreement.addProperty("simulatedRankings", v.simulatedRankings());
        o.add("agreement", agreement);

        WorkshopVerdict verdict = v.ab();
        if (verdict.rankings() == 0) {
            o.add("ab", JsonNull.INSTANCE);
        } else {
            JsonObject ab = new JsonObject();
            ab.addProperty("rankings", verdict.rankings());
            number(ab, "human", verdict.human());
            number(ab, "humanLower", verdict.humanLower());
            number(ab, "humanUpper", verdict.humanUpper());
            ab.addProperty("pairs", verdict.pairs());
            number(ab, "simulated", verdict.simulated());
            number(ab, "simulatedLower", verdict.simulatedLower());
            number(ab, "simulatedUpper", verdict.simulatedUpper());
            o.add("ab", ab);
        }

        o.addProperty("rewardModel", v.rewardModel());
        JsonArray top = new JsonArray();
        for (RoomView.Taste p : v.top()) {
            JsonObject t = new JsonObject();
            t.addProperty("name", p.name());
            t.addProperty("ranked", p.ranked());
            number(t, "room", p.withRoom());
            number(t, "simulated", p.withSimulatedHuman());
            number(t, "model", p.withRewardModel());
            top.add(t);
        }
        o.add("top", top);
        return o;
    }

    /** Each rater's agreement with the judge's rankings (empty once the judge is closed). */
    private static Map<String, Double> withModel(List<FeedbackRecord> records, RoomJudge judge) {
        Map<String, Double> out = new HashMap<>();
        try {
            for (Agreement.RaterScore s : Agreement.withReference(records, r -> {
                Ranking ranking = judge.ranking(r);
                if (ranking == null) {
                    throw new IllegalStateException("the reward model was replaced");
                }
                return ranking;
            })) {
                out.put(s.rater(), s.agreement());
            }
        } catch (IllegalStateException replaced) {
            return Map.of();
        }
        return out;
    }

    private static boolean knows(List<Prompt> prompts, String id) {
        for (Prompt p : prompts) {
            if (p.id().equals(id)) {
                return true;
            }
        }
        return false;
    }

    private static JsonArray rows(Leaderboard board) {
        JsonArray a = new JsonArray();
        for (Leaderboard.Row r : board.rows()) {
            JsonObject o = new JsonObject();
            o.addProperty("source", r.player());
            number(o, "rating", r.rating());
            number(o, "lower", r.lower());
            number(o, "upper", r.upper());
            o.addProperty("matches", r.tally().matches());
            o.addProperty("wins", r.tally().wins());
            o.addProperty("losses", r.tally().losses());
            o.addProperty("ties", r.tally().ties());
            a.add(o);
        }
        return a;
    }

    /** A number, or null when it is not finite (JSON has no NaN). */
    private static void number(JsonObject o, String name, double v) {
        if (Double.isFinite(v)) {
            o.addProperty(name, v);
        } else {
            o.add(name, JsonNull.INSTANCE);
        }
    }
}
