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
 * {@code rlhf4j ppo} on the bundled setup in quick mode (the suite's mode): it trains a reward model,
 * runs PPO, and the tuned policy beats the initial one under the simulated human.
 */
class PpoCommandTest {

    @TempDir
    static Path tmp;

    static Path run;
    static String[] output;

    @BeforeAll
    static void ppo() {
        run = tmp.resolve("ppo");
        output = CliTest.run("ppo", "--seed", "1", "--out", run.toString());
    }

    @Test
    void rewardRisesAndThePolicyWins() throws Exception {
        assertEquals("0", output[0], output[2]);
        JsonObject s = JsonParser.parseString(Files.readString(run.resolve("summary.json"))).getAsJsonObject();
        double win = s.get("win_rate_vs_initial").getAsDouble();
        System.out.printf("ppo (%s mode, %d iterations): reward %.3f -> %.3f, true preference %.3f -> %.3f, KL %.2f, "
                + "win rate %.3f [%.3f, %.3f]%n", RunSize.label(), s.get("iterations").getAsInt(),
                s.get("reward_mean_start").getAsDouble(), s.get("reward_mean_end").getAsDouble(),
                s.get("true_reward_start").getAsDouble(), s.get("true_reward_end").getAsDouble(),
                s.get("kl_mean_end").getAsDouble(), win, s.get("win_rate_lower").getAsDouble(),
                s.get("win_rate_upper").getAsDouble());
        assertTrue(s.get("reward_mean_end").getAsDouble() > s.get("reward_mean_start").getAsDouble() + 0.5, s.toString());
        assertTrue(win >= 0.75, "win rate against the initial model: " + win);
        double kl = s.get("kl_mean_end").getAsDouble();
        assertTrue(kl > 0 && kl < 20, "KL stays moderate: " + kl);
        for (String f : List.of("metrics.csv", "timings.csv", "reward.png", "kl.png", "loss.png", "clip.png", "entropy.png",
                "variance-explained.png", "samples.csv", "step_through.txt", "policy/model.safetensors",
                "policy/heads.safetensors", "reward/summary.json")) {
            assertTrue(Files.size(run.resolve(f)) > 0, f);
        }
        String header = Files.readAllLines(run.resolve("metrics.csv")).get(0);
        for (String name : List.of("env/reward_mean", "env/reward_std", "objective/kl", "objective/kl_coef",
                "objective/entropy", "ppo/loss/policy", "ppo/loss/value", "ppo/policy/clipfrac", "ppo/policy/approxkl",
                "ppo/val/var_explained", "ppo/returns/mean", "tokens/responses_len_mean", "env/true_reward_mean")) {
            assertTrue(header.contains(name), name + " in " + header);
        }
        assertTrue(!header.contains("time/"), "times go to timings.csv so metrics.csv repeats exactly");
        assertTrue(Files.readString(run.resolve("timings.csv")).startsWith("iteration,time/ppo/rollout"));
    }

    /** Same seed, same reward model → identical metrics.csv; another seed → different numbers. */
    @Test
    void sameSeedSameMetrics() throws Exception {
        String reward = run.resolve("reward").toString();
        String[] a = CliTest.run("ppo", "--seed", "3", "--steps", "3", "--reward", reward, "--out", tmp.resolve("a").toString());
        String[] b = CliTest.run("ppo", "--seed", "3", "--steps", "3", "--reward", reward, "--out", tmp.resolve("b").toString());
        String[] c = CliTest.run("ppo", "--seed", "4", "--steps", "3", "--reward", reward, "--out", tmp.resolve("c").toString());
        assertEquals("0", a[0], a[2]);
        assertEquals("0", b[0], b[2]);
        assertEquals("0", c[0], c[2]);
        String ma = Files.readString(tmp.resolve("a/metrics.csv"));
        assertEquals(4, ma.lines().count(), "a header and 3 iterations");
        assertEquals(ma, Files.readString(tmp.resolve("b/metrics.csv")));
        assertNotEquals(ma, Files.readString(tmp.resolve("c/metrics.csv")));
    }

    /** The Arena leaderboard ranks the tuned policy above the initial model. */
    @Test
    void evaluateRanksThePolicyFirst() throws Exception {
        Path out = tmp.resolve("eval");
        String[] r = CliTest.run("evaluate", "--policy", run.resolve("policy").toString(), "--reward",
                run.resolve("reward").toString(), "--samples-per-prompt", "2", "--bootstrap", "20", "--out", out.toString());
        assertEquals("0", r[0], r[2]);
        List<String> bt = Files.readAllLines(out.resolve("leaderboard_bt.csv"));
        assertTrue(bt.get(1).startsWith("policy,"), "best first: " + bt);
        assertTrue(bt.stream().anyMatch(l -> l.startsWith("best-of-4,")), bt.toString());
        assertTrue(bt.get(bt.size() - 1).startsWith("initial,"), "initial last: " + bt);
        assertTrue(Files.size(out.resolve("leaderboard.png")) > 0);
        assertTrue(Files.readString(out.resolve("win_rate.json")).contains("\"rate\""));
    }

    @Test
    void badOptionsAreExplained() {
        String[] r = CliTest.run("ppo", "--kl-penalty", "huge", "--reward", run.resolve("reward").toString(), "--out",
                tmp.resolve("bad").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--kl-penalty: expected kl, abs, mse or full, found huge"), r[2]);
        String[] missing = CliTest.run("ppo", "--reward", tmp.resolve("nothing").toString(), "--out", tmp.resolve("bad").toString());
        assertEquals("2", missing[0]);
        assertTrue(missing[2].contains("is not a folder"), missing[2]);
    }
}
