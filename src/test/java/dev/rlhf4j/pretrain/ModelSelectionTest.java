package dev.rlhf4j.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.rlhf4j.core.ChartLabels;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.SamplingConfig;
import dev.rlhf4j.world.Aspect;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewWorld;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;
import tech.tablesaw.api.Table;

class ModelSelectionTest {

    static final Path DATA = Path.of("datasets", "reviews");

    /**
     * Every bundled checkpoint reproduces its recorded held-out perplexity within 1% and beats the
     * bigram baseline; the report picks one by its rule and its charts carry the measured numbers.
     */
    @Test
    void bundledModelsReproduceTheirRecordsAndBeatTheBigram() {
        List<ModelCatalog.Candidate> candidates = ModelCatalog.bundled();
        assertTrue(candidates.size() >= 1, "bundled candidates");
        List<Prompt> prompts = ReviewWorld.readPrompts(DATA.resolve("prompts.csv")).stream().filter(Prompt::heldOut)
                .limit(8).toList();
        ModelSelection.Report report = ModelSelection.evaluate(candidates, DATA, prompts, 0, 1, Device.cpu());
        for (ModelSelection.Row r : report.rows()) {
            double rel = Math.abs(r.perplexity() - r.recordedPerplexity()) / r.recordedPerplexity();
            assertTrue(rel < 0.01, r.name() + ": measured " + r.perplexity() + " recorded " + r.recordedPerplexity());
            assertTrue(r.perplexity() < report.bigramPerplexity(), r.name() + " beats the bigram baseline");
            assertTrue(r.probes().onAspect() > 0 && r.probes().distinct1() > 0, r.name() + " probes");
        }
        assertNotNull(report.choice());
        ModelSelection.Row best = report.rows().stream().min((a, b) -> Double.compare(a.perplexity(), b.perplexity())).get();
        assertEquals(best.name(), report.choice(), "with no speed budget the rule picks the lowest perplexity");
        assertTrue(report.reason().contains("rule:"), report.reason());
        Table t = report.table();
        assertEquals(candidates.size() + 2, t.rowCount());
        double[] chartY = report.perplexityChart().getSeriesMap().get("candidates").getYData();
        assertEquals(report.rows().get(0).perplexity(), chartY[0], 1e-12);
    }

    /** The speed is measured on PPO's batch of 64 whatever the number of probed prompts; none is an error. */
    @Test
    void speedUsesAFixedBatchAndPromptsAreRequired() {
        ModelCatalog.Candidate tiny = ModelCatalog.bundled().get(0);
        try (LanguageModel lm = tiny.load(Device.cpu())) {
            double speed = ModelSelection.tokensPerSecond(lm, List.of(lm.encodePrompt("the pasta was")),
                    SamplingConfig.defaults().withMaxNewTokens(4), 1);
            assertTrue(speed > 0 && Double.isFinite(speed), "tokens per second " + speed);
        }
        var e = assertThrows(IllegalArgumentException.class,
                () -> ModelSelection.evaluate(List.of(tiny), DATA, List.of(), 0, 1, Device.cpu()));
        assertEquals("model selection: no prompts to sample", e.getMessage());
    }

    /** The report's files: the table with the baselines, both charts, and the choice with every candidate's samples. */
    @Test
    void theReportIsWrittenWithTheChoiceAndTheSamples(@TempDir Path tmp) throws IOException {
        SampleProbes probes = new SampleProbes(0.5, 0.8, 0.1, 0.9, 0.7);
        ModelSelection.Report report = new ModelSelection.Report(List.of(
                new ModelSelection.Row("tiny", 1000, 30, 30.1, 5000, probes, List.of("the pasta was cold", "our server was kind")),
                new ModelSelection.Row("small", 9000, 20, 20.2, 2000, probes, List.of("we waited an hour"))),
                60, 40, 1000, "small", "rule: the lowest perplexity");
        report.write(tmp.resolve("select"));
        List<String> csv = Files.readAllLines(tmp.resolve("select/selection.csv"));
        assertEquals(5, csv.size(), "a header, two candidates, two baselines: " + csv);
        assertTrue(csv.get(1).startsWith("tiny,1000,30.0,") && csv.get(4).startsWith("unigram baseline,,60.0,"), csv.toString());
        assertEquals("choice: small\nrule: the lowest perplexity\n\n# tiny\nthe pasta was cold\nour server was kind\n"
                + "\n# small\nwe waited an hour\n", Files.readString(tmp.resolve("select/samples.txt")));
        assertTrue(Files.size(tmp.resolve("select/perplexity.png")) > 0 && Files.size(tmp.resolve("select/speed.png")) > 0);
    }

