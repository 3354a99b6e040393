package dev.rlhf4j.feedback;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Maximum-likelihood Bradley–Terry strengths (Bradley and Terry 1952; Hunter 2004), reported on the
 * Elo scale as Chatbot Arena's {@code fit_mle_elo} does. Player i has a natural-log strength θ_i and
 * <pre>  P(i beats j) = σ(θ_i − θ_j) = 1 / (1 + e^(θ_j − θ_i)) = 1 / (1 + base^((R_j − R_i)/scale))</pre>
 * with the rating R_i = initial + scale/ln(base)·θ_i, the θ centred to mean 0 so that the mean
 * rating is {@code initial}. A tie counts as half a win to each side (as Arena). With S_ij i's score
 * against j (wins + ties/2) and n_ij their matches, the fit maximises the log-likelihood minus an
 * optional L2 prior
 * <pre>  ℓ(θ) = Σ_{i&lt;j} [S_ij·ln σ(θ_i − θ_j) + S_ji·ln σ(θ_j − θ_i)] − λ/2·Σ θ_i²</pre>
 * by Newton's method from θ = 0, with the gradient and the negative Hessian
 * <pre>  g_i = Σ_j (S_ij − n_ij·p_ij) − λ·θ_i      −H_ii = Σ_j n_ij·p_ij(1 − p_ij) + λ      −H_ij = −n_ij·p_ij(1 − p_ij)</pre>
 * and step halving whenever a full step lowers ℓ. Without a prior −H is singular along (1, …, 1)
 * (shifting every θ changes nothing): we solve (−H + 11ᵀ/n)·Δ = g instead, whose solution is the
 * Newton step orthogonal to (1, …, 1), because g sums to zero.
 *
 * <p>Without a prior the MLE exists only when every group of players scored at least once against
 * the rest ({@link ComparisonGraph}); otherwise {@link #fit} throws naming the players, rather than
 * letting a strength diverge.
 *
 * @param initial the mean rating (1000)
 * @param scale the rating difference for odds of base:1 (400)
 * @param base the odds at a difference of {@code scale} (10)
 * @param prior λ ≥ 0, the L2 penalty λ/2·Σθ² on the natural-log strengths (a Gaussian prior with
 *     variance 1/λ); it pulls every rating toward {@code initial}; 0 = pure maximum likelihood
 * @param tolerance Newton stops when the largest full step max|Δθ_i| is at most this (1e-10)
 * @param maxIterations the most Newton steps (100)
 */
public record BradleyTerry(double initial, double scale, double base, double prior, double tolerance,
        int maxIterations) {

    /** The prior that refits a bootstrap resample whose maximum-likelihood estimate does not exist. */
    public static final double BOOTSTRAP_PRIOR = 1e-3;

    /** Checks the ranges. */
    public BradleyTerry {
        new EloRating(1, initial, scale, base); // same checks for initial, scale and base
        if (!(prior >= 0) || !Double.isFinite(prior)) {
            throw new IllegalArgumentException("Bradley–Terry prior: expected a number ≥ 0, found " + prior);
        }
        if (!(tolerance > 0)) {
            throw new IllegalArgumentException("Bradley–Terry tolerance: expected a positive number, found " + tolerance);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("Bradley–Terry maxIterations: expected at least 1, found " + maxIterations);
        }
    }

    /** Initial 1000, scale 400, base 10, no prior, tolerance 1e-10, at most 100 iterations. */
    public static BradleyTerry defaults() {
        return new BradleyTerry(1000, 400, 10, 0, 1e-10, 100);
    }

    /** This config with another L2 prior λ. */
    public BradleyTerry withPrior(double prior) {
        return new BradleyTerry(initial, scale, base, prior, tolerance, maxIterations);
    }

    /** This config with another mean rating. */
    public BradleyTerry withInitial(double initial) {
        return new BradleyTerry(initial, scale, base, prior, tolerance, maxIterations);
    }

    /** This config with another scale. */
    public BradleyTerry withScale(double scale) {
        return new BradleyTerry(initial, scale, base, prior, tolerance, maxIterations);
    }

    /** This config with another base. */
    public BradleyTerry withBase(double base) {
        return new BradleyTerry(initial, scale, base, prior, tolerance, maxIterations);
    }

    /**
     * A fit.
     *
     * @param ratings R_i = initial + scale/ln(base)·θ_i, best first
     * @param thetas the natural-log strengths θ_i (mean 0), in the order of {@code ratings}
     * @param iterations Newton steps taken
     * @param logLikelihood ℓ at the fit, without the prior term
     * @param converged whether the last step was within the tolerance
     */
    public record Result(Map<String, Double> ratings, Map<String, Double> thetas, int iterations,
            double logLikelihood, boolean converged) {

        /** Copies the maps, keeping their order. */
        public Result {
            ratings = Collections.unmodifiableMap(new LinkedHashMap<>(ratings));
            thetas = Collections.unmodifiableMap(new LinkedHashMap<>(thetas));
        }

        /** A player's rating, or throws naming the known players. */
        public double rating(String player) {
            Double r = ratings.get(player);
            if (r == null) {
                throw new IllegalArgumentException("no rating for player '" + player + "'; players: " + ratings.keySet());
            }
            return r;
        }
    }

    /** P(i beats j) = 1 / (1 + base^((R_j − R_i)/scale)) for Elo-scale ratings. */
    public double probability(double ri, double rj) {
        return EloRating.expected(ri, rj, scale, base);
    }

    /** σ(x) = 1 / (1 + e^−x). */
    public static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x)); // σ(x) = 1/(1 + e^−x)
    }

    /** ln σ(x), computed without overflow. */
    static double logSigmoid(double x) {
        return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x)); // ln σ(x) = −ln(1 + e^−x)
    }

    /** ℓ(θ) = Σ over matches [S_A·ln σ(θ_A − θ_B) + (1 − S_A)·ln σ(θ_B − θ_A)], natural-log strengths. */
    public static double logLikelihood(List<Match> matches, Map<String, Double> thetas) {
        double ll = 0;
        for (Match m : matches) {
            double d = thetas.get(m.playerA()) - thetas.get(m.playerB());
            ll += m.scoreA() * logSigmoid(d) + m.scoreB() * logSigmoid(-d); // S_A·ln σ(d) + S_B·ln σ(−d)
        }
        return ll;
    }

    /** g_i = Σ over i's matches (S_i − σ(θ_i − θ_opponent)) − λ·θ_i: zero at the fit. */
    public static Map<String, Double> gradient(List<Match> matches, Map<String, Double> thetas, double prior) {
        Map<String, Double> g = new LinkedHashMap<>();
        thetas.forEach((p, t) -> g.put(p, -prior * t)); // −λ·θ_i
        for (Match m : matches) {
            double p = sigmoid(thetas.get(m.playerA()) - thetas.get(m.playerB())); // p = σ(θ_A − θ_B)
            g.merge(m.playerA(), m.scoreA() - p, Double::sum); // S_A − p
            g.merge(m.playerB(), m.scoreB() - (1 - p), Double::sum); // S_B − (1 − p)
        }
        return g;
    }

    /**
     * Fits the strengths of the players of {@code matches}.
     *
     * @throws IllegalArgumentException without a prior, when the maximum-likelihood estimate does not
     *     exist (a player or a group won or lost all its matches against the rest, or groups never
     *     met), naming the players
     */
    public Result fit(List<Match> matches) {
        Data d = Data.of(matches);
        if (prior == 0) {
            Optional<String> problem = new ComparisonGraph(d.players, d.games, d.wins).mleProblem();
            if (problem.isPresent()) {
                throw new IllegalArgumentException(problem.get());
            }
        }
        return newton(d);
    }

    /**
     * Arena's bootstrap: {@code rounds} times, resample the matches with replacement and refit; each
     * player's 95% interval is the 2.5%–97.5% percentiles of its ratings, around the fit on all the
     * matches. A resample whose maximum-likelihood estimate does not exist (a player that happens to
     * win all its resampled matches) is refitted with the prior {@link #BOOTSTRAP_PRIOR} and counted
     * in {@link Intervals#regularized()}; such replicates widen the intervals, as they should.
     */
    public Intervals bootstrap(List<Match> matches, int rounds, Random rng) {
        if (rounds < 1) {
            throw new IllegalArgumentException("bootstrap rounds: expected at least 1, found " + rounds);
        }
        Result point = fit(matches);
        Map<String, List<Double>> samples = new HashMap<>();
        int regularized = 0;
        for (int round = 0; round < rounds; round++) {
            List<Match> resample = new ArrayList<>(matches.size());
            for (int i = 0; i < matches.size(); i++) {
                resample.add(matches.get(rng.nextInt(matches.size()))); // draw with replacement
            }
            Data d = Data.of(resample);
            BradleyTerry config = this;
            if (prior == 0 && new ComparisonGraph(d.players, d.games, d.wins).mleProblem().isPresent()) {
                config = withPrior(BOOTSTRAP_PRIOR);
                regularized++;
            }
            config.newton(d).ratings().forEach((p, r) -> samples.computeIfAbsent(p, x -> new ArrayList<>()).add(r));
        }
        return Intervals.of(point.ratings(), samples, rounds, regularized);
    }

    /** Matches aggregated per pair: games[i][j] = n_ij, wins[i][j] = S_ij (wins + ties/2). */
    private record Data(List<String> players, double[][] games, double[][] wins) {

        static Data of(List<Match> matches) {
            if (matches.isEmpty()) {
                throw new IllegalArgumentException("Bradley–Terry: no matches to fit");
            }
            List<String> players = Matches.players(matches);
            Map<String, Integer> index = new HashMap<>();
            players.forEach(p -> index.put(p, index.size()));
            int n = players.size();
            double[][] games = new double[n][n];
            double[][] wins = new double[n][n];
            for (Match m : matches) {
                int a = index.get(m.playerA());
                int b = index.get(m.playerB());
                games[a][b]++;
                games[b][a]++;
                wins[a][b] += m.scoreA(); // a tie is half a win to each side
                wins[b][a] += m.scoreB();
            }
            return new Data(players, games, wins);
        }
    }

    private Result newton(Data d) {
        int n = d.players.size();
        double[] theta = new double[n];
        double objective = objective(d, theta);
        int iterations = 0;
        boolean converged = false;
        while (!converged && iterations < maxIterations) {
            iterations++;
            double[] g = new double[n];
            double[][] m = new double[n][n]; // −H (+ 11ᵀ/n without a prior)
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    if (d.games[i][j] > 0) {
                        double p = sigmoid(theta[i] - theta[j]); // p_ij = σ(θ_i − θ_j)
                        g[i] += d.wins[i][j] - d.games[i][j] * p; // g_i += S_ij − n_ij·p_ij
                        g[j] += d.wins[j][i] - d.games[i][j] * (1 - p); // g_j += S_ji − n_ij·p_ji
                        double w = d.games[i][j] * p * (1 - p); // n_ij·p_ij(1 − p_ij)
                        m[i][i] += w;
                        m[j][j] += w;
                        m[i][j] -= w;
                        m[j][i] -= w;
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                g[i] -= prior * theta[i]; // g_i −= λ·θ_i
                m[i][i] += prior; // −H_ii += λ
                for (int j = 0; prior == 0 && j < n; j++) {
                    m[i][j] += 1.0 / n; // + 11ᵀ/n removes the shift direction
                }
            }
            double[] step = Cholesky.solve(m, g); // Δ = (−H)⁻¹·g
            double t = 1;
            double[] next = new double[n];
            double nextObjective;
            for (int halvings = 0; ; halvings++) {
                for (int i = 0; i < n; i++) {
                    next[i] = theta[i] + t * step[i]; // θ + t·Δ
                }
                nextObjective = objective(d, next);
                if (nextObjective >= objective - 1e-12 * Math.abs(objective) || halvings == 60) {
                    break;
                }
                t /= 2; // step halving
            }
            double largest = 0;
            for (double delta : step) {
                largest = Math.max(largest, Math.abs(delta)); // the full Newton step, not the halved one
            }
            theta = next;
            objective = nextObjective;
            converged = largest <= tolerance;
        }
        return result(d, theta, iterations, converged);
    }

    private Result result(Data d, double[] theta, int iterations, boolean converged) {
        double mean = java.util.Arrays.stream(theta).average().orElse(0);
        double[] c = new double[theta.length];
        Map<String, Double> ratings = new LinkedHashMap<>();
        for (int i = 0; i < theta.length; i++) {
            c[i] = theta[i] - mean; // centre: mean θ = 0
            ratings.put(d.players.get(i), initial + scale / Math.log(base) * c[i]); // R = initial + scale/ln(base)·θ
        }
        ratings = Leaderboard.bestFirst(ratings);
        Map<String, Double> thetas = new LinkedHashMap<>();
        ratings.keySet().forEach(p -> thetas.put(p, c[d.players.indexOf(p)]));
        return new Result(ratings, thetas, iterations, objective(d, c) + prior / 2 * dot(c, c), converged);
    }

    /** ℓ(θ) − λ/2·Σθ² on the aggregated matches. */
    private double objective(Data d, double[] theta) {
        double ll = 0;
        for (int i = 0; i < theta.length; i++) {
            for (int j = i + 1; j < theta.length; j++) {
                if (d.games[i][j] > 0) {
                    double x = theta[i] - theta[j];
                    ll += d.wins[i][j] * logSigmoid(x) + d.wins[j][i] * logSigmoid(-x); // S_ij·ln σ + S_ji·ln σ(−x)
                }
            }
        }
        return ll - prior / 2 * dot(theta, theta); // ℓ − λ/2·Σθ²
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
