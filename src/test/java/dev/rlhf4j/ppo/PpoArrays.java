package dev.rlhf4j.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/** Test helpers: ragged double rows ↔ padded float32 [B, T] arrays. */
final class PpoArrays {

    private PpoArrays() {}

    /** Random rows of the given lengths, N(0, scale²), already rounded to float precision. */
    static double[][] random(Random rng, int[] lengths, double scale) {
        double[][] rows = new double[lengths.length][];
        for (int i = 0; i < lengths.length; i++) {
            rows[i] = new double[lengths[i]];
            for (int t = 0; t < lengths[i]; t++) {
                rows[i][t] = (float) (rng.nextGaussian() * scale);
            }
        }
        return rows;
    }

    /** The rows right-padded with {@code pad} to [B, T]. */
    static NDArray padded(NDManager m, double[][] rows, int steps, double pad) {
        float[] flat = new float[rows.length * steps];
        for (int i = 0; i < rows.length; i++) {
            for (int t = 0; t < steps; t++) {
                flat[i * steps + t] = (float) (t < rows[i].length ? rows[i][t] : pad);
            }
        }
        return m.create(flat, new Shape(rows.length, steps));
    }

    /** 1 on each row's real tokens, 0 on padding, [B, T]. */
    static NDArray mask(NDManager m, int[] lengths, int steps) {
        double[][] ones = new double[lengths.length][];
        for (int i = 0; i < lengths.length; i++) {
            ones[i] = new double[lengths[i]];
            java.util.Arrays.fill(ones[i], 1);
        }
        return padded(m, ones, steps, 0);
    }

    /** All rows one after the other. */
    static double[] concat(double[][] rows) {
        return java.util.Arrays.stream(rows).flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    /** A [B, T] array's rows. */
    static float[][] rows(NDArray x) {
        int b = (int) x.getShape().get(0);
        int steps = (int) x.getShape().get(1);
        float[] flat = x.toFloatArray();
        float[][] rows = new float[b][steps];
        for (int i = 0; i < b; i++) {
            System.arraycopy(flat, i * steps, rows[i], 0, steps);
        }
        return rows;
    }
}
