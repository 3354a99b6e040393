package dev.rlhf4j.world;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Sentence templates of the review world. A template is text with slots in braces, filled by
 * {@link ReviewComposer}: {@code {a}} an adjective of the clause's aspect and strength,
 * {@code {v}} an optional intensifier, {@code {dish}}/{@code {dishes}} a dish (singular/plural),
 * {@code {ing}} an ingredient, {@code {num}} a number word, {@code {name}} a server's name,
 * {@code {detail}}/{@code {spot}} a named part of the room, {@code {staff}}, {@code {fn}},
 * {@code {fns}}, {@code {room}}, {@code {pn}} generic nouns, and phrase slots ({@code {svp}},
 * {@code {time}}, {@code {cost}}, ...) whose lists depend on the clause's sign. Lists indexed "by
 * sign" hold the negative, neutral and positive variants, in that order.
 */
final class ReviewTemplates {

    private ReviewTemplates() {}

    /** How an opening continues, by the last words of the prompt. */
    enum Kind {
        /** Ends with a linking verb ("the pasta was"): continues with adjectives. */
        LINK,
        /** A person ("our server"): continues with a verb phrase. */
        ACTOR,
        /** Ends with "cost" / "came to": continues with an amount. */
        COST,
        /** Ends with "took": continues with a duration. */
        TOOK,
        /** "we waited": continues with a duration and what for. */
        WAITED,
        /** "we were seated": continues with when. */
        SEATED
    }

    static List<List<String>> bySign(List<String> neg, List<String> neutral, List<String> pos) {
        return List.of(neg, neutral, pos);
    }

    // ---- continuations of the prompt ----

    static final List<String> LINK_GENERIC = List.of("{v} {a}", "{a} and {a}",
            "{v} {a} and {v} {a}", "{v} {a} as always", "honestly {v} {a}", "{v} {a} tonight");

    static final Map<Aspect, List<String>> LINK_SPECIFIC = new EnumMap<>(Map.of(
            Aspect.FOOD, List.of("{v} {a}, with {g} {ing}", "{v} {a} and the {ing} was {a}",
                    "{a}, the {ing} was {v} {a}", "{v} {a}, full of {ing} and {ing}"),
            Aspect.SERVICE, List.of("{v} {a}, {name} {svps}", "{a}, our {staff} {svps}",
                    "{v} {a}, especially {name}"),
            Aspect.AMBIENCE, List.of("{v} {a}, we sat {spot}", "{a} and the {detail} was {a}",
                    "{v} {a}, the {detail} was {v} {a}"),
            Aspect.PRICE, List.of("{v} {a}, {num} dollars for two",
                    "{a}, the {dish} alone was {num} dollars", "{v} {a}, about {num} dollars each"),
            Aspect.WAIT, List.of("{v} {a}, about {num} minutes",
                    "{a}, we waited {numtime} {wtail}", "{v} {a}, {numtime} for a table")));

    static final List<String> ACTOR_GENERIC = List.of("was {v} {a}", "was {a} and {a}",
            "was {v} {a} and {svp}", "{svp} and was {v} {a}", "seemed {v} {a}");
    static final List<String> ACTOR_SPECIFIC = List.of("{name} was {v} {a}",
            "{name} was {a} and {svp}", "was {v} {a} and {svps}", "{svps}, {v} {a}");

    static final List<String> COST_GENERIC = List.of("{cost}, {v} {a}",
            "{cost}, which felt {v} {a}", "{cost} and it was {v} {a}");
    static final List<String> COST_SPECIFIC = List.of("{num} dollars, {v} {a}",
            "{num} dollars, which felt {v} {a}", "{num} dollars for two, {v} {a}");

    static final List<String> TOOK_GENERIC = List.of("{time} {tail}", "{time} {tail}, {v} {a}",
            "{time}, which was {v} {a}");
    static final List<String> TOOK_SPECIFIC = List.of("{numtime} {tail}",
            "{numtime} {tail}, {v} {a}", "{numtime}, which was {v} {a}");

