package dev.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.feedback.FeedbackLog;
import dev.rlhf4j.feedback.FeedbackSummary;
import dev.rlhf4j.loop.Pipeline;
import dev.rlhf4j.ppo.Samples;
import dev.rlhf4j.world.ReviewWorld;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline's page built from a hand-made result folder (the files the stages write, with chosen
 * numbers, and the bundled feedback's real summary): every stage has its section, the win rate
 * appears once with its interval and what it was measured on, every image is a file next to the
 * page, completions are escaped, and no machine path shows.
 */
class PipelineReportTest {

    @TempDir
    Path out;

    String page;

    /** Files present: every chart but select/speed.png (a missing chart must not be linked). */
    static final List<String> PNGS = List.of("select/perplexity.png", "reward/accuracy.png", "ppo/reward.png", "ppo/kl.png",
            "evaluate/leaderboard.png");

    @BeforeEach
    void writeResultFolder() throws Exception {
        write(Pipeline.SUMMARY, """
                {"mode": "quick", "seconds": 321.5, "seed": 1, "model": "small",
                 "model_choice": "rule: the lowest held-out perplexity among models sampling at least 1000 tokens/s",
                 "feedback": "the bundled rankings of samples of small", "feedback_log": "datasets/feedback/feedback.jsonl",
                 "held_out_prompts": 120, "samples_per_prompt": 4, "best_of": 4}
                """);
        write("reward/summary.json", """
                {"objective": "bt", "val_accuracy": 0.7125, "rater_ceiling": 0.8531, "truth_correlation": 0.61,
                 "val_pairs": 640, "train_rankings": 1000, "valid_rankings": 152, "epochs": 4}
                """);
        write("ppo/summary.json", """
                {"win_rate_vs_initial": 0.926, "win_rate_lower": 0.9, "win_rate_upper": 0.95, "win_rate_comparisons": 480,
                 "reward_mean_start": -0.5, "reward_mean_end": 1.25, "kl_mean_end": 2.345,
                 "true_reward_start": -0.4, "true_reward_end": 0.55, "iterations": 40}
                """);
        // (452 + 4/2) / 480 = 0.94583
        write("evaluate/win_rate.json", """
                {"rate": 0.9458333, "lower": 0.9229, "upper": 0.9666, "comparisons": 480, "wins": 452, "ties": 4,
                 "candidateUtility": 0.612, "baselineUtility": -0.415}
                """);
        write("evaluate/leaderboard_bt.csv", """
                player,rating,lower,upper,matches,wins,losses,ties
                policy,1150.2,1120,1180,960,800,150,10
                best-of-4,1010.1,990,1030,960,500,450,10
                initial,839.7,810,870,960,100,850,10
                """);
        Samples.table(List.of("the pasta was", "the staff were"),
                List.of("bad <b>very</b> bad & \"cold\"", "rude"), List.of("great & fresh, 5 < 6 stars", "kind"),
                new double[] {-1, -0.5}, new double[] {1, 0.5}, new double[] {-1.25, -0.75}, new double[] {0.875, 0.5})
                .write().csv(Files.createDirectories(out.resolve("ppo")).resolve("samples.csv").toFile());
        for (String png : PNGS) {
            Files.createDirectories(out.resolve(png).getParent());
            ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", out.resolve(png).toFile());
        }
        Path bundled = Home.resolve(FeedbackLog.BUNDLED);
        FeedbackSummary.write(FeedbackLog.readStrict(bundled), ReviewWorld.readPrompts(Home.resolve("datasets/reviews/prompts.csv")),
                bundled.resolveSibling(FeedbackSummary.MODELS_CSV), 10, 1, out.resolve("feedback"));
        page = Files.readString(PipelineReport.write(out));
    }

    @Test
    void everyStageHasItsSectionInOrder() {
        int at = -1;
        for (String id : List.of("result", "stage-1", "stage-2", "stage-3", "stage-4", "evaluation", "samples")) {
            int i = page.indexOf("<section id=\"" + id + "\"");
            assertTrue(i > at, id + " missing or out of order");
            at = i;
        }
        String stage2 = section("stage-2");
        assertTrue(stage2.contains("1,152 rankings of 1,024 prompts, 4 completions each"), stage2);
        // the bundled log's agreement as datasets/feedback/README.md reports it (0.753, 0.706, 0.676 pooled; 0.852)
        assertTrue(stage2.contains("agree with each other on 71.2% of pairs"), stage2);
        assertTrue(stage2.contains("sim-standard, agrees with the true preference on 85.2% of pairs (1024 prompts)"),
                stage2);
        assertTrue(stage2.contains("src=\"feedback/elo_scores.png\"") && stage2.contains("src=\"feedback/models.png\""), stage2);
        assertTrue(section("stage-3").contains("71.3% of the time") && section("stage-4").contains("-0.500 → 1.250"), page);
    }

