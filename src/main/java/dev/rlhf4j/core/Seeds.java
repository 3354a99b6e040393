package dev.rlhf4j.core;

import java.util.Random;

/**
 * Determinism in one place: {@link #seed(long)} seeds DJL's global generator (which also seeds
 * {@code torch.manual_seed}) and returns the {@link Random} that the caller passes down explicitly
 * (sampling, data order, match order). Same seed on CPU gives the same numbers.
 */
public final class Seeds {

    private Seeds() {}

    /** Seeds DJL/PyTorch and returns a fresh Java generator for this run. */
    public static Random seed(long seed) {
        Rlhf4j.init().setRandomSeed((int) (seed ^ (seed >>> 32)));
        return new Random(seed);
    }

    /**
     * A child generator derived from {@code seed} and a label, for independent streams: every random
     * stream of a run (sampling, data order, match order, a round of the loop) has its own label, so
     * adding a draw to one stream changes no other.
     */
    public static Random derive(long seed, String label) {
        return new Random(seed * 0x9E3779B97F4A7C15L + label.hashCode());
    }

    /** A child seed derived from {@code seed} and a label, for a config that takes a seed (a round of the loop). */
    public static long child(long seed, String label) {
        return derive(seed, label).nextLong();
    }
}