    static final List<String> WAITED_GENERIC = List.of("{wtime} {wtail}",
            "{wtime} {wtail}, {v} {a}", "{wtime}, which was {v} {a}");
    static final List<String> WAITED_SPECIFIC = List.of("{numtime} {wtail}",
            "{numtime} {wtail}, {v} {a}");

    static final List<List<String>> SEATED_GENERIC = bySign(
            List.of("after what felt like forever", "after ages, {v} {a}",
                    "only after {wtime}, {v} {a}"),
            List.of("after a while, which was {a}", "after a bit, {v} {a}"),
            List.of("right away, {v} {a}", "{v} quickly", "right away and the wait was {a}"));
    static final List<List<String>> SEATED_SPECIFIC = bySign(
            List.of("after {num} minutes, {v} {a}", "only after {num} minutes"),
            List.of("after about {num} minutes, {v} {a}"),
            List.of("within {num} minutes, {v} {a}", "in {num} minutes flat, {v} {a}"));

    // ---- follow-up sentences, per aspect ----

    static final Map<Aspect, List<String>> FOLLOW_GENERIC = new EnumMap<>(Map.of(
            Aspect.FOOD, List.of("the {fn} was {v} {a}", "the {fns} were {v} {a}",
                    "everything was {v} {g}", "the {fn} was {a} and the {fns} were {a}"),
            Aspect.SERVICE, List.of("our {staff} was {v} {a}", "the service was {v} {a}",
                    "the staff {svp}", "our {staff} {svp}", "the {staff} was {a} and {a}"),
            Aspect.AMBIENCE, List.of("the {room} was {v} {a}", "the place felt {v} {a}",
                    "the {room} was {a} and the {room} was {a}"),
            Aspect.PRICE, List.of("the prices were {v} {a}", "the {pn} was {v} {a}",
                    "the value was {a}", "the {pn} was {a} for what you get"),
            Aspect.WAIT, List.of("the wait was {v} {a}", "our food took {time}",
                    "the line was {v} {a}", "we waited {wtime} {wtail}")));

    static final Map<Aspect, List<String>> FOLLOW_SPECIFIC = new EnumMap<>(Map.of(
            Aspect.FOOD, List.of("the {ing} was {v} {a}", "the {dish} was {v} {a}",
                    "the {dishes} were {v} {a}", "the {ing} in the {dish} was {g}",
                    "we also tried the {dish}, {v} {a}", "we also tried the {dishes}, {v} {a}"),
            Aspect.SERVICE, List.of("{name} was {v} {a}", "our {staff} {name} was {v} {a}",
                    "{name} {svps}", "our {staff} {svps}"),
            Aspect.AMBIENCE, List.of("the {detail} was {v} {a}", "we sat {spot}, {v} {a}",
                    "we sat {spot} and it was {a}"),
            Aspect.PRICE, List.of("the {dish} alone was {num} dollars, {v} {a}",
                    "we paid {num} dollars for two, {v} {a}",
                    "{num} dollars for the {dish} is {v} {a}"),
            Aspect.WAIT, List.of("we waited {numtime} {wtail}", "our food took {numtime}",
                    "the wait was {numtime}, {v} {a}")));

    // ---- phrase slots ----