    @Test
    void theWinRateAppearsOnceWithItsIntervalAndWhatItWasMeasuredOn() {
        assertEquals(1, count(page, "94.6%"), "the evaluation's win rate, once");
        String headline = section("result");
        assertTrue(headline.contains("94.6% of head-to-head comparisons (95% interval 92.3% – 96.7%)"), headline);
        assertTrue(headline.contains("Measured on 480 comparisons: 120 held-out prompts (never used in training) × 4 samples"),
                headline);
        assertTrue(headline.contains("-0.415 for the initial model → 0.612") && headline.contains("2.345 nats per completion"), headline);
        for (String ppo : List.of("92.6%", "0.926")) {
            assertEquals(0, count(page, ppo), "PPO's own estimate is not printed: " + ppo);
        }
        assertTrue(section("evaluation").contains("differs from the result above only by which samples were drawn"), page);
    }

    @Test
    void everyImageIsAFileNextToThePage() {
        Matcher m = Pattern.compile("<img src=\"([^\"]*)\"").matcher(page);
        List<String> srcs = new ArrayList<>();
        while (m.find()) {
            srcs.add(m.group(1));
        }
        for (String src : srcs) {
            assertFalse(src.startsWith("/") || src.contains(":") || src.contains(".."), src);
            assertTrue(Files.isRegularFile(out.resolve(src)), src);
        }
        List<String> expected = new ArrayList<>(PNGS);
        expected.addAll(List.of("feedback/elo_scores.png", "feedback/models.png"));
        assertEquals(Set.copyOf(expected), Set.copyOf(srcs));
        assertEquals(expected.size(), srcs.size(), "each chart once: " + srcs);
    }

    @Test
    void completionsAreEscapedAndThePageIsWellFormed() {
        String samples = section("samples");
        assertTrue(samples.contains("bad &lt;b&gt;very&lt;/b&gt; bad &amp; &quot;cold&quot;"), samples);
        assertTrue(samples.contains("great &amp; fresh, 5 &lt; 6 stars"), samples);
        assertTrue(samples.contains("(-1.250)") && samples.contains("(0.875)"), samples);
        assertFalse(page.contains("<b>"), "a completion's tag reached the page");
        // every & starts an entity, and the tags are known and balanced
        assertFalse(Pattern.compile("&(?!(amp|lt|gt|quot|#39);)").matcher(page).find(), "a bare &");
        Set<String> known = Set.of("html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "ul", "li", "section",
                "div", "figure", "img", "figcaption", "table", "colgroup", "col", "tr", "th", "td", "span", "code");
        Set<String> empty = Set.of("meta", "img", "col");
        Deque<String> open = new ArrayDeque<>();
        String body = page.substring(page.indexOf("<html"));
        body = body.replaceAll("(?s)<style>.*?</style>", "<style></style>");
        Matcher tag = Pattern.compile("<(/?)([a-zA-Z0-9]*)[^>]*>").matcher(body);
        int tags = 0;
        while (tag.find()) {
            String name = tag.group(2).toLowerCase();
            assertTrue(known.contains(name), "unknown tag " + tag.group());
            tags++;
            if (empty.contains(name)) {
                continue;
            }
            if (tag.group(1).isEmpty()) {
                open.push(name);
            } else {
                assertEquals(open.isEmpty() ? "nothing" : open.pop(), name, "closing tag " + tag.group() + " at " + tag.start());
            }
        }
        assertTrue(open.isEmpty() && tags > 50, "unclosed " + open);
        assertEquals(body.length() - body.replace("<", "").length(), tags, "every < starts a tag");
    }

    @Test
    void noMachinePathShows() {
        for (String path : List.of(out.toAbsolutePath().toString(), Home.resolve(".").toAbsolutePath().normalize().toString(),
                System.getProperty("user.home"), System.getProperty("java.io.tmpdir"))) {
            assertFalse(page.contains(path), path);
        }
        assertFalse(Pattern.compile("(src|href)=\"(/|file:)").matcher(page).find(), "an absolute link");
        assertTrue(section("stage-2").contains("Log: datasets/feedback/feedback.jsonl."), section("stage-2"));
    }

    /** The text of {@code <section id="id">}. */
    private String section(String id) {
        int from = page.indexOf("<section id=\"" + id + "\"");
        assertTrue(from >= 0, "no section " + id);
        return page.substring(from, page.indexOf("</section>", from));
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private void write(String file, String text) {
        Path p = out.resolve(file);
        try {
            Files.createDirectories(p.getParent());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        AtomicFiles.writeString(p, text);
    }
}
