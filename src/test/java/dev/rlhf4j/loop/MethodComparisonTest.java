package dev.rlhf4j.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.eval.Evaluation;
import dev.rlhf4j.feedback.FeedbackLog;
import dev.rlhf4j.text.Words;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewPreference;
import dev.rlhf4j.world.ReviewWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * The three-way comparison on a small slice of the bundled feedback with a few steps per method: the
 * files exist, and the reported numbers agree with what the saved samples give when judged again.
 */
class MethodComparisonTest {

    @TempDir
    static Path tmp;

    static Path out;
    static MethodComparison.Result result;
    static JsonObject summary;

    @BeforeAll
    static void compare() throws Exception {
        Path feedback = tmp.resolve("feedback.jsonl");
        Files.write(feedback, Files.readAllLines(Home.resolve(FeedbackLog.BUNDLED)).subList(0, 160)); // a slice: minutes, not tens
        MethodComparison.Settings d = MethodComparison.Settings.defaults(7, "cpu");
        MethodComparison.Settings s = new MethodComparison.Settings(d.checkpoint(), d.data(), feedback, 7, "cpu", 2,
                d.reward().toBuilder().epochs(1).build(), d.ppo().toBuilder().steps(3).build(),
                d.dpo().toBuilder().maxPairs(64).build(), d.grpo().toBuilder().steps(3).build());
        out = tmp.resolve("compare");
        result = MethodComparison.run(s, out, null);
        summary = JsonParser.parseString(Files.readString(out.resolve("summary.json"))).getAsJsonObject();
    }

