package dev.rlhf4j.dpo;

import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.reward.RewardModel;
import dev.rlhf4j.reward.RewardTrainer;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewPreference;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * DPO's implicit reward r̂(x, y) = β·(log π(y|x) − log π_ref(y|x)) next to a trained reward model's
 * score, on the same pairs. DPO's paper calls the policy "secretly a reward model": the loss is the
 * reward model's Bradley–Terry loss with r̂ in place of r, so a DPO policy orders a pair as a reward
 * model would. This class measures how far that holds on pairs neither was trained on.
 *
 * <p>Each pair is read three ways: by the raters' label (the chosen completion first), by the DPO
 * policy (r̂ of chosen vs rejected), by the reward model (its raw scores), and by the simulated human's
 * noiseless utility (the truth behind the raters' noisy labels).
 */
public final class ImplicitReward {

    private ImplicitReward() {}

    /**
     * Both rewards of every pair.
     *
     * @param pairs the pairs, chosen = what the raters preferred
     * @param dpoChosen r̂ of each chosen completion
     * @param dpoRejected r̂ of each rejected completion
     * @param rmChosen the reward model's raw score of each chosen completion
     * @param rmRejected its score of each rejected completion
     * @param trueMargin the simulated human's utility of chosen minus rejected (noiseless)
     */
    public record Comparison(List<DpoPairs.Pair> pairs, double[] dpoChosen, double[] dpoRejected, double[] rmChosen,
            double[] rmRejected, double[] trueMargin) {

        /** How many pairs. */
        public int size() {
            return pairs.size();
        }

        /** r̂(chosen) − r̂(rejected) of every pair. */
        public double[] dpoMargins() {
            return minus(dpoChosen, dpoRejected);
        }

        /** The reward model's score(chosen) − score(rejected) of every pair. */
        public double[] rmMargins() {
            return minus(rmChosen, rmRejected);
        }

        /** Share of pairs the DPO policy orders as the raters did (TRL's {@code rewards/accuracies}). */
        public double dpoAccuracy() {
            return positive(dpoMargins());
        }

        /** Share of pairs the reward model orders as the raters did. */
        public double rmAccuracy() {
            return positive(rmMargins());
        }

        /** Share of pairs the DPO policy orders as the simulated human's noiseless taste does (true ties left out). */
        public double dpoTrueAccuracy() {
            return agree(dpoMargins(), trueMargin);
        }

        /** Share of pairs the reward model orders as the simulated human's noiseless taste does (true ties left out). */
        public double rmTrueAccuracy() {
            return agree(rmMargins(), trueMargin);
        }

        /** Share of pairs the raters' labels order as the noiseless taste does: the ceiling of the two above. */
        public double ratersTrueAccuracy() {
            return agree(ones(trueMargin.length), trueMargin);
        }

        /** Share of pairs DPO and the reward model order the same way. */
        public double agreement() {
            return agree(dpoMargins(), rmMargins());
        }

        /** Pearson correlation of the two margins. */
        public double marginCorrelation() {
            return RewardTrainer.pearson(dpoMargins(), rmMargins());
        }

        /** The accuracies as a table: one row per judge of the pairs, against the raters and against the truth. */
        public Table summary() {
            StringColumn who = StringColumn.create("ordered by", List.of("raters' labels", "reward model",
                    "DPO implicit reward β·log π/π_ref"));
            DoubleColumn vsRaters = DoubleColumn.create("agrees with the raters",
                    new double[] {1.0, rmAccuracy(), dpoAccuracy()});
            DoubleColumn vsTruth = DoubleColumn.create("agrees with the simulated human",
                    new double[] {ratersTrueAccuracy(), rmTrueAccuracy(), dpoTrueAccuracy()});
            Table t = Table.create(size() + " validation pairs", who, vsRaters, vsTruth);
            rounded(t, "0.000");
            return t;
        }

        /** The first {@code n} pairs with both margins, for reading a few by eye. */
        public Table table(int n) {
            int m = Math.min(n, size());
            StringColumn prompt = StringColumn.create("prompt");
            StringColumn chosen = StringColumn.create("chosen");
            StringColumn rejected = StringColumn.create("rejected");
            DoubleColumn dpo = DoubleColumn.create("DPO margin");
            DoubleColumn rm = DoubleColumn.create("RM margin");
            DoubleColumn truth = DoubleColumn.create("true margin");
            double[] dm = dpoMargins();
            double[] rmm = rmMargins();
            for (int i = 0; i < m; i++) {
                DpoPairs.Pair p = pairs.get(i);
                prompt.append(p.prompt());
                chosen.append(p.chosen());
                rejected.append(p.rejected());
                dpo.append(dm[i]);
                rm.append(rmm[i]);
                truth.append(trueMargin[i]);
            }
            Table t = Table.create("pairs", prompt, chosen, rejected, dpo, rm, truth);
            rounded(t, "0.00");
            return t;
        }

        private static void rounded(Table t, String pattern) {
            for (DoubleColumn c : t.columns().stream().filter(DoubleColumn.class::isInstance).map(DoubleColumn.class::cast)
                    .toList()) {
                c.setPrintFormatter(new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.ROOT)), "");
            }
        }

        /** Scatter of the reward model's margin (x) against DPO's (y), coloured by whether the raters were right. */
        public XYChart scatter() {
            XYChart c = new XYChartBuilder().width(640).height(440)
                    .title(String.format(Locale.ROOT, "DPO's implicit reward vs the reward model (r = %.2f, same order on %.0f%%)",
                            marginCorrelation(), 100 * agreement()))
                    .xAxisTitle("reward model: score(chosen) − score(rejected)")
                    .yAxisTitle("DPO: r̂(chosen) − r̂(rejected)").build();
            c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
            c.getStyler().setMarkerSize(5);
            double[] x = rmMargins();
            double[] y = dpoMargins();
            List<Double> xs1 = new ArrayList<>(), ys1 = new ArrayList<>(), xs2 = new ArrayList<>(), ys2 = new ArrayList<>();
            for (int i = 0; i < x.length; i++) {
                boolean truthAgrees = trueMargin[i] > 0;
                (truthAgrees ? xs1 : xs2).add(x[i]);
                (truthAgrees ? ys1 : ys2).add(y[i]);
            }
            if (!xs1.isEmpty()) {
                c.addSeries("the simulated human agrees with the raters", xs1, ys1).setMarker(SeriesMarkers.CIRCLE);
            }
            if (!xs2.isEmpty()) {
                c.addSeries("it does not (or a tie)", xs2, ys2).setMarker(SeriesMarkers.CROSS);
            }
            return c;
        }
    }

    /**
     * r̂ = β·(log π(y|x) − log π_ref(y|x)) of every pair's chosen and rejected completion:
     * {@code {chosen[N], rejected[N]}}, in no-grad batches of {@code batchSize} pairs.
     */
    public static double[][] rewards(LanguageModel policy, LanguageModel reference, List<DpoPairs.Pair> pairs,
            double beta, int batchSize) {
        double[][] p = DpoTrainer.sequenceLogProbs(policy, pairs, batchSize);
        double[][] r = DpoTrainer.sequenceLogProbs(reference, pairs, batchSize);
        double[][] out = new double[2][pairs.size()];
        for (int k = 0; k < 2; k++) {
            for (int i = 0; i < pairs.size(); i++) {
                out[k][i] = beta * (p[k][i] - r[k][i]);   // β·log π/π_ref
            }
        }
        return out;
    }

    /**
     * Reads every pair by the DPO policy (with {@code beta}, the β it was trained with), by the reward
     * model and by the simulated human {@code judge}; {@code prompts} must hold every pair's prompt.
     */
    public static Comparison compare(LanguageModel policy, LanguageModel reference, RewardModel rewardModel,
            List<DpoPairs.Pair> pairs, double beta, List<Prompt> prompts, ReviewPreference judge) {
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("ImplicitReward.compare: no pairs to compare on");
        }
        double[][] dpo = rewards(policy, reference, pairs, beta, 32);
        List<String> texts = pairs.stream().map(DpoPairs.Pair::prompt).toList();
        double[] rmChosen = rewardModel.score(texts, pairs.stream().map(DpoPairs.Pair::chosen).toList());
        double[] rmRejected = rewardModel.score(texts, pairs.stream().map(DpoPairs.Pair::rejected).toList());
        Map<String, Prompt> byId = prompts.stream().collect(Collectors.toMap(Prompt::id, Function.identity(), (a, b) -> a));
        double[] truth = new double[pairs.size()];
        for (int i = 0; i < truth.length; i++) {
            DpoPairs.Pair p = pairs.get(i);
            Prompt prompt = byId.get(p.promptId());
            if (prompt == null) {
                throw new IllegalArgumentException("ImplicitReward.compare: pair " + p.record() + " has prompt id "
                        + p.promptId() + ", which is not among the " + prompts.size() + " prompts given");
            }
            truth[i] = judge.utility(prompt, p.chosen()) - judge.utility(prompt, p.rejected());
        }
        return new Comparison(List.copyOf(pairs), dpo[0], dpo[1], rmChosen, rmRejected, truth);
    }

    private static double[] minus(double[] a, double[] b) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - b[i];
        }
        return d;
    }

    private static double[] ones(int n) {
        double[] d = new double[n];
        java.util.Arrays.fill(d, 1);
        return d;
    }

    /** Share of a's entries that are positive. */
    static double positive(double[] a) {
        int n = 0;
        for (double v : a) {
            n += v > 0 ? 1 : 0;
        }
        return (double) n / a.length;
    }

    /** Share of the entries, where b is not 0, that have the sign of b's; NaN when b is all 0. */
    static double agree(double[] a, double[] b) {
        int n = 0, same = 0;
        for (int i = 0; i < a.length; i++) {
            if (b[i] != 0) {
                n++;
                same += Math.signum(a[i]) == Math.signum(b[i]) ? 1 : 0;
            }
        }
        return n == 0 ? Double.NaN : (double) same / n;
    }
}
