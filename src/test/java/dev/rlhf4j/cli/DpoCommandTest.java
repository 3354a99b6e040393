package dev.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rlhf4j.core.RunSize;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rlhf4j dpo} on the bundled setup in quick mode (the suite's mode): DPO on the bundled
 * feedback's pairs, and the tuned policy beats the initial one under the simulated human.
 */
class DpoCommandTest {

    @TempDir
    static Path tmp;

    @Test
    void thePolicyWinsOnHeldOutPrompts() throws Exception {
        Path run = tmp.resolve("dpo");
        String[] output = CliTest.run("dpo", "--seed", "1", "--out", run.toString());
        assertEquals("0", output[0], output[2]);
        JsonObject s = JsonParser.parseString(Files.readString(run.resolve("summary.json"))).getAsJsonObject();
        double win = s.get("win_rate_vs_initial").getAsDouble();
        System.out.printf("dpo (%s mode, %d pairs, %d steps, %.0f s): loss %.3f -> %.3f, accuracy %.3f, margin %.3f, "
                + "KL to initial %.2f, win rate %.3f [%.3f, %.3f]%n", RunSize.label(), s.get("pairs").getAsInt(),
                s.get("steps").getAsInt(), s.get("seconds").getAsDouble(), s.get("loss_start").getAsDouble(),
                s.get("loss_end").getAsDouble(), s.get("rewards_accuracies_end").getAsDouble(),
                s.get("rewards_margins_end").getAsDouble(), s.get("kl_to_initial").getAsDouble(), win,
                s.get("win_rate_lower").getAsDouble(), s.get("win_rate_upper").getAsDouble());
        assertTrue(win >= 0.75, "win rate against the initial model: " + win);
        assertEquals(Math.log(2), s.get("loss_start").getAsDouble(), 1e-4, "π = π_ref at the first step");
        assertTrue(s.get("loss_end").getAsDouble() < Math.log(2) - 0.05, s.toString());
        double kl = s.get("kl_to_initial").getAsDouble();
        assertTrue(kl > 0 && kl < 20, "KL to the initial model stays moderate: " + kl);
        assertTrue(s.get("true_utility_policy").getAsDouble() > s.get("true_utility_initial").getAsDouble());
        for (String f : List.of("metrics.csv", "loss.png", "rewards.png", "accuracy.png", "logps.png",
                "policy/model.safetensors", "policy/config.json")) {
            assertTrue(Files.size(run.resolve(f)) > 0, f);
        }
        String header = Files.readAllLines(run.resolve("metrics.csv")).get(0);
        assertEquals("step,epoch,loss,rewards/chosen,rewards/rejected,rewards/accuracies,rewards/margins,logps/chosen,"
                + "logps/rejected,grad_norm", header);
        assertTrue(output[1].contains("against the initial model on held-out prompts: win rate"), output[1]);
    }

    /** Same seed → identical metrics.csv; another seed → different numbers. */
    @Test
    void sameSeedSameMetrics() throws Exception {
        String[] a = CliTest.run("dpo", "--seed", "3", "--max-pairs", "96", "--out", tmp.resolve("a").toString());
        String[] b = CliTest.run("dpo", "--seed", "3", "--max-pairs", "96", "--out", tmp.resolve("b").toString());
        String[] c = CliTest.run("dpo", "--seed", "4", "--max-pairs", "96", "--out", tmp.resolve("c").toString());
        assertEquals("0", a[0], a[2]);
        assertEquals("0", b[0], b[2]);
        assertEquals("0", c[0], c[2]);
        String ma = Files.readString(tmp.resolve("a/metrics.csv"));
        assertEquals(4, ma.lines().count(), "a header and 3 steps of 32 pairs");
        assertEquals(ma, Files.readString(tmp.resolve("b/metrics.csv")));
        assertNotEquals(ma, Files.readString(tmp.resolve("c/metrics.csv")));
    }

    @Test
    void badOptionsAreExplained() {
        String[] r = CliTest.run("dpo", "--loss-type", "kto", "--out", tmp.resolve("bad").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("loss_type: expected sigmoid, ipo or hinge, found kto"), r[2]);
        String[] beta = CliTest.run("dpo", "--beta", "-1", "--out", tmp.resolve("bad").toString());
        assertEquals("2", beta[0]);
        assertTrue(beta[2].contains("DpoConfig.beta: expected a finite value > 0, found -1.0"), beta[2]);
        String[] help = CliTest.run("dpo", "--help");
        assertEquals("0", help[0]);
        assertTrue(help[1].contains("--seed") && help[1].contains("--checkpoint") && help[1].contains("--out"), help[1]);
    }
}