    @Test
    void writesEveryFile() throws Exception {
        for (String f : List.of("comparison.csv", "summary.json", "samples.csv", "true-preference.png", "frontier.png",
                "reward/summary.json", "ppo/metrics.csv", "dpo/metrics.csv", "grpo/metrics.csv", "ppo/policy/config.json",
                "dpo/policy/config.json", "grpo/policy/config.json")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        Table t = Table.read().csv(out.resolve("comparison.csv").toFile());
        assertEquals(List.of("initial", "ppo", "dpo", "grpo"), t.stringColumn("method").asList());
        for (int i = 1; i < 4; i++) {
            String m = t.stringColumn("method").get(i);
            JsonObject x = summary.getAsJsonObject("methods").getAsJsonObject(m);
            assertEquals(x.get("win_rate_vs_initial").getAsDouble(), t.doubleColumn("win_rate_vs_initial").get(i), 1e-9, m);
            assertEquals(x.get("kl_to_initial").getAsDouble(), t.doubleColumn("kl_to_initial").get(i), 1e-9, m);
            for (String o : MethodComparison.METHODS) {
                if (!o.equals(m)) {
                    assertEquals(summary.getAsJsonObject("pairwise").getAsJsonObject(m).getAsJsonObject(o).get("rate")
                            .getAsDouble(), t.doubleColumn("win_vs_" + o).get(i), 1e-9, m + " vs " + o);
                }
            }
        }
    }

    /**
     * DPO learns from the rankings the reward model trains on: every ranking but those of the reward
     * model's validation prompts, which are the pairs notebook 07 compares both on.
     */
    @Test
    void dpoLeavesOutTheRewardModelsValidationPrompts() {
        List<dev.rlhf4j.feedback.FeedbackRecord> records = FeedbackLog.read(Home.resolve(FeedbackLog.BUNDLED)).records();
        dev.rlhf4j.reward.RewardConfig reward = MethodComparison.Settings.defaults(7, "cpu").reward();
        Set<String> valid = dev.rlhf4j.reward.RewardData.validPrompts(records, reward.validFraction(), reward.seed());
        List<dev.rlhf4j.feedback.FeedbackRecord> dpo = MethodComparison.dpoRecords(records, reward);
        assertTrue(!valid.isEmpty() && !dpo.isEmpty());
        long inValid = records.stream().filter(r -> valid.contains(r.promptId())).count();
        assertTrue(inValid > 0, "the validation prompts have rankings");
        assertEquals(records.size() - inValid, dpo.size());
        assertTrue(dpo.stream().noneMatch(r -> valid.contains(r.promptId())));
    }

    /**
     * The live dashboard from hand-made steps: PPO's and GRPO's true preference against the fraction
     * done, DPO's accuracy with its margin on the right axis, and where each method is.
     */
    @Test
    void liveDashboardFollowsTheSteps() {
        List<MethodComparison.Step> rows = List.of(
                new MethodComparison.Step("ppo", 1, 4, Map.of("env/true_reward_mean", 0.5)),
                new MethodComparison.Step("ppo", 2, 4, Map.of("env/true_reward_mean", 0.9)),
                new MethodComparison.Step("dpo", 1, 10, Map.of("rewards/accuracies", 0.6, "rewards/margins", 0.1)));
        assertEquals("ppo 2/4 · dpo 1/10 · grpo –", ComparisonReport.status(rows));
        XYChart truth = ComparisonReport.liveTruePreferenceChart(rows);
        assertEquals(Set.of("ppo"), truth.getSeriesMap().keySet());
        XYSeries ppo = truth.getSeriesMap().get("ppo");
        assertEquals(List.of(0.25, 0.5), java.util.Arrays.stream(ppo.getXData()).boxed().toList());
        assertEquals(List.of(0.5, 0.9), java.util.Arrays.stream(ppo.getYData()).boxed().toList());
        XYChart dpo = ComparisonReport.liveDpoChart(rows);
        XYSeries acc = dpo.getSeriesMap().get("accuracy");
        assertEquals(0.1, acc.getXData()[0], 1e-12);
        assertEquals(0.6, acc.getYData()[0], 1e-12);
        XYSeries margin = dpo.getSeriesMap().values().stream().filter(x -> x.getYAxisGroup() == 1).findFirst().orElseThrow();
        assertEquals(0.1, margin.getYData()[0], 1e-12);
    }

    /** The win rates, true preferences and distinct-n, recomputed from samples.csv, match the report. */
    @Test
    void reportedNumbersFollowFromTheSavedSamples() throws Exception {
        Map<String, List<String>> samples = readSamples(out.resolve("samples.csv"));
        Map<String, Prompt> byId = ReviewWorld.readPrompts(Home.resolve("datasets/reviews/prompts.csv")).stream()
                .collect(Collectors.toMap(Prompt::id, Function.identity()));
        List<Prompt> rows = samples.get("prompt_id").stream().map(byId::get).toList();
        List<Prompt> heldOut = new ArrayList<>();
        for (int i = 0; i < rows.size(); i += 2) {
            heldOut.add(rows.get(i));
        }
        assertTrue(heldOut.stream().allMatch(Prompt::heldOut) && heldOut.size() > 20, "held-out prompts, 2 rows each");
        ReviewPreference judge = ReviewPreference.defaults();
        for (MethodComparison.Method m : result.methods()) {
            Evaluation.WinRate w = Evaluation.winRate(samples.get(m.name()), samples.get("initial"), heldOut, 2, judge, 7);
            JsonObject x = summary.getAsJsonObject("methods").getAsJsonObject(m.name());
            assertEquals(w.rate(), x.get("win_rate_vs_initial").getAsDouble(), 1e-12, m.name());
            assertEquals(w.lower(), x.get("win_rate_lower").getAsDouble(), 1e-12, m.name());
            assertEquals(w.upper(), x.get("win_rate_upper").getAsDouble(), 1e-12, m.name());
            assertTrue(w.lower() <= w.rate() && w.rate() <= w.upper(), w.toString());
            double utility = 0;
            for (int i = 0; i < rows.size(); i++) {
                utility += judge.utility(rows.get(i), samples.get(m.name()).get(i)) / rows.size();
            }
            assertEquals(utility, x.get("true_preference").getAsDouble(), 1e-9, m.name());
            assertEquals(distinct(samples.get(m.name()), 1), x.get("distinct_1").getAsDouble(), 1e-12, m.name());
            assertEquals(distinct(samples.get(m.name()), 2), x.get("distinct_2").getAsDouble(), 1e-12, m.name());
            assertTrue(Double.isFinite(m.klToInitial()) && m.klToInitial() > -1, m.name() + " KL " + m.klToInitial());
            for (MethodComparison.Method o : result.methods()) {
                if (o != m) {
                    Evaluation.WinRate p = Evaluation.winRate(samples.get(m.name()), samples.get(o.name()), heldOut, 2, judge, 7);
                    assertEquals(p.rate(), result.pairwise().get(m.name()).get(o.name()).rate(), 1e-12, m.name() + " vs " + o.name());
                }
            }
        }
        double initial = 0;
        for (int i = 0; i < rows.size(); i++) {
            initial += judge.utility(rows.get(i), samples.get("initial").get(i)) / rows.size();
        }
        assertEquals(initial, summary.get("initial_true_preference").getAsDouble(), 1e-9);
    }

    /** Ties count as half, so w(a, b) + w(b, a) = 1 for every pair. */
    @Test
    void pairwiseWinRatesAreAntisymmetric() {
        for (String a : MethodComparison.METHODS) {
            for (String b : MethodComparison.METHODS) {
                if (!a.equals(b)) {
                    JsonObject ab = summary.getAsJsonObject("pairwise").getAsJsonObject(a).getAsJsonObject(b);
                    JsonObject ba = summary.getAsJsonObject("pairwise").getAsJsonObject(b).getAsJsonObject(a);
                    assertEquals(1.0, ab.get("rate").getAsDouble() + ba.get("rate").getAsDouble(), 1e-12, a + " vs " + b);
                    assertEquals(ab.get("ties").getAsInt(), ba.get("ties").getAsInt(), a + " vs " + b);
                }
            }
        }
    }

    /** Time and memory are measured per method and add up within the whole comparison. */
    @Test
    void costsAreMeasured() {
        double sum = result.rewardSeconds();
        for (MethodComparison.Method m : result.methods()) {
            assertTrue(m.seconds() > 0 && m.peakHeapBytes() > 0, m.toString());
            assertTrue(m.peakRssBytes() == -1 || m.peakRssBytes() > 50L << 20, "RSS of a JVM with PyTorch: " + m.peakRssBytes());
            sum += m.seconds();
        }
        assertTrue(sum < result.seconds(), sum + " s of parts within " + result.seconds() + " s");
    }

    @Test
    void chartsHoldTheRunsAndTheEndPoints() {
        XYChart curve = ComparisonReport.truePreferenceChart(result);
        for (String m : List.of("ppo", "grpo")) {
            XYSeries s = curve.getSeriesMap().get(m + " (training samples)");
            double[] x = s.getXData();
            assertEquals(3, x.length, m);
            assertEquals(1.0, x[x.length - 1], 1e-12, m + ": the last iteration is the end of training");
            assertEquals(result.method(m).metrics().get(2).get("env/true_reward_mean"), s.getYData()[2], 1e-12, m);
        }
        XYSeries dpo = curve.getSeriesMap().get("dpo (held-out, start and end only)");
        assertEquals(SeriesLines.DASH_DASH, dpo.getLineStyle());
        assertEquals(result.initialTruePreference(), dpo.getYData()[0], 1e-12);
        assertEquals(result.method("dpo").truePreference(), dpo.getYData()[1], 1e-12);
        XYChart frontier = ComparisonReport.frontierChart(result);
        assertEquals(0.0, frontier.getSeriesMap().get("initial").getXData()[0]);
        for (MethodComparison.Method m : result.methods()) {
            XYSeries p = frontier.getSeriesMap().get(m.name());
            assertEquals(m.klToInitial(), p.getXData()[0], 1e-12);
            assertEquals(m.truePreference(), p.getYData()[0], 1e-12);
        }
    }

    /** Every column of samples.csv as text. */
    private static Map<String, List<String>> readSamples(Path file) {
        Table t = Table.read().usingOptions(CsvReadOptions.builder(file.toFile()).columnTypes(c -> ColumnType.STRING).build());
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String c : t.columnNames()) {
            m.put(c, t.stringColumn(c).asList());
        }
        return m;
    }

    /** Distinct n-grams ÷ all n-grams over every text, counted here independently of SampleProbes. */
    private static double distinct(List<String> texts, int n) {
        Set<List<String>> seen = new HashSet<>();
        long all = 0;
        for (String text : texts) {
            List<String> w = Words.split(text);
            for (int i = 0; i + n <= w.size(); i++) {
                seen.add(List.copyOf(w.subList(i, i + n)));
                all++;
            }
        }
        return seen.size() / (double) Math.max(1, all);
    }
}
