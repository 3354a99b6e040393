package dev.rlhf4j.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.rlhf4j.model.NoGrad;
import dev.rlhf4j.model.TokenBatch;
import dev.rlhf4j.text.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * One rollout row, token by token: what PPO computed for each response token (Ziegler et al. 2019;
 * TRL's classic {@code PPOTrainer}), and what the update did to it.
 *
 * <pre>
 *   KL_t  = logp_t − logp_ref_t                       (the configured estimator; TRL's "kl")
 *   r_t   = −β·KL_t  (+ score at the last token)
 *   δ_t   = r_t + γ·V_{t+1} − V_t,   A_t = δ_t + γλ·A_{t+1},   R_t = A_t + V_t   (GAE)
 *   ρ_t   = exp(logp_new_t − logp_t)                  (logp_new under the policy after the update)
 *   clipped ⇔ −A_t·clip(ρ_t, 1 − ε, 1 + ε) > −A_t·ρ_t (the token counted by clipfrac)
 * </pre>
 *
 * The advantages shown are the rollout's, whitened over the batch; {@code R_t − V_t} is the raw GAE
 * advantage before whitening. With {@code whitenRewards} on, r_t is the whitened reward and no
 * longer equals −β·KL_t + score.
 */
public final class StepThrough {

    /**
     * One response token.
     *
     * @param t position in the response (0-based)
     * @param id token id
     * @param text the token's string ({@link Tokenizer#token(int)})
     * @param logprob log π_old(token), at rollout time
     * @param refLogprob log π_ref(token)
     * @param kl KL_t
     * @param klPenalty −β·KL_t
     * @param score the sequence's score at the last token, 0 elsewhere
     * @param reward r_t, the reward GAE used
     * @param value V(s_t) at rollout time
     * @param advantage A_t, whitened over the batch
     * @param rawAdvantage R_t − V_t, the GAE advantage before whitening
     * @param ret R_t = A_t + V_t, the value head's target
     * @param newLogprob log π_new(token) under the policy after the update (NaN without one)
     * @param ratio ρ_t = exp(newLogprob − logprob) (NaN without a new policy)
     * @param clipped whether the clipped term of the surrogate wins for this token
     */
    public record Token(int t, int id, String text, double logprob, double refLogprob, double kl, double klPenalty,
            double score, double reward, double value, double advantage, double rawAdvantage, double ret,
            double newLogprob, double ratio, boolean clipped) {}

    /** Reward chart series: −β·KL_t. */
    public static final String KL_PENALTY = "−β·KL_t";
    /** Reward chart series: the score, at the last token. */
    public static final String SCORE = "score (last token)";

    private final Rollout rollout;
    private final int row;
    private final double cliprange;
    private final List<Token> tokens;

    private StepThrough(Rollout rollout, int row, double cliprange, List<Token> tokens) {
        this.rollout = rollout;
        this.row = row;
        this.cliprange = cliprange;
        this.tokens = List.copyOf(tokens);
    }

    /**
     * Row {@code row} of {@code r}, with the ratios of {@code policyAfter} (the policy after the
     * update; one no-grad forward of that row, dropout off as in the trainer).
     *
     * @param cliprange ε of the policy clip (PpoConfig.cliprange, TRL: 0.2)
     */
    public static StepThrough of(Rollout r, int row, PolicyModel policyAfter, double cliprange) {
        checkRow(r, row);
        return build(r, row, policyAfter.lm().tokenizer(), newLogprobs(r, row, policyAfter), cliprange);
    }

    /** Row {@code row} of {@code r} with rollout-time quantities only (new log-prob and ratio NaN). */
    public static StepThrough of(Rollout r, int row, Tokenizer tokenizer) {
        checkRow(r, row);
        return build(r, row, tokenizer, null, Double.NaN);
    }

    private static void checkRow(Rollout r, int row) {
        if (row < 0 || row >= r.size()) {
            throw new IllegalArgumentException("step-through: row must be in [0, " + r.size() + "), found " + row);
        }
    }

    /** log π_new of row {@code row}'s response tokens: one forward, aligned as in {@link PpoTrainer}. */
    static double[] newLogprobs(Rollout r, int row, PolicyModel policy) {
        int[] seq = r.sequence(row);
        TokenBatch batch = TokenBatch.rightPadded(List.of(seq), policy.lm().tokenizer().padId());
        try (NDManager work = policy.lm().newWorkManager(); NoGrad g = NoGrad.enter()) {
            NDList in = batch.toInputs(work);
            NDList out = policy.forward(in);                                           // [logits [1,T,V], values [1,T]]
            NDArray rows = TokenForward.logProbRows(out.get(0));                      // [1, T-1, V]
            float[] lp = TokenForward.tokenLogProbs(rows, in).toFloatArray();         // [1, T-1]
            return batch.completionRows(lp, List.of(r.queries().get(row)), List.of(r.responses().get(row)))[0];
        }
    }

    private static StepThrough build(Rollout r, int row, Tokenizer tok, double[] newLp, double eps) {
        int[] resp = r.responses().get(row);
        List<Token> out = new ArrayList<>(resp.length);
        for (int t = 0; t < resp.length; t++) {
            double logp = r.logprobs()[row][t];
            double adv = r.advantages()[row][t];
            double ret = r.returns()[row][t];
            double value = r.values()[row][t];
            double penalty = 0.0 - r.beta() * r.kl()[row][t];                         // −β·KL_t (0.0 −: no −0)
            double score = t == resp.length - 1 ? r.scores()[row] : 0;                // + score at the last token
            double nlp = newLp == null ? Double.NaN : newLp[t];
            double ratio = Math.exp(nlp - logp);                                      // ρ = exp(logp_new − logp_old)
            boolean clipped = newLp != null && PpoLoss.surrogateClipped(ratio, adv, eps);
            out.add(new Token(t, resp[t], tok.token(resp[t]), logp, r.refLogprobs()[row][t], r.kl()[row][t], penalty,
                    score, r.rewards()[row][t], value, adv, ret - value, ret, nlp, ratio, clipped));
        }
        return new StepThrough(r, row, eps, out);
    }

    /** One record per response token. */
    public List<Token> tokens() {
        return tokens;
    }

    /** The rollout row shown. */
    public int row() {
        return row;
    }

    /** The prompt text. */
    public String prompt() {
        return rollout.prompts().get(row).text();
    }

    /** The completion text. */
    public String completion() {
        return rollout.completions().get(row);
    }

    /** β used for the rewards. */
    public double beta() {
        return rollout.beta();
    }

    /** The score PPO optimised for this row (added to the last token's reward). */
    public double score() {
        return rollout.scores()[row];
    }

    /** ε of the clip (NaN without a new policy). */
    public double cliprange() {
        return cliprange;
    }

    /**
     * The per-token table, one row per response token: {@code t, token, logprob, ref_logprob, kl,
     * kl_penalty, score, reward, value, advantage, raw_advantage, return, new_logprob, ratio, clipped}
     * (the GAE table is its {@code reward … return} columns).
     */
    public Table table() {
        Table t = Table.create("step-through of rollout row " + row,
                IntColumn.create("t", tokens.stream().mapToInt(Token::t).toArray()),
                StringColumn.create("token", tokens.stream().map(Token::text).toList()));
        t.addColumns(col("logprob", Token::logprob), col("ref_logprob", Token::refLogprob), col("kl", Token::kl),
                col("kl_penalty", Token::klPenalty), col("score", Token::score), col("reward", Token::reward),
                col("value", Token::value), col("advantage", Token::advantage), col("raw_advantage", Token::rawAdvantage),
                col("return", Token::ret), col("new_logprob", Token::newLogprob), col("ratio", Token::ratio));
        BooleanColumn clipped = BooleanColumn.create("clipped");
        tokens.forEach(k -> clipped.append(k.clipped()));
        return t.addColumns(clipped);
    }

    /** A column shown with 4 decimals (the table keeps every digit). */
    private DoubleColumn col(String name, java.util.function.ToDoubleFunction<Token> f) {
        DoubleColumn c = DoubleColumn.create(name, tokens.stream().mapToDouble(f).toArray());
        c.setPrintFormatter(new java.text.DecimalFormat("0.0000", java.text.DecimalFormatSymbols.getInstance(Locale.ROOT)), "");
        return c;
    }

    /**
     * The per-token reward as stacked bars: −β·KL_t on every token and the score on the last one,
     * so each bar's total is r_t (without {@code whitenRewards}). Categories are {@code "t token"}.
     */
    public CategoryChart rewardChart() {
        List<String> labels = tokens.stream().map(k -> k.t() + " " + k.text()).toList();
        CategoryChart c = new CategoryChartBuilder().width(Math.max(640, 30 * labels.size())).height(440)
                .title(String.format(Locale.ROOT, "Per-token reward of row %d (β = %.4g)", row, beta()))
                .xAxisTitle("response token").yAxisTitle("r_t").build();
        c.getStyler().setStacked(true);
        c.getStyler().setXAxisLabelRotation(90);                     // one token per tick, read upwards
        c.getStyler().setAxisTickLabelsFont(c.getStyler().getAxisTickLabelsFont().deriveFont(11f));
        c.getStyler().setYAxisDecimalPattern("0.00");
        c.getStyler().setLegendVisible(true);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        c.addSeries(KL_PENALTY, labels, tokens.stream().map(Token::klPenalty).toList());
        c.addSeries(SCORE, labels, tokens.stream().map(Token::score).toList());
        return c;
    }

    /** A fixed-width text table of {@link #tokens()}, headed by the prompt, completion, score and β. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "row %d  prompt: %s%ncompletion: %s%nscore %.4f   β %.4g   ε %.2f%n", row,
                prompt(), completion(), score(), beta(), cliprange));
        String head = "%3s %-12s %8s %8s %8s %8s %8s %8s %8s %8s %8s %6s %s%n";
        String line = "%3d %-12s %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f %6.3f %s%n";
        sb.append(String.format(Locale.ROOT, head, "t", "token", "logp", "ref", "KL", "r_t", "V", "A", "R", "A_raw",
                "logp'", "ρ", "clip"));
        for (Token k : tokens) {
            String text = k.text().length() > 12 ? k.text().substring(0, 11) + "…" : k.text();
            sb.append(String.format(Locale.ROOT, line, k.t(), text, z(k.logprob()), z(k.refLogprob()), z(k.kl()),
                    z(k.reward()), z(k.value()), z(k.advantage()), z(k.ret()), z(k.rawAdvantage()), z(k.newLogprob()),
                    k.ratio(), k.clipped() ? "yes" : ""));
        }
        return sb.toString();
    }

    /** v with −0 printed as 0. */
    private static double z(double v) {
        return v + 0.0;
    }
}
