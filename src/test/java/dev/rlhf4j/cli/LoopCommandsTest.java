package dev.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rlhf4j iterate} and {@code rlhf4j hacking-lab} end to end at toy sizes (what they compute is
 * tested in RlhfLoopTest and HackingLabTest): the files they promise, and clear errors.
 */
class LoopCommandsTest {

    @TempDir
    Path tmp;

    @Test
    void iterateThenTheHackingLabOnItsRewardModel() throws Exception {
        Path it = tmp.resolve("iterate");
        String[] r = CliTest.run("iterate", "--rounds", "2", "--start-rankings", "64", "--rankings-per-round", "8",
                "--steps", "2", "--epochs", "1", "--out", it.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("round 1: reward model accuracy") && r[1].contains("round 2: reward model accuracy"), r[1]);
        List<String> rounds = Files.readAllLines(it.resolve("rounds.csv"));
        assertEquals(3, rounds.size(), "a header and one line per round: " + rounds);
        assertEquals(64 + 8, Files.readAllLines(it.resolve("feedback.jsonl")).size(), "round 1's new rankings are appended");
        for (String f : List.of("rounds-true-preference.png", "rounds-win-rate.png", "rounds-accuracy.png",
                "round-1/reward/model.safetensors", "round-2/ppo/summary.json", "round-2/ppo/policy/model.safetensors")) {
            assertTrue(Files.size(it.resolve(f)) > 0, f);
        }

        Path lab = tmp.resolve("lab");
        r = CliTest.run("hacking-lab", "--reward", it.resolve("round-1/reward").toString(), "--steps", "3",
                "--init-kl-coef", "0.05", "--out", lab.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].matches("(?s).*beta=0 +\\| +-?\\d+\\.\\d{3} +\\|.*"), "a readable table:\n" + r[1]);
        List<String> table = Files.readAllLines(lab.resolve("hacking.csv"));
        assertEquals(3, table.size(), table.toString());
        assertTrue(table.get(1).startsWith("beta=0,") && table.get(2).startsWith("adaptive beta,"), table.toString());
        for (String f : List.of("hacking.png", "hacking-kl.png", "beta=0/summary.json", "adaptive_beta/summary.json")) {
            assertTrue(Files.size(lab.resolve(f)) > 0, f);
        }
        assertTrue(Files.readString(lab.resolve("adaptive_beta/summary.json")).contains("\"kl_coef_init\": 0.05,"),
                "--init-kl-coef starts the penalised arm's controller");
        assertTrue(Files.readString(lab.resolve("beta=0/summary.json")).contains("\"kl_coef_init\": 0.0,"));
    }

    @Test
    void badOptionsAreExplained() {
        String[] r = CliTest.run("iterate", "--start-rankings", "0", "--out", tmp.resolve("x").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--start-rankings: expected 1..1152, found 0"), r[2]);
        r = CliTest.run("hacking-lab", "--reward", tmp.resolve("none").toString(), "--out", tmp.resolve("y").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--reward: ") && r[2].contains("is not a folder"), r[2]);
    }
}