    /**
     * The charts a reader needs: every point named with its model and value, sizes in millions on a
     * linear axis (a log axis showed a single "1E6" tick), a perplexity axis that spans the candidates
     * (not the bigram baseline, which is named in the title), the budget line and a legend below the plot.
     */
    @Test
    void chartsNameEveryModelOnReadableAxes() {
        SampleProbes probes = new SampleProbes(0.5, 0.8, 0.1, 0.9, 0.7);
        ModelSelection.Report report = new ModelSelection.Report(List.of(
                new ModelSelection.Row("tiny", 188_544, 4.837, 4.837, 5494, probes, List.of()),
                new ModelSelection.Row("small", 870_272, 4.739, 4.739, 3814, probes, List.of()),
                new ModelSelection.Row("medium", 3_313_408, 4.816, 4.816, 2718, probes, List.of())),
                131.8, 11.16, 1000, "small", "rule");
        XYChart ppl = report.perplexityChart();
        assertEquals(List.of("tiny 4.837", "small 4.739", "medium 4.816"), ChartLabels.texts(ppl));
        assertArrayEquals(new double[] {0.188544, 0.870272, 3.313408}, ppl.getSeriesMap().get(ModelSelection.CANDIDATES).getXData(),
                1e-12);
        assertFalse(ppl.getStyler().isXAxisLogarithmic());
        assertEquals("0.0", ppl.getStyler().getXAxisDecimalPattern());
        assertEquals("0.00", ppl.getStyler().getYAxisDecimalPattern());
        assertTrue(ppl.getStyler().getYAxisMin() < 4.739 && ppl.getStyler().getYAxisMax() > 4.837
                && ppl.getStyler().getYAxisMax() < 5, "the y-axis spans the candidates: " + ppl.getStyler().getYAxisMin()
                + " .. " + ppl.getStyler().getYAxisMax());
        assertTrue(ppl.getTitle().contains("bigram baseline 11.16"), ppl.getTitle());
        XYChart speed = report.speedChart();
        assertEquals(List.of("tiny 5,494", "small 3,814", "medium 2,718"), ChartLabels.texts(speed));
        assertEquals(List.of(ModelSelection.CANDIDATES, ModelSelection.BUDGET), List.copyOf(speed.getSeriesMap().keySet()));
        assertEquals(1000, speed.getSeriesMap().get(ModelSelection.BUDGET).getYData()[0]);
        assertTrue(speed.getStyler().getYAxisMin() < 1000, "the budget line is on the chart");
        assertEquals(Styler.LegendPosition.OutsideS, speed.getStyler().getLegendPosition());
    }

    /** A selection samples the held-out prompts only, 16 of them in quick mode (the suite's mode). */
    @Test
    void probePromptsAreHeldOut() {
        List<Prompt> all = ReviewWorld.readPrompts(DATA.resolve("prompts.csv"));
        List<Prompt> probes = ModelSelection.probePrompts(all);
        List<Prompt> heldOut = all.stream().filter(Prompt::heldOut).toList();
        assertEquals(dev.rlhf4j.core.RunSize.pick(heldOut.size(), 16), probes.size());
        assertEquals(heldOut.subList(0, probes.size()), probes);
    }

    @Test
    void aFolderThatIsNoModelIsExplained(@TempDir Path tmp) throws IOException {
        var e = assertThrows(IllegalArgumentException.class, () -> ModelCatalog.of(tmp));
        assertTrue(e.getMessage().contains("manifest.json") && e.getMessage().contains("config.json"), e.getMessage());
        Files.writeString(tmp.resolve("config.json"), "{}");
        Files.writeString(tmp.resolve("tokenizer.json"), "{}");
        e = assertThrows(IllegalArgumentException.class, () -> ModelCatalog.of(tmp));
        assertTrue(e.getMessage().contains("model.safetensors is missing"), e.getMessage());
    }

    /** Fine-tuning on one aspect lowers held-out perplexity on that aspect. */
    @Test
    void domainAdaptationHelpsItsSlice() {
        ModelCatalog.Candidate small = ModelCatalog.bundled().stream().filter(c -> c.name().equals("small")).findFirst()
                .orElseThrow();
        try (LanguageModel lm = small.load(Device.cpu())) {
            List<Integer> told = new ArrayList<>();
            DomainAdaptation.Result r = DomainAdaptation.run(lm, DATA, Aspect.PRICE, DomainAdaptation.recipe(30, 1),
                    (step, max, metrics) -> {
                        assertEquals(30, max);
                        assertTrue(Double.isFinite(metrics.get("loss")));
                        told.add(step);
                    });
            System.out.printf("adaptation to price: slice %.3f -> %.3f, rest %.3f -> %.3f%n", r.sliceBefore(),
                    r.sliceAfter(), r.restBefore(), r.restAfter());
            assertTrue(r.sliceAfter() < r.sliceBefore(), "slice perplexity should fall");
            assertEquals(30, r.metrics().size());
            assertEquals(30, told.size()); // the listener heard every step
            assertEquals(30, told.get(told.size() - 1));
        }
    }
}
