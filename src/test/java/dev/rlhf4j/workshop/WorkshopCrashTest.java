package dev.rlhf4j.workshop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The crash test, on both backends, loopback only: {@code rlhf4j workshop serve} runs as
 * a separate process (the bundled model samples the tasks), 100 simulated people post rankings,
 * the server is killed with SIGKILL ({@link Process#destroyForcibly()}) mid-run and restarted on the
 * same database and port; the people's retries (same idempotency keys) carry the run to its end.
 * Every acknowledged id is then in the export exactly once, and nothing is stored that was not
 * acknowledged.
 */
class WorkshopCrashTest {

    static final String ADMIN = "admin-secret-for-crash";
    static final String CODE = "crash";
    static final int RANKINGS = 2000;
    static final int KILL_AFTER = 400;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {TestDatabases.SQLITE, TestDatabases.POSTGRESQL})
    @Timeout(420)
    void killNineMidRunThenRestartLosesAndDuplicatesNothing(String kind) throws Exception {
        try (TestDatabases.Db db = TestDatabases.fresh(kind, dir)) {
            int port = freePort();
            Process first = serve(db, port, dir.resolve("serve-1.log"));
            Process second = null;
            try {
                awaitHealthy(port, first, dir.resolve("serve-1.log"), Duration.ofSeconds(180));
                Path acks = dir.resolve("acks.txt");
                SimulatedRoom room = new SimulatedRoom(SimulatedRoom.Settings
                        .defaults(URI.create("http://127.0.0.1:" + port + "/?code=" + CODE)).toBuilder()
                        .raters(100).rankings(RANKINGS).concurrency(100).seed(21).acks(acks)
                        .timeout(Duration.ofSeconds(240)).build());
                AtomicReference<SimulatedRoom.Result> result = new AtomicReference<>();
                Thread sim = new Thread(() -> result.set(room.run()), "crash-test-room");
                sim.start();

                long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (room.acknowledged() < KILL_AFTER && sim.isAlive() && System.nanoTime() < waitUntil) {
                    Thread.sleep(5);
                }
                assertTrue(sim.isAlive() && room.acknowledged() >= KILL_AFTER,
                        "the room should be mid-run at the kill; acknowledged " + room.acknowledged());
                first.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, no close
                assertTrue(first.waitFor(30, TimeUnit.SECONDS), "the killed server is gone");
                int atKill = room.acknowledged();
                long killed = System.nanoTime();

                second = serve(db, port, dir.resolve("serve-2.log"));
                awaitHealthy(port, second, dir.resolve("serve-2.log"), Duration.ofSeconds(120));
                double down = (System.nanoTime() - killed) / 1e9;
                sim.join(TimeUnit.SECONDS.toMillis(300));
                SimulatedRoom.Result r = result.get();
                assertNotNull(r, "the room did not finish");
                System.out.printf("[crash %s] killed at %d acknowledged, serving again %.1f s later; %s", kind, atKill, down,
                        r.report());

                assertTrue(r.complete(), kind + ": the room goes on after the restart and finishes: " + r.report());
                assertTrue(r.acked().size() > atKill, "rankings acknowledged after the restart");
                assertTrue(r.errors().keySet().stream().anyMatch(k -> k.contains("connection")),
                        "the people saw the server go: " + r.errors().keySet());
                List<String> refused = r.errors().keySet().stream()
                        .filter(k -> !k.contains("(retried)") && !k.startsWith("person left")).toList();
                assertTrue(refused.isEmpty(), kind + ": refusals after the restart: " + refused);
                assertTrue(r.acked().equals(Files.readAllLines(acks)), "the acks file holds every acknowledged id, in order");

                String export = new WorkshopClient(URI.create("http://127.0.0.1:" + port + "/"),
                        WorkshopClient.httpClient(Duration.ofSeconds(5)), Duration.ofSeconds(60)).export(ADMIN);
                WorkshopLoadTest.assertAllStoredOnce(r.acked(), export, kind + " after kill -9");
                long stored = export.lines().filter(l -> !l.isBlank()).count();
                System.out.printf("[crash %s] acknowledged %d, stored %d%n", kind, r.acked().size(), stored);
                assertEquals(r.acked().size(), stored, kind + ": stored but never acknowledged (a retry stored twice?)");
            } finally {
                stop(first);
                stop(second);
            }
        }
    }

    /** {@code rlhf4j workshop serve} in a new JVM on this test's class path, output to {@code log}. */
    private Process serve(TestDatabases.Db db, int port, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                "dev.rlhf4j.cli.Main", "workshop", "serve", "--port", Integer.toString(port), "--db", db.url(),
                "--code", CODE, "--admin-token", ADMIN, "--tasks", "40", "--rate", "0"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(Path.of("").toAbsolutePath().toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        if (db.user() != null) {
            pb.environment().put("RLHF4J_DB_USER", db.user()); // not on the command line
            pb.environment().put("RLHF4J_DB_PASSWORD", db.password());
        }
        return pb.start();
    }

    /** Waits until {@code GET /api/health} answers 200; fails with the server's log if it exits or takes too long. */
    private static void awaitHealthy(int port, Process server, Path log, Duration limit) throws Exception {
        WorkshopClient client = new WorkshopClient(URI.create("http://127.0.0.1:" + port + "/"),
                WorkshopClient.httpClient(Duration.ofSeconds(2)), Duration.ofSeconds(5));
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            if (!server.isAlive()) {
                fail("the server exited with " + server.exitValue() + ":\n" + tail(log));
            }
            try {
                if (client.health().status() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        fail("the server did not answer /api/health within " + limit.toSeconds() + " s:\n" + tail(log));
    }

    private static void stop(Process p) throws InterruptedException {
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
