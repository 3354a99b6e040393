package dev.rlhf4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlhf4j.ppo.PpoReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Live charts outside a kernel: quiet while rows come, one drawing at the end. (The kernel side is
 * tested through Jupyter's client in test_kernel_client.py.) */
class LiveChartsTest {

    @Test
    void outsideAKernelDrawsOnceAtTheEnd() {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        LiveCharts<Map<String, Double>> live = LiveCharts.of(PpoReport.dashboard()).withStatus(PpoReport::status).every(0);
        try {
            for (int i = 0; i < 5; i++) {
                live.add(Map.of("env/reward_mean", 0.1 * i, "objective/kl", 0.2 * i, "objective/kl_coef", 0.2));
            }
            assertEquals("", out.toString(StandardCharsets.UTF_8));
            assertEquals(5, live.finish().size());
            assertEquals(5, live.finish().size()); // nothing new: no second drawing
        } finally {
            System.setOut(saved);
        }
        assertEquals(1, live.draws());
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("iteration 5 · reward 0.400"), text);
        assertTrue(text.contains("\"Reward\""), text);
        assertTrue(text.contains("\"PPO losses\""), text);
    }

    @Test
    void chartsAreDrawnFromAllRowsSoFar() {
        LiveCharts<Double> live = LiveCharts.<Double>of(rows -> PpoReport.rewardChart(rows.stream()
                .map(v -> Map.of("env/reward_mean", v)).toList()));
        live.add(1.0);
        live.add(2.0);
        assertEquals(List.of(1.0, 2.0), live.rows());
        assertThrows(UnsupportedOperationException.class, () -> live.rows().add(3.0));
        assertThrows(IllegalArgumentException.class, () -> live.every(-1));
        assertThrows(IllegalArgumentException.class, () -> LiveCharts.of());
    }

    /** Slow drawings space themselves out (at most 5% of the time, at most 10 s apart); fast ones keep the interval. */
    @Test
    void slowDrawingsWaitLonger() {
        long s = 1_000_000_000L;
        assertEquals(2 * s, LiveCharts.waitAfter(2 * s, s / 20));      // 50 ms: 19 × 50 ms < 2 s
        assertEquals(19 * s / 4, LiveCharts.waitAfter(2 * s, s / 4));  // 250 ms: 4.75 s
        assertEquals(10 * s, LiveCharts.waitAfter(2 * s, 3 * s));      // capped at 10 s
        assertEquals(0, LiveCharts.waitAfter(0, s));                   // every(0): after every row
    }
}
