package dev.rlhf4j.cli;

import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.feedback.BradleyTerry;
import dev.rlhf4j.feedback.Intervals;
import dev.rlhf4j.feedback.Leaderboard;
import dev.rlhf4j.feedback.Match;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rlhf4j bt}: maximum-likelihood Bradley–Terry ratings of a matches file, on the Elo scale. */
@Command(name = "bt", mixinStandardHelpOptions = true,
        description = {"Fit Bradley–Terry strengths to a matches CSV (player_a,player_b,score_a; a tie is half a win to",
            "each side) by maximum likelihood, report them on the Elo scale (mean = --initial) with Arena's 95% bootstrap",
            "intervals, print the leaderboard and write it as a ratings CSV",
            "(player,rating,lower,upper,matches,wins,losses,ties), best first."})
public final class BtCommand implements Callable<Integer> {

    @Option(names = "--input", required = true, paramLabel = "MATCHES.csv", description = "the matches file")
    Path input;

    @Option(names = {"--output", "--out"}, required = true, paramLabel = "RATINGS.csv", description = "the ratings file to write")
    Path output;

    @Option(names = "--prior", paramLabel = "L2", description = "L2 prior λ on the log-strengths, 0 = pure maximum likelihood;"
            + " needed when a player won or lost all its matches (default: ${DEFAULT-VALUE})")
    double prior = 0;

    @Option(names = "--initial", description = "mean rating (default: ${DEFAULT-VALUE})")
    double initial = 1000;

    @Option(names = "--scale", description = "rating difference for odds of base:1 (default: ${DEFAULT-VALUE})")
    double scale = 400;

    @Option(names = "--base", description = "odds at a difference of scale (default: ${DEFAULT-VALUE})")
    double base = 10;

    @Option(names = "--bootstrap", paramLabel = "N", description = "bootstrap resamples for 95% intervals, 0 = none (default: ${DEFAULT-VALUE})")
    int bootstrap = 100;

    @Option(names = "--seed", description = "seed of the bootstrap resamples (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Override
    public Integer call() {
        if (bootstrap < 0) {
            throw new IllegalArgumentException("--bootstrap: expected 0 or more resamples, found " + bootstrap);
        }
        BradleyTerry bt = BradleyTerry.defaults().withInitial(initial).withScale(scale).withBase(base).withPrior(prior);
        List<Match> matches = EloCommand.readMatches(input);
        BradleyTerry.Result fit = bt.fit(matches);
        System.out.printf(Locale.ROOT, "Bradley–Terry fit of %d matches between %d players, prior %s: %s after %d Newton steps,"
                + " log-likelihood %.4f%n", matches.size(), fit.ratings().size(), EloCommand.number(prior),
                fit.converged() ? "converged" : "NOT converged", fit.iterations(), fit.logLikelihood());
        Intervals intervals = bootstrap == 0 ? null : bt.bootstrap(matches, bootstrap, Seeds.derive(seed, "bt-bootstrap"));
        if (intervals != null) {
            System.out.printf(Locale.ROOT, "95%% intervals from %d bootstrap resamples (seed %d)%s%n", bootstrap, seed,
                    intervals.regularized() == 0 ? "" : String.format(Locale.ROOT, "; %d resamples had no finite maximum-likelihood"
                            + " estimate and were refitted with the prior %s", intervals.regularized(), BradleyTerry.BOOTSTRAP_PRIOR));
        }
        Leaderboard board = Leaderboard.of("Bradley–Terry", fit.ratings(), intervals, matches);
        System.out.println(board.table().printAll());
        board.write(output);
        System.out.println("wrote " + output);
        return 0;
    }
}
