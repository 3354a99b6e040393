package dev.rlhf4j.core;

/** Conversions between the host's double arrays (losses, statistics) and the float arrays tensors are made from. */
public final class FloatArrays {

    private FloatArrays() {}

    /** {@code xs} rounded to float, element by element. */
    public static float[] toFloats(double[] xs) {
        float[] f = new float[xs.length];
        for (int i = 0; i < xs.length; i++) {
            f[i] = (float) xs[i];
        }
        return f;
    }

    /** {@code xs} widened to double, element by element. */
    public static double[] toDoubles(float[] xs) {
        double[] d = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            d[i] = xs[i];
        }
        return d;
    }
}
