package dev.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    /** Runs the CLI in-process and returns {exit code, stdout, stderr}. */
    static String[] run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int rc = Main.run(args);
            return new String[] {Integer.toString(rc), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void everyCommandHasHelpAndSeed() {
        for (String cmd : List.of("pipeline", "data", "select", "adapt", "pretrain", "generate", "bench", "reward", "ppo",
                "evaluate", "iterate", "hacking-lab", "compare")) {
            String[] r = run(cmd, "--help");
            assertEquals("0", r[0], cmd + " --help");
            assertTrue(r[1].contains("--seed"), cmd + " has --seed:\n" + r[1]);
        }
        for (String cmd : List.of("pipeline", "data", "select", "adapt", "pretrain", "reward", "ppo", "iterate",
                "hacking-lab", "compare")) {
            assertTrue(run(cmd, "--help")[1].contains("--out"), cmd + " has --out");
        }
    }

    /** The shared options (a mixin per group) show each command's own defaults in its help. */
    @Test
    void helpShowsEachCommandsDefaults() {
        Map<String, String> outs = Map.of("pipeline", "runs/pipeline", "select", "runs/select", "adapt", "runs/adapt",
                "pretrain", "runs/pretrain", "simulate-feedback", "datasets/feedback", "reward", "runs/reward", "ppo",
                "runs/ppo", "evaluate", "runs/evaluate", "iterate", "runs/iterate", "hacking-lab", "runs/hacking-lab");
        for (Map.Entry<String, String> e : outs.entrySet()) {
            String help = run(e.getKey(), "--help")[1].replaceAll("\\s+", " ");
            assertTrue(help.contains("--out=<out> output folder (default: " + e.getValue() + ")"), e.getKey() + ":\n" + help);
            assertTrue(help.contains("(default: 1)") && help.contains("--device=<device> auto, cpu or gpu (default: auto)"),
                    e.getKey() + ":\n" + help);
        }
        for (String cmd : List.of("pipeline", "generate", "rank", "reward", "ppo", "evaluate", "iterate", "hacking-lab")) {
            String help = run(cmd, "--help")[1].replaceAll("\\s+", " ");
            assertTrue(help.contains("(default: datasets/pretrained/small, the stage-1 choice)"), cmd + ":\n" + help);
        }
        String lab = run("hacking-lab", "--help")[1].replaceAll("\\s+", " ");
        assertTrue(lab.contains("--init-kl-coef=BETA") && lab.contains("init_kl_coef; default: 0.2)"), lab);
    }

    /** A few pretraining steps of a toy GPT: the checkpoint records how it was made, the command line included. */
    @Test
    void pretrainRecordsItsRun(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("pretrain");
        String[] r = run("pretrain", "--steps", "3", "--layers", "1", "--heads", "2", "--embd", "16",
                "--batch-size", "4", "--seed", "5", "--out", out.toString());
        assertEquals("0", r[0], r[2]);
        assertEquals(4, Files.readAllLines(out.resolve("metrics.csv")).size(), "a header and 3 steps");
        com.google.gson.JsonObject info = dev.rlhf4j.model.Checkpoint.info(out);
        assertEquals(3, info.get("steps").getAsInt());
        assertEquals(5, info.get("seed").getAsLong());
        assertTrue(info.get("bigramPerplexity").getAsDouble() > 1, info.toString());
        assertTrue(info.get("command").getAsString().contains("pretrain --out " + out + " --seed 5 --steps 3 --batch-size 4"),
                info.toString());
    }

    /** The same seed prints the same samples; another seed prints others. */
    @Test
    void generateIsDeterministic() {
        String[] a = run("generate", "--prompt", "the pasta was", "-n", "5", "--seed", "1");
        String[] b = run("generate", "--prompt", "the pasta was", "-n", "5", "--seed", "1");
        String[] c = run("generate", "--prompt", "the pasta was", "-n", "5", "--seed", "2");
        assertEquals("0", a[0], a[2]);
        List<String> lines = a[1].lines().toList();
        assertEquals(5, lines.size(), a[1]);
        for (String line : lines) {
            assertTrue(line.startsWith("the pasta was "), line);
        }
        assertEquals(a[1], b[1]);
        assertNotEquals(a[1], c[1]);
    }

    @Test
    void badInputGetsAClearError(@TempDir Path tmp) throws Exception {
        String[] r = run("generate", "--checkpoint", tmp.resolve("nope").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("does not exist"), r[2]);
        Files.createDirectories(tmp.resolve("empty"));
        r = run("generate", "--checkpoint", tmp.resolve("empty").toString());
        assertTrue(r[2].contains("manifest.json is missing"), r[2]);
    }
}
