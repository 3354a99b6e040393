package dev.rlhf4j.world;

import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.world.ReviewTemplates.Kind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The review openings, built combinatorially (templates × keywords: "the {dish} was", "our
 * {staff}", "the {dish} cost", ...) and split per aspect into train (80%) and held-out (20%) with a
 * generator seeded from the world's seed.
 *
 * <p>The set is prefix-free: no prompt is a word-prefix of another. So a review that starts with a
 * train prompt can never also start with a held-out one.
 */
final class ReviewPrompts {

    /** Share of each aspect's prompts that is held out. */
    static final double HELD_OUT_SHARE = 0.2;

    /** A prompt with the way its continuation is built. */
    record Opening(Prompt prompt, Kind kind) {}

    private final Map<String, Kind> kinds = new LinkedHashMap<>();
    private final Map<String, Aspect> aspects = new LinkedHashMap<>();

    private ReviewPrompts() {}

    /** All openings for {@code seed}, in build order, with ids and the train/held-out split. */
    static List<Opening> build(long seed) {
        ReviewPrompts p = new ReviewPrompts();
        p.food();
        p.service();
        p.ambience();
        p.price();
        p.waiting();
        p.checkPrefixFree();
        return p.split(Seeds.derive(seed, "prompts"));
    }

    private void add(Aspect aspect, Kind kind, String text) {
        if (kinds.putIfAbsent(text, kind) != null) {
            throw new IllegalStateException("duplicate prompt '" + text + "'");
        }
        aspects.put(text, aspect);
    }

    private void food() {
        for (String d : ReviewWords.DISHES) {
            add(Aspect.FOOD, Kind.LINK, "the " + d + " was");
            add(Aspect.FOOD, Kind.LINK, "the " + d + " tasted");
            add(Aspect.FOOD, Kind.LINK, "my " + d + " was");
        }
        for (String d : ReviewWords.DISHES_PLURAL) {
            add(Aspect.FOOD, Kind.LINK, "the " + d + " were");
            add(Aspect.FOOD, Kind.LINK, "the " + d + " tasted");
            add(Aspect.FOOD, Kind.LINK, "my " + d + " were");
        }
        for (String d : ReviewWords.DISHES.subList(0, 8)) {
            add(Aspect.FOOD, Kind.LINK, "the " + d + " looked");
        }
        for (String d : ReviewWords.DISHES_PLURAL.subList(0, 4)) {
            add(Aspect.FOOD, Kind.LINK, "the " + d + " looked");
        }
        for (String text : List.of("the food was", "the food tasted", "our food was",
                "the meal was", "the dessert was", "the sauce was", "the portions were",
                "the bread was", "the flavors were", "everything tasted")) {
            add(Aspect.FOOD, Kind.LINK, text);
        }
    }

    private void service() {
        for (String s : ReviewWords.STAFF) {
            add(Aspect.SERVICE, Kind.ACTOR, "our " + s);
        }
        for (String s : List.of("server", "waiter", "waitress", "bartender")) {
            add(Aspect.SERVICE, Kind.ACTOR, "my " + s);
        }
        List<String> withStaff = new ArrayList<>(ReviewWords.STAFF);
        withStaff.add("staff");
        for (String s : withStaff) {
            add(Aspect.SERVICE, Kind.LINK, "the " + s + " was");
            add(Aspect.SERVICE, Kind.LINK, "the " + s + " seemed");
        }
        for (String text : List.of("the service was", "the service felt", "service was",
                "the servers were")) {
            add(Aspect.SERVICE, Kind.LINK, text);
        }
    }

    private void ambience() {
        for (String r : ReviewWords.ROOM_NOUNS) {
            add(Aspect.AMBIENCE, Kind.LINK, "the " + r + " was");
        }
        for (String r : List.of("room", "patio", "atmosphere", "vibe", "place", "lighting",
                "seating", "interior")) {
            add(Aspect.AMBIENCE, Kind.LINK, "the " + r + " felt");
        }
        for (String r : List.of("decor", "room", "patio", "place", "bathroom", "interior")) {
            add(Aspect.AMBIENCE, Kind.LINK, "the " + r + " looked");
        }
        for (String text : List.of("the place was", "the chairs were", "the view was")) {
            add(Aspect.AMBIENCE, Kind.LINK, text);
        }
    }

    private void price() {
        for (String d : ReviewWords.DISHES.subList(0, 14)) {
            add(Aspect.PRICE, Kind.COST, "the " + d + " cost");
        }
        for (String d : ReviewWords.DISHES_PLURAL.subList(0, 6)) {
            add(Aspect.PRICE, Kind.COST, "the " + d + " cost");
        }
        for (String text : List.of("our bill came to", "the bill came to", "our check came to",
                "the total came to", "dinner cost", "lunch cost")) {
            add(Aspect.PRICE, Kind.COST, text);
        }
        for (String text : List.of("the prices were", "prices were", "the bill was",
                "our bill was", "the check was", "the value was", "the price was",
                "the menu prices were", "the total was")) {
            add(Aspect.PRICE, Kind.LINK, text);
        }
    }

    private void waiting() {
        for (String d : ReviewWords.DISHES.subList(8, 20)) {
            add(Aspect.WAIT, Kind.TOOK, "the " + d + " took");
        }
        for (String d : ReviewWords.DISHES_PLURAL.subList(6, 10)) {
            add(Aspect.WAIT, Kind.TOOK, "the " + d + " took");
        }
        for (String text : List.of("our food took", "our drinks took", "our order took",
                "it took", "the check took", "the kitchen took", "dessert took")) {
            add(Aspect.WAIT, Kind.TOOK, text);
        }
        add(Aspect.WAIT, Kind.WAITED, "we waited");
        add(Aspect.WAIT, Kind.WAITED, "we had to wait");
        add(Aspect.WAIT, Kind.SEATED, "we were seated");
        add(Aspect.WAIT, Kind.SEATED, "we got seated");
        for (String text : List.of("the wait was", "our wait was", "the line was",
                "the wait felt", "the wait time was", "getting a table was")) {
            add(Aspect.WAIT, Kind.LINK, text);
        }
    }

    private void checkPrefixFree() {
        for (String a : kinds.keySet()) {
            for (String b : kinds.keySet()) {
                if (!a.equals(b) && b.startsWith(a + " ")) {
                    throw new IllegalStateException("prompt '" + a + "' is a prefix of '" + b
                            + "'");
                }
            }
        }
    }

    private List<Opening> split(Random rnd) {
        List<String> texts = new ArrayList<>(kinds.keySet());
        List<Boolean> heldOut = new ArrayList<>(Collections.nCopies(texts.size(), false));
        for (Aspect aspect : Aspect.values()) {
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                if (aspects.get(texts.get(i)) == aspect) {
                    idx.add(i);
                }
            }
            Collections.shuffle(idx, rnd);
            int n = (int) Math.round(idx.size() * HELD_OUT_SHARE);
            for (int i : idx.subList(0, n)) {
                heldOut.set(i, true);
            }
        }
        List<Opening> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String id = String.format(Locale.ROOT, "p%03d", i + 1);
            String text = texts.get(i);
            out.add(new Opening(new Prompt(id, text, aspects.get(text), heldOut.get(i)),
                    kinds.get(text)));
        }
        return out;
    }
}
