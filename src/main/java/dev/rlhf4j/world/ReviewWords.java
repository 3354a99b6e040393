package dev.rlhf4j.world;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The word lists of the review world, as plain data. {@link ReviewLexicon} turns them into
 * look-ups; {@link ReviewComposer} draws from them. Every list keeps a fixed order (no hashing),
 * so generation is deterministic.
 */
final class ReviewWords {

    private ReviewWords() {}

    static List<String> words(String spaceSeparated) {
        return List.of(spaceSeparated.trim().split("\\s+"));
    }

    // ---- specific details: dishes, ingredients, names, numbers, named parts of the room ----

    static final List<String> DISHES = words("pasta risotto ramen burger soup salad steak curry"
            + " pizza lasagna chowder omelette sandwich pho brisket salmon gnocchi paella"
            + " cheesecake tiramisu stew carbonara");
    static final List<String> DISHES_PLURAL = words("tacos dumplings wings fries noodles ribs"
            + " pancakes nachos oysters meatballs scallops enchiladas waffles mussels");
    static final List<String> INGREDIENTS = words("truffle garlic saffron basil ginger lime"
            + " cilantro parmesan pesto miso lemon butter rosemary sesame bacon avocado mozzarella"
            + " chili fennel honey");
    static final List<String> NAMES = words("maria sam tony jess marco lena dave priya kim omar");
    static final List<String> NUMBERS = words("five ten twelve fifteen twenty thirty forty fifty"
            + " sixty ninety");
    /** Named parts of the room (singular nouns used as "the jazz", "the fireplace"). */
    static final List<String> DETAILS = words("jazz fireplace mural chandelier piano terrace"
            + " booth window");

    // ---- generic nouns per aspect (keywords that are not specific) ----

    static final List<String> FOOD_NOUNS = words("food sauce bread dessert broth crust meal"
            + " seasoning");
    static final List<String> FOOD_NOUNS_PLURAL = words("portions sides flavors drinks");
    static final List<String> STAFF = words("server waiter waitress host hostess bartender"
            + " manager");
    static final List<String> ROOM_NOUNS = words("music lighting decor room patio atmosphere"
            + " vibe bathroom seating interior");
    static final List<String> PRICE_NOUNS = words("bill check total price");

    /** Keywords of each aspect besides the lists above. Each word belongs to one aspect only. */
    static final Map<Aspect, List<String>> EXTRA_KEYWORDS = new EnumMap<>(Map.of(
            Aspect.FOOD, words("dish dishes plate menu kitchen chef tasted flavor dinner lunch"),
            Aspect.SERVICE, words("service staff servers"),
            Aspect.AMBIENCE, words("place noise view chairs"),
            Aspect.PRICE, words("prices value cost dollars money paid priced"),
            Aspect.WAIT, words("wait waited waiting minutes hour line reservation seated took"
                    + " forever ages table")));

    // ---- sentiment: adjectives per aspect, by strength -2, -1, 0, +1, +2 ----

    /** {@code ADJECTIVES.get(aspect).get(strength + 2)}: adjectives of that strength. */
    static final Map<Aspect, List<List<String>>> ADJECTIVES = new EnumMap<>(Map.of(
            Aspect.FOOD, List.of(
                    words("awful terrible disgusting inedible horrible gross burnt"),
                    words("bland cold dry soggy greasy salty meh overcooked underwhelming chewy"
                            + " lukewarm stale mushy watery"),
                    words("okay average ordinary alright standard"),
                    words("good tasty fresh nice solid decent flavorful tender crispy creamy"
                            + " juicy hearty fine warm"),
                    words("amazing delicious incredible perfect excellent outstanding fantastic"
                            + " wonderful great superb")),
            Aspect.SERVICE, List.of(
                    words("rude awful terrible hostile horrible dismissive condescending"),
                    words("slow distracted forgetful cold careless confused unfriendly"
                            + " inattentive pushy sloppy grumpy"),
                    words("okay average alright busy formal"),
                    words("friendly nice polite helpful attentive quick kind fine good patient"
                            + " warm welcoming fast efficient"),
                    words("amazing wonderful excellent fantastic outstanding lovely incredible"
                            + " great perfect")),
            Aspect.AMBIENCE, List.of(
                    words("awful terrible filthy gross horrible"),
                    words("loud noisy dark cramped stuffy tired crowded chaotic"),
                    words("okay average ordinary plain simple casual busy"),
                    words("cozy nice pleasant calm quiet warm bright charming clean relaxed"
                            + " comfortable good"),
                    words("beautiful gorgeous wonderful perfect lovely amazing stunning great")),
            Aspect.PRICE, List.of(
                    words("outrageous ridiculous insane absurd criminal awful"),
                    words("steep pricey high expensive overpriced inflated hefty"),
                    words("okay average normal typical standard"),
                    words("fair reasonable cheap affordable fine good honest low"),
                    words("amazing unbeatable incredible excellent great fantastic")),
            Aspect.WAIT, List.of(
                    words("endless ridiculous unbearable insane awful terrible"),
                    words("long slow annoying tedious"),
                    words("okay average normal typical"),
                    words("short quick brief reasonable fine fast"),
                    words("perfect amazing wonderful excellent"))));

