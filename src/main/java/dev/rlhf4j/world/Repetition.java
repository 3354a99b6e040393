package dev.rlhf4j.world;

import dev.rlhf4j.text.Words;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The three ways a review of the world repeats itself, as small language models do: a stutter
 * ("good good good", "slow, slow, slow"), an echoed sentence ("the pasta was bland. the pasta was
 * bland."), and a loop ("the food was good and the food was good").
 */
final class Repetition {

    private Repetition() {}

    /**
     * Repeats something in {@code body} (sentences without end marks). Words of the prompt, the
     * first {@code promptTokens} tokens of the first sentence, are never stuttered.
     */
    static void apply(List<List<String>> body, int promptTokens, ReviewLexicon lexicon,
            Random rnd) {
        double u = rnd.nextDouble();
        List<String> last = body.get(body.size() - 1);
        boolean shortLast = Words.wordsOnly(last).size() <= 8;
        if (u < 0.45 || (u < 0.8 && !shortLast) || (u >= 0.8 && !loop(body, rnd))) {
            stutter(body, promptTokens, lexicon, rnd);
        } else if (u < 0.8) {
            echo(body, rnd);
        }
    }

    private static void stutter(List<List<String>> body, int promptTokens, ReviewLexicon lexicon,
            Random rnd) {
        int i = rnd.nextInt(body.size());
        List<String> sentence = body.get(i);
        int from = i == 0 ? promptTokens : 0;
        List<Integer> strong = new ArrayList<>();
        List<Integer> any = new ArrayList<>();
        for (int j = from; j < sentence.size(); j++) {
            String w = sentence.get(j);
            if (!Words.isPunctuation(w)) {
                any.add(j);
                if (lexicon.hasSentiment(w)) {
                    strong.add(j);
                }
            }
        }
        List<Integer> candidates = strong.isEmpty() ? any : strong;
        if (candidates.isEmpty()) {
            candidates = List.of(sentence.size() - 1);
        }
        int j = candidates.get(rnd.nextInt(candidates.size()));
        String w = sentence.get(j);
        int extra = rnd.nextBoolean() ? 1 : 2;
        boolean commas = rnd.nextDouble() < 0.4;
        List<String> copies = new ArrayList<>();
        for (int k = 0; k < extra; k++) {
            if (commas) {
                copies.add(",");
            }
            copies.add(w);
        }
        sentence.addAll(j + 1, copies);
    }

    private static void echo(List<List<String>> body, Random rnd) {
        List<String> last = body.get(body.size() - 1);
        int copies = rnd.nextDouble() < 0.7 ? 1 : 2;
        body.addAll(Collections.nCopies(copies, last).stream().map(ArrayList::new).toList());
    }

    /** Appends "and" + the last 3–5 words of the last sentence, once or twice. */
    private static boolean loop(List<List<String>> body, Random rnd) {
        List<String> last = body.get(body.size() - 1);
        int run = 0;
        while (run < last.size() && !Words.isPunctuation(last.get(last.size() - 1 - run))) {
            run++;
        }
        if (run < 3) {
            return false;
        }
        int m = Math.min(run, 3 + rnd.nextInt(3));
        List<String> span = new ArrayList<>(last.subList(last.size() - m, last.size()));
        int times = rnd.nextBoolean() ? 1 : 2;
        for (int k = 0; k < times; k++) {
            last.add("and");
            last.addAll(span);
        }
        return true;
    }
}
