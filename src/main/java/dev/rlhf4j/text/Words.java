package dev.rlhf4j.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one text normalisation of the review world, shared by {@link WordTokenizer}, the generator
 * and {@link ReviewSignals}: lowercase, split on whitespace, and the punctuation characters
 * {@code . , ! ? ; :} become tokens of their own. {@link #join(List)} undoes {@link #split(String)}
 * for normalised text: single spaces between words, punctuation attached to the previous word.
 *
 * <pre>{@code
 * Words.split("The pasta was rich, creamy!")  // [the, pasta, was, rich, ",", creamy, "!"]
 * Words.join(List.of("good", ",", "good"))    // "good, good"
 * }</pre>
 */
public final class Words {

    /** The characters that always form a token of their own. */
    public static final String PUNCTUATION = ".,!?;:";

    private Words() {}

    /** Normalised tokens of {@code text}: lowercased, whitespace-split, punctuation separated. */
    public static List<String> split(String text) {
        return splitRaw(text.toLowerCase(Locale.ROOT));
    }

    /** Like {@link #split(String)} but keeps the case (used to read templates). */
    public static List<String> splitRaw(String text) {
        List<String> tokens = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || PUNCTUATION.indexOf(c) >= 0) {
                flush(word, tokens);
                if (!Character.isWhitespace(c)) {
                    tokens.add(String.valueOf(c));
                }
            } else {
                word.append(c);
            }
        }
        flush(word, tokens);
        return tokens;
    }

    private static void flush(StringBuilder word, List<String> tokens) {
        if (word.length() > 0) {
            tokens.add(word.toString());
            word.setLength(0);
        }
    }

    /** Joins tokens with single spaces, attaching punctuation to the previous token. */
    public static String join(List<String> tokens) {
        StringBuilder sb = new StringBuilder();
        for (String t : tokens) {
            if (sb.length() > 0 && !isPunctuation(t)) {
                sb.append(' ');
            }
            sb.append(t);
        }
        return sb.toString();
    }

    /** Whether {@code token} is one of the punctuation tokens {@code . , ! ? ; :}. */
    public static boolean isPunctuation(String token) {
        return token.length() == 1 && PUNCTUATION.indexOf(token.charAt(0)) >= 0;
    }

    /** The tokens that are words (punctuation left out), in order. */
    public static List<String> wordsOnly(List<String> tokens) {
        List<String> words = new ArrayList<>();
        for (String t : tokens) {
            if (!isPunctuation(t)) {
                words.add(t);
            }
        }
        return words;
    }

    /** Number of words (not punctuation) in {@code text}. */
    public static int countWords(String text) {
        int n = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean wordChar = !Character.isWhitespace(c) && PUNCTUATION.indexOf(c) < 0;
            if (wordChar && !inWord) {
                n++;
            }
            inWord = wordChar;
        }
        return n;
    }
}
