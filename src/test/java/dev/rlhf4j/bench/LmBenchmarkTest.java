package dev.rlhf4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rlhf4j.model.GptConfig;
import org.junit.jupiter.api.Test;

/** The train step's FLOP count and its share of the matmul peak ({@link LmBenchmark.Compute}). */
class LmBenchmarkTest {

    /**
     * nanoGPT's estimate for GptConfig.small (4 layers, width 128) with 900,000 parameters, B = 32,
     * T = 64: 6·N·2048 + 12·4·64·128·2048 = 11.059 + 0.805 = 11.865 GFLOP per step; at 200 ms (median) and
     * 150 ms (fastest) against a 100 GFLOP/s peak: 59.3 and 79.1 GFLOP/s, 59% and 79%.
     */
    @Test
    void flopsFollowNanoGptsEstimate() {
        GptConfig c = GptConfig.small(800);
        LmBenchmark.TrainResult train = new LmBenchmark.TrainResult(32, 64, 5, 20, 200, 150, 210, 90, 90, 20,
                32 * 64 / 0.2, 6.7, 6.6);
        LmBenchmark.Compute compute = LmBenchmark.Compute.of(900_000, c, train, 100);
        double flops = 6.0 * 900_000 * 2048 + 12.0 * 4 * 64 * 128 * 2048;
        assertEquals(11.8645, compute.gflopPerStep(), 1e-4);
        assertEquals(flops / 0.2 / 1e9, compute.gflopsMedian(), 1e-9);
        assertEquals(flops / 0.15 / 1e9, compute.gflopsFastest(), 1e-9);
        assertEquals(0.593, compute.shareOfPeakMedian(), 1e-3);
        assertEquals(0.791, compute.shareOfPeakFastest(), 1e-3);
    }
}
