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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rlhf4j grpo} on the bundled setup in quick mode (the suite's mode): it trains a reward
 * model, runs GRPO, and the tuned policy beats the initial one under the simulated human.
 */
class GrpoCommandTest {

    @TempDir
    static Path tmp;

    static Path run;
    static String[] output;

    @BeforeAll
    static void grpo() {
        run = tmp.resolve("grpo");
        output = CliTest.run("grpo", "--seed", "1", "--out", run.toString());
    }

    @Test
    void rewardRisesAndThePolicyWins() throws Exception {
        assertEquals("0", output[0], output[2]);
        JsonObject s = JsonParser.parseString(Files.readString(run.resolve("summary.json"))).getAsJsonObject();
        double win = s.get("win_rate_vs_initial").getAsDouble();
        System.out.printf("grpo (%s mode, %d iterations, %.0f s): reward %.3f -> %.3f, true preference %.3f -> %.3f, "
                + "kl %.3f, KL to initial %.2f, win rate %.3f [%.3f, %.3f]%n", RunSize.label(),
                s.get("iterations").getAsInt(), s.get("seconds").getAsDouble(), s.get("reward_start").getAsDouble(),
                s.get("reward_end").getAsDouble(), s.get("true_reward_start").getAsDouble(),
                s.get("true_reward_end").getAsDouble(), s.get("kl_end").getAsDouble(), s.get("kl_to_initial").getAsDouble(),
                win, s.get("win_rate_lower").getAsDouble(), s.get("win_rate_upper").getAsDouble());
        assertTrue(win >= 0.75, "win rate against the initial model: " + win);
        assertTrue(s.get("reward_end").getAsDouble() > s.get("reward_start").getAsDouble() + 0.5, s.toString());
        double kl = s.get("kl_to_initial").getAsDouble();
        assertTrue(kl > 0 && kl < 20, "KL to the initial model stays moderate: " + kl);
        for (String f : List.of("metrics.csv", "reward.png", "kl.png", "loss.png", "clip.png", "lengths.png",
                "policy/model.safetensors", "reward/summary.json")) {
            assertTrue(Files.size(run.resolve(f)) > 0, f);
        }
        String header = Files.readAllLines(run.resolve("metrics.csv")).get(0);
        for (String name : List.of("reward", "reward_std", "frac_reward_zero_std", "kl", "clip_ratio/low_mean",
                "clip_ratio/high_mean", "clip_ratio/region_mean", "completions/mean_length", "completions/clipped_ratio",
                "loss", "env/true_reward_mean")) {
            assertTrue(header.contains(name), name + " in " + header);
        }
    }

    /** Same seed, same reward model → identical metrics.csv; another seed → different numbers. */
    @Test
    void sameSeedSameMetrics() throws Exception {
        String reward = run.resolve("reward").toString();
        String[] a = CliTest.run("grpo", "--seed", "3", "--steps", "2", "--reward", reward, "--out", tmp.resolve("a").toString());
        String[] b = CliTest.run("grpo", "--seed", "3", "--steps", "2", "--reward", reward, "--out", tmp.resolve("b").toString());
        String[] c = CliTest.run("grpo", "--seed", "4", "--steps", "2", "--reward", reward, "--out", tmp.resolve("c").toString());
        assertEquals("0", a[0], a[2]);
        assertEquals("0", b[0], b[2]);
        assertEquals("0", c[0], c[2]);
        String ma = Files.readString(tmp.resolve("a/metrics.csv"));
        assertEquals(3, ma.lines().count(), "a header and 2 iterations");
        assertEquals(ma, Files.readString(tmp.resolve("b/metrics.csv")));
        assertNotEquals(ma, Files.readString(tmp.resolve("c/metrics.csv")));
    }

    @Test
    void badOptionsAreExplained() {
        String reward = run.resolve("reward").toString();
        String[] r = CliTest.run("grpo", "--loss-type", "ppo", "--reward", reward, "--out", tmp.resolve("bad").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("loss_type: expected grpo, bnpo, dapo or dr_grpo, found ppo"), r[2]);
        String[] g = CliTest.run("grpo", "--num-generations", "1", "--reward", reward, "--out", tmp.resolve("bad").toString());
        assertEquals("2", g[0]);
        assertTrue(g[2].contains("GrpoConfig.numGenerations: expected >= 2"), g[2]);
    }
}
