package dev.rlhf4j.feedback;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.Locale;
import java.util.Objects;

/**
 * A person ranking at a terminal, or in a notebook: shows each task's prompt and its K numbered
 * completions and reads the ranking as the person types it ({@code 2 1=4 3}; see
 * {@link Ranking#parse}).
 *
 * <pre>{@code
 * Rater me = ConsoleRater.stdio("ana");
 * RankingSession.of(me, log).run(tasks);
 * }</pre>
 *
 * <p>Answers: a ranking; {@code s} skips the task; {@code q} (or the end of the input) quits;
 * {@code ?} explains. An answer that is not a ranking gets the reason and the question again.
 * In the rlhf4j notebook kernel {@code System.in} is forwarded to the notebook's input box, so
 * {@link #stdio} works in a notebook cell too (a notebook run headless by nbconvert has no input:
 * the rater sees the end of the input and quits).
 */
public final class ConsoleRater implements Rater {

    /** Width the completions are wrapped to, so they read well on a projector. */
    static final int WIDTH = 72;

    private final String name;
    private final BufferedReader in;
    private final PrintStream out;

    /**
     * A rater reading answers from {@code in} and showing tasks on {@code out}.
     *
     * @param name the rater's name in the log
     */
    public ConsoleRater(String name, Reader in, PrintStream out) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a rater needs a name (it goes into the feedback log)");
        }
        this.name = name;
        this.in = in instanceof BufferedReader b ? b : new BufferedReader(Objects.requireNonNull(in));
        this.out = Objects.requireNonNull(out);
    }

    /**
     * A rater on {@code System.in} and {@code System.out}: the terminal, or the notebook's input
     * box in the rlhf4j kernel. Both streams are taken when this is called.
     */
    public static ConsoleRater stdio(String name) {
        return new ConsoleRater(name, new InputStreamReader(System.in, Charset.defaultCharset()), System.out);
    }

    @Override
    public String name() {
        return name;
    }

    /** Always {@link Rater.Source#HUMAN}. */
    @Override
    public Source source() {
        return Source.HUMAN;
    }

    /** Shows {@code task} and asks until the answer is a ranking, a skip or a quit. */
    @Override
    public Answer rank(RankingTask task) {
        show(task);
        while (true) {
            out.print("rank best first (e.g. " + example(task.k()) + "), s = skip, q = quit, ? = help: ");
            out.flush();
            String line = readLine();
            if (line == null) {
                out.println();
                out.println("(end of input: quitting)");
                out.flush();
                return Answer.quit();
            }
            String answer = line.strip().toLowerCase(Locale.ROOT);
            switch (answer) {
                case "s", "skip" -> {
                    say("skipped " + task.id());
                    return Answer.skip();
                }
                case "q", "quit", "exit" -> {
                    say("quitting; every ranking so far is saved");
                    return Answer.quit();
                }
                case "?", "h", "help" -> say(help(task.k()));
                default -> {
                    try {
                        Ranking r = Ranking.parse(answer, task.k());
                        say("ranked: " + r.format());
                        return Answer.of(r);
                    } catch (IllegalArgumentException e) {
                        say("not a ranking: " + e.getMessage() + "  (? = help)");
                    }
                }
            }
        }
    }

    /** The prompt, then each completion numbered from 1 as "prompt … completion". */
    private void show(RankingTask task) {
        out.println();
        out.println("== task " + task.id() + " · prompt " + task.prompt().id() + " · " + task.k() + " completions ==");
        out.println("prompt: " + task.prompt().text() + " …");
        out.println();
        for (int i = 0; i < task.k(); i++) {
            String number = String.format("%3d  ", i + 1);
            out.println(wrap(number, task.prompt().text() + " … " + task.completions().get(i)));
        }
        out.println();
    }

    /** {@code text} after {@code label}, wrapped at {@link #WIDTH} with a hanging indent. */
    static String wrap(String label, String text) {
        String indent = " ".repeat(label.length());
        StringBuilder b = new StringBuilder(label);
        int col = label.length();
        boolean first = true;
        for (String word : text.split("\\s+")) {
            if (!first && col + 1 + word.length() > WIDTH) {
                b.append('\n').append(indent);
                col = indent.length();
                first = true;
            }
            if (!first) {
                b.append(' ');
                col++;
            }
            b.append(word);
            col += word.length();
            first = false;
        }
        return b.toString();
    }

    /** An example ranking of k completions with a tie: {@code 2 1=4 3} for k = 4. */
    static String example(int k) {
        if (k == 2) {
            return "2 1";
        }
        StringBuilder b = new StringBuilder("2 1=" + k);
        for (int i = 3; i < k; i++) {
            b.append(' ').append(i);
        }
        return b.toString();
    }

    private static String help(int k) {
        String tie = k == 2 ? "\"1=2\" says both are equally good"
                : "\"" + example(k) + "\" puts 2 first, then 1 and " + k + " tied" + (k > 3 ? ", then the rest" : "");
        return "Type the numbers of all " + k + " completions, best first, separated by spaces.\n"
                + "  Join equally good completions with '=' (a tie): " + tie + ".\n"
                + "  s = skip this task (nothing is saved for it)\n"
                + "  q = quit (every ranking given so far is already saved)\n"
                + "  ? = this help";
    }

    private void say(String message) {
        out.println("  " + message);
        out.flush();
    }

    private String readLine() {
        try {
            return in.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException("rater " + name + ": could not read the answer: " + e.getMessage(), e);
        }
    }
}