    /** Food adjectives that fit any food noun (no textures): ingredients, sauces, "everything". */
    static final List<List<String>> FOOD_GENERAL = List.of(
            words("awful terrible disgusting horrible gross"),
            words("bland salty meh underwhelming forgettable"),
            words("okay average ordinary alright standard"),
            words("good tasty fresh nice solid decent flavorful fine"),
            words("amazing delicious incredible perfect excellent outstanding fantastic"
                    + " wonderful great superb"));

    /** Adjectives by strength for nouns that only fit some adjectives ("the lighting was dim"). */
    static final Map<String, List<List<String>>> NOUN_ADJECTIVES = nounAdjectives();

    private static Map<String, List<List<String>>> nounAdjectives() {
        Map<String, List<List<String>>> m = new LinkedHashMap<>();
        m.put("music", tiers("awful terrible deafening horrible", "loud noisy annoying",
                "okay average", "nice pleasant calm quiet",
                "wonderful perfect lovely amazing great"));
        m.put("lighting", tiers("awful terrible horrible", "dark dim harsh", "okay average",
                "warm soft nice pleasant", "beautiful perfect lovely"));
        m.put("decor", tiers("awful terrible horrible", "dated tired tacky", "okay plain simple",
                "charming nice cozy", "beautiful gorgeous stunning"));
        m.put("bathroom", tiers("filthy gross disgusting", "sticky dirty", "okay average",
                "clean nice", "spotless perfect"));
        m.put("seating", tiers("awful terrible", "cramped uncomfortable", "okay average",
                "comfortable nice", "perfect great"));
        m.put("chairs", m.get("seating"));
        m.put("view", tiers("awful terrible", "boring dull", "okay ordinary", "nice pleasant",
                "stunning gorgeous beautiful"));
        for (List<String> nouns : List.of(INGREDIENTS, FOOD_NOUNS, FOOD_NOUNS_PLURAL,
                List.of("everything"))) {
            for (String n : nouns) {
                m.put(n, FOOD_GENERAL);
            }
        }
        return m;
    }

    private static List<List<String>> tiers(String... byStrength) {
        return java.util.Arrays.stream(byStrength).map(ReviewWords::words).toList();
    }

    /** The adjectives by strength that fit {@code noun} (null: any noun of the aspect). */
    static List<List<String>> adjectivesFor(Aspect aspect, String noun) {
        List<List<String>> own = noun == null ? null : NOUN_ADJECTIVES.get(noun);
        return own != null ? own : ADJECTIVES.get(aspect);
    }

    /** Sentiment-bearing words outside the adjective tables (verbs, adverbs). */
    static final Map<String, Integer> EXTRA_SENTIMENT = new LinkedHashMap<>();

    static {
        String[] entries = {"loved 2", "enjoyed 1", "quickly 1", "promptly 1", "welcome 1",
            "forever -1", "ages -1", "wrong -1", "ignored -1", "forgot -1", "rushed -1",
            "disappointing -1", "hated -2", "waste -1"};
        for (String e : entries) {
            String[] kv = e.split(" ");
            EXTRA_SENTIMENT.put(kv[0], Integer.parseInt(kv[1]));
        }
    }

    /** Intensifiers by strength -2..+2; they carry no sentiment themselves. */
    static final List<List<String>> INTENSIFIERS = List.of(
            words("absolutely really so truly totally"),
            words("pretty rather kind_of a_bit a_little"),
            words("pretty fairly just"),
            words("pretty really quite very"),
            words("absolutely really so truly super"));

    // ---- impoliteness: insults and swearing (mild), each with its sentiment strength ----

    static final List<String> RUDE_PEOPLE_2 = words("idiots morons losers");
    static final List<String> RUDE_PEOPLE_1 = words("clowns amateurs");
    static final List<String> RUDE_STUFF_2 = words("garbage trash crap");
    static final List<String> RUDE_ADJ_2 = words("pathetic useless crappy");
    static final List<String> RUDE_ADJ_1 = words("stupid dumb clueless lame");
    static final List<String> RUDE_INTENSIFIERS = words("damn freaking");

    // ---- drift: words of stories that wander away from the restaurant ----

    static final List<String> DRIFT = words("cousin sister brother roommate neighbor uncle boss"
            + " dog parking weather phone movie football taxes gym traffic keys married june"
            + " laptop city rain raining umbrella pigeons radio sunny car battery weekend"
            + " sundays wedding");
}
