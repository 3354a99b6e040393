package dev.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlhf4j.core.Home;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C in a terminal command: {@code rlhf4j pretrain} in its own JVM gets SIGINT after a few
 * steps; the shutdown hook interrupts the work, which finishes its step and stops with the
 * library's message, exit status 130, the metrics log whole (every row complete) and no
 * half-written checkpoint.
 */
class CtrlCTest {

    @Test
    void sigintStopsPretrainingAfterItsStep(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("model");
        Path log = tmp.resolve("output.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(defaultSigint());
        command.addAll(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "-Drlhf4j.home=" + Home.resolve("."), Main.class.getName(), "pretrain", "--out", out.toString(),
                "--steps", "5000", "--layers", "1", "--heads", "1", "--embd", "16", "--context", "32",
                "--batch-size", "4", "--device", "cpu"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Path metrics = out.resolve("metrics.csv");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(Files.exists(metrics) && Files.readAllLines(metrics).size() >= 4)) {
                assertTrue(p.isAlive(), "pretraining ended early: " + Files.readString(log));
                assertTrue(System.nanoTime() < deadline, "no metrics after 60 s: " + Files.readString(log));
                Thread.sleep(50);
            }
            long sent = System.nanoTime();
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start().waitFor();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "still running 20 s after SIGINT: " + Files.readString(log));
            double seconds = (System.nanoTime() - sent) / 1e9;
            System.out.printf("pretrain stopped %.2f s after SIGINT%n", seconds);
            String text = Files.readString(log);
            assertEquals(130, p.exitValue(), text);
            assertTrue(text.contains("rlhf4j: interrupted after step "), text);
            assertTrue(seconds < 10, "stopped " + seconds + " s after SIGINT");
            List<String> rows = Files.readAllLines(metrics);
            int columns = rows.get(0).split(",", -1).length;
            for (String row : rows) {
                assertEquals(columns, row.split(",", -1).length, "a whole row: " + row);
            }
            assertFalse(Files.exists(out.resolve("manifest.json")), "no checkpoint from an interrupted pretraining");
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * {@code env --default-signal=INT}, where coreutils has it (8.31 and later), else nothing. A test run
     * started in the background ({@code mvn test &} in a script) inherits SIGINT ignored, and a JVM
     * never handles a signal that was ignored when it started; a terminal's foreground command gets
     * the default disposition, and so does the child here.
     */
    static List<String> defaultSigint() throws Exception {
        try {
            Process probe = new ProcessBuilder("env", "--default-signal=INT", "true").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            if (probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0) {
                return List.of("env", "--default-signal=INT");
            }
        } catch (java.io.IOException e) {
            // no env on the PATH: run the JVM directly
        }
        return List.of();
    }
}
