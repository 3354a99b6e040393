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
                "evaluate", "iterate", "hacking-lab")) {
            String[] r = run(cmd, "--help");
            assertEquals("0", r[0], cmd + " --help");
            assertTrue(r[1].contains("--seed"), cmd + " has --seed:\n" + r[1]);
        }
        for (String cmd : List.of("pipeline", "data", "select", "adapt", "pretrain", "reward", "ppo", "iterate",
                "hacking-lab")) {
            assertTrue(run(cmd, "--help")[1].contains("--out"), cmd + " has --out");
        }
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
