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
    static JsonObject of(Room room, String joinUrl, List<Prompt> prompts, ReviewPreference taste, Instant now) {
        List<FeedbackRecord> records = room.records();
        Map<String, WorkshopTask> tasks = new HashMap<>();
        for (FeedbackRecord r : records) {
            room.task(r.task()).ifPresent(t -> tasks.put(t.id(), t));
        }
        JsonObject o = new JsonObject();
        FeedbackStore.Round round = room.round();
        o.addProperty("workshop", room.workshop.id());
        o.addProperty("round", round.number());
        o.addProperty("roundOpen", round.open());
        o.addProperty("joinUrl", joinUrl);
        o.addProperty("code", room.workshop.code());
        List<Room.Person> people = room.people();
        o.addProperty("raters", people.size());
        o.addProperty("rankings", records.size());
        long minuteAgo = now.minusSeconds(60).toEpochMilli();
        o.addProperty("perMinute", (double) records.stream().filter(r -> r.time().toEpochMilli() > minuteAgo).count());

        List<Match> matches = sourceMatches(records, tasks);
        if (matches.isEmpty()) {
            o.add("elo", new JsonArray());
            o.add("bt", new JsonArray());
        } else {
            EloRating elo = EloRating.defaults();
            Intervals eloIntervals = elo.bootstrap(matches, BOOTSTRAP_ROUNDS, Seeds.derive(matches.size(), "board-elo"));
            // Online Elo depends on the order the rankings came in, so its value on all of them can
            // fall outside its own bootstrap interval; the board shows the bootstrap median, as
            // Arena's Elo leaderboard did.
            Map<String, Double> medians = new HashMap<>();
            eloIntervals.players().forEach((player, i) -> medians.put(player, i.median()));
            o.add("elo", rows(Leaderboard.of("Elo", medians, eloIntervals, matches)));
            BradleyTerry bt = BradleyTerry.defaults().withPrior(BOARD_PRIOR);
            Intervals btIntervals = bt.bootstrap(matches, BOOTSTRAP_ROUNDS, Seeds.derive(matches.size(), "board-bt"));
            o.add("bt", rows(Leaderboard.of("Bradley-Terry", bt.fit(matches).ratings(), btIntervals, matches)));
        }

        JsonObject agreement = new JsonObject();
        List<Agreement.RaterPair> between = Agreement.betweenRaters(records);
        number(agreement, "people", Agreement.pooled(between));
        agreement.addProperty("peoplePairs", Agreement.pooledTasks(between));
        double simulated = Double.NaN;
        int simulatedRankings = 0;
        if (!records.isEmpty()) {
            Function<FeedbackRecord, Ranking> reference = SimulatedFeedback.reference(taste, prompts);
            List<FeedbackRecord> known = records.stream().filter(r -> knows(prompts, r.promptId())).toList();
            double sum = 0;
            for (Agreement.RaterScore s : Agreement.withReference(known, reference)) {
                if (!Double.isNaN(s.agreement())) {
                    sum += s.agreement() * s.tasks();
                    simulatedRankings += s.tasks();
                }
            }
            simulated = simulatedRankings == 0 ? Double.NaN : sum / simulatedRankings;
        }
        number(agreement, "simulated", simulated);
        agreement.addProperty("simulatedRankings", simulatedRankings);
        o.add("agreement", agreement);

        WorkshopVerdict verdict = WorkshopVerdict.of(records, tasks, taste, prompts, records.size());
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

        JsonArray top = new JsonArray();
        people.stream().sorted(Comparator.comparingInt((Room.Person p) -> -p.rankedCount()).thenComparing(p -> p.joined))
                .limit(TOP).filter(p -> p.rankedCount() > 0).forEach(p -> {
                    JsonObject t = new JsonObject();
                    t.addProperty("name", p.name);
                    t.addProperty("ranked", p.rankedCount());
                    top.add(t);
                });
        o.add("top", top);
        return o;
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
