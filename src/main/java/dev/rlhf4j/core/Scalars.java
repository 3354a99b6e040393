package dev.rlhf4j.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Scalars as 0-dimensional arrays, for arithmetic on the gradient path.
 *
 * <p>Why: DJL 0.36's {@code mul(Number)} (also {@code div}, {@code pow}, {@code minimum},
 * {@code maximum} with a number) hands libtorch a Java buffer that libtorch keeps without copying,
 * and DJL frees it at once. When the other operand needs a gradient, libtorch saves that scalar for
 * {@code backward}; after a garbage collection it reads reused memory. A probe: {@code x.mul(0.5f)},
 * {@code System.gc()}, {@code backward} gave the gradient 123466.0 instead of 0.5, 20 times in 20.
 * A scalar made with {@code full} is an owned array and is safe.
 */
public final class Scalars {

    private Scalars() {}

    /** {@code v} as a 0-d array on {@code like}'s manager, device and data type. */
    public static NDArray of(NDArray like, double v) {
        return like.getManager().full(new Shape(), (float) v, like.getDataType());
    }
}
