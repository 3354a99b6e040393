package dev.rlhf4j.cli;

import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.feedback.EloRating;
import dev.rlhf4j.feedback.Intervals;
import dev.rlhf4j.feedback.Leaderboard;
import dev.rlhf4j.feedback.Match;
import dev.rlhf4j.feedback.Matches;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rlhf4j elo}: online Elo ratings of a matches file, in file order (Chatbot Arena's conventions). */
@Command(name = "elo", mixinStandardHelpOptions = true,
        description = {"Rate the players of a matches CSV (player_a,player_b,score_a; 1 win, 0 loss, 0.5 tie) with online",
            "Elo in file order, print the leaderboard and write it as a ratings CSV",
            "(player,rating,lower,upper,matches,wins,losses,ties), best first. --bootstrap N adds Arena's 95% intervals."})
public final class EloCommand implements Callable<Integer> {

    @Option(names = "--input", required = true, paramLabel = "MATCHES.csv", description = "the matches file")
    Path input;

    @Option(names = {"--output", "--out"}, required = true, paramLabel = "RATINGS.csv", description = "the ratings file to write")
    Path output;

    @Option(names = "--k", description = "K-factor, the largest change per match (default: ${DEFAULT-VALUE}; Arena uses 4)")
    double k = 32;

    @Option(names = "--initial", description = "every player's first rating (default: ${DEFAULT-VALUE})")
    double initial = 1000;

    @Option(names = "--scale", description = "rating difference for odds of base:1 (default: ${DEFAULT-VALUE})")
    double scale = 400;

    @Option(names = "--base", description = "odds at a difference of scale (default: ${DEFAULT-VALUE})")
    double base = 10;

    @Option(names = "--bootstrap", paramLabel = "N", description = "bootstrap resamples for 95% intervals, 0 = none (default: ${DEFAULT-VALUE})")
    int bootstrap = 0;

    @Option(names = "--seed", description = "seed of the bootstrap resamples (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Override
    public Integer call() {
        if (bootstrap < 0) {
            throw new IllegalArgumentException("--bootstrap: expected 0 or more resamples, found " + bootstrap);
        }
        EloRating elo = new EloRating(k, initial, scale, base);
        List<Match> matches = readMatches(input);
        EloRating.Ratings ratings = elo.rate(matches);
        Intervals intervals = bootstrap == 0 ? null : elo.bootstrap(matches, bootstrap, Seeds.derive(seed, "elo-bootstrap"));
        String title = String.format(Locale.ROOT, "Elo (K=%s)", number(k));
        Leaderboard board = Leaderboard.of(title, ratings.ratings(), intervals, matches);
        System.out.printf(Locale.ROOT, "online Elo of %d matches between %d players in file order: K=%s, initial %s, scale %s,"
                + " base %s%n", matches.size(), ratings.ratings().size(), number(k), number(initial), number(scale), number(base));
        if (intervals != null) {
            System.out.printf(Locale.ROOT, "95%% intervals from %d bootstrap resamples (seed %d)%n", bootstrap, seed);
        }
        System.out.println(board.table().printAll());
        board.write(output);
        System.out.println("wrote " + output);
        return 0;
    }

    /** The matches of {@code file}; throws when there are none. */
    static List<Match> readMatches(Path file) {
        List<Match> matches = Matches.read(file);
        if (matches.isEmpty()) {
            throw new IllegalArgumentException(file + ": expected at least one match after the header, found none");
        }
        return matches;
    }

    /** 32.0 → "32", 0.5 → "0.5". */
    static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
