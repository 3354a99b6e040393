package dev.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rlhf4j.core.RunSize;
import dev.rlhf4j.reward.RewardModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rlhf4j reward} on the bundled feedback, both objectives: in quick mode (the test suite's
 * mode) validation pairwise accuracy reaches 0.75 and comes within 0.10 of the raters' ceiling.
 */
class RewardCommandTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"bt", "elo"})
    void learnsTheRatersPreference(String objective) throws Exception {
        Path out = tmp.resolve(objective);
        String[] r = CliTest.run("reward", "--objective", objective, "--seed", "1", "--out", out.toString());
        assertEquals("0", r[0], r[2]);
        JsonObject summary = JsonParser.parseString(Files.readString(out.resolve("summary.json"))).getAsJsonObject();
        double accuracy = summary.get("val_accuracy").getAsDouble();
        double ceiling = summary.get("rater_ceiling").getAsDouble();
        System.out.printf("reward %s (%s mode): val_accuracy %.3f, rater_ceiling %.3f, truth_correlation %.3f%n", objective,
                RunSize.label(), accuracy, ceiling, summary.get("truth_correlation").getAsDouble());
        assertTrue(accuracy >= 0.75, "validation accuracy " + accuracy);
        assertTrue(accuracy >= ceiling - 0.10, "accuracy " + accuracy + " vs ceiling " + ceiling);
        assertTrue(ceiling > 0.75 && ceiling < 0.95, "the simulated raters disagree with the true taste sometimes: " + ceiling);
        for (String f : List.of("metrics.csv", "loss.png", "accuracy.png", "rewards.png", "config.json", "heads.safetensors")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        List<String> metrics = Files.readAllLines(out.resolve("metrics.csv"));
        assertTrue(metrics.get(0).startsWith("epoch,loss/train,loss/valid,accuracy/valid"), metrics.get(0));
        try (RewardModel rm = RewardModel.load(out, Device.cpu())) {
            double[] s = rm.normalizedScore(List.of("the pasta was", "the pasta was"),
                    List.of("amazing, full of truffle and basil. we will be back!", "cold and gross, you idiots."));
            assertTrue(s[0] > s[1], "a glowing review outscores a rude one: " + s[0] + " vs " + s[1]);
            assertTrue(rm.std() > 0 && rm.std() != 1.0, "normalisation was measured");
        }
    }
}