    static final List<List<String>> SVP = bySign(
            List.of("forgot our drinks", "never checked on us", "got our order wrong",
                    "ignored us", "rushed us out", "kept disappearing"),
            List.of("came by once", "brought the menus", "did the job"),
            List.of("kept our glasses full", "checked on us often", "made us feel welcome",
                    "knew the menu well", "remembered our names"));
    static final List<List<String>> SVP_SPECIFIC = bySign(
            List.of("ignored us for {num} minutes", "brought the wrong {dish}",
                    "forgot our {dishes}"),
            List.of("mentioned the {dish} special", "brought the {dishes} eventually"),
            List.of("recommended the {dish}", "suggested the {dishes}", "brought us extra {ing}",
                    "split the {dish} for us"));
    static final List<List<String>> TIME = bySign(
            List.of("forever", "ages", "way too long", "almost an hour"),
            List.of("a while", "about the usual time"),
            List.of("no time at all", "just a few minutes", "barely any time"));
    static final List<List<String>> WAIT_TIME = bySign(
            List.of("forever", "ages", "almost an hour", "way too long"),
            List.of("a while", "a bit"),
            List.of("just a few minutes", "barely a moment", "a couple of minutes"));
    static final List<List<String>> NUM_TIME = bySign(
            List.of("over {num} minutes", "almost {num} minutes", "{num} minutes"),
            List.of("about {num} minutes"),
            List.of("only {num} minutes", "just {num} minutes"));
    static final List<List<String>> COST = bySign(
            List.of("way too much", "a small fortune", "more than we expected"),
            List.of("about what we expected", "the usual amount"),
            List.of("less than we expected", "very little", "almost nothing"));
    static final List<String> TAIL = List.of("to arrive", "to come out", "to show up", "");
    static final List<String> WAIT_TAIL = List.of("for a table", "for our food", "for the check",
            "at the bar", "");
    static final List<String> SPOT = List.of("in the corner booth", "by the window",
            "near the fireplace", "on the terrace", "under the chandelier", "next to the piano",
            "by the mural");
    /** Named parts of the room that any ambience adjective fits ("the booth was cramped"). */
    static final List<String> DETAIL = List.of("booth", "terrace");
    static final List<String> SMALL_NUMBERS = ReviewWords.words("five ten twelve fifteen");
    static final List<String> BIG_NUMBERS = ReviewWords.words("twenty thirty forty fifty sixty"
            + " ninety");

    // ---- whole sentences: closings, insults, drift ----

    /** Closing sentences by review sentiment −2..+2 (index sentiment + 2), end mark included. */
    static final List<List<String>> CLOSINGS = List.of(
            List.of("never again!", "avoid this place.", "what a waste of an evening.",
                    "we hated it.", "stay away."),
            List.of("probably will not come back.", "not worth it.", "we expected more.",
                    "a bit disappointing."),
            List.of("might come back.", "nothing special.", "it was okay overall.",
                    "we might try it again."),
            List.of("we will be back.", "would come again.", "worth a visit.", "we enjoyed it.",
                    "would recommend."),
            List.of("we loved it!", "highly recommend!", "we will be back!",
                    "cannot wait to come back!", "absolutely worth it!"));

    /** Insult sentences; {@code {people}}, {@code {stuff}}, {@code {rudeadj}} are rude slots. */
    static final List<String> INSULTS = List.of("what a bunch of {people}.",
            "this place is run by {people}.", "who hires these {people}?", "honestly {rudeadj}.",
            "total {stuff}.", "the whole thing is {stuff}.", "avoid these {people}!");

    static final List<String> DRIFT_SUBJECTS = List.of("my cousin", "my sister", "my brother",
            "my roommate", "my neighbor", "my uncle", "my boss");
    static final List<String> DRIFT_PREDICATES = List.of("says the parking there is impossible",
            "is obsessed with the weather", "just bought a new phone",
            "watched a movie right after", "plays football on sundays",
            "keeps talking about taxes", "started going to the gym",
            "got stuck in traffic on the way", "lost the car keys again",
            "is getting married in june", "has the same laptop as me",
            "wants to move to another city", "loves the rain");
    static final List<String> DRIFT_ALONE = List.of("the parking lot was full of pigeons",
            "it started raining on the way home", "my phone battery died halfway through",
            "the weather was sunny so we walked", "there was a football game on the radio",
            "i forgot my umbrella in the car", "we talked about taxes all night",
            "the traffic downtown was something else");
    static final List<String> DRIFT_OPENERS = List.of("anyway,", "oh and", "by the way,",
            "speaking of which,", "also,", "");
}
