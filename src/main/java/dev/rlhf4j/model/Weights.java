package dev.rlhf4j.model;

import ai.djl.ndarray.NDArray;

/** Copies loaded values into a model's parameter arrays. */
final class Weights {

    private Weights() {}

    /**
     * Gives {@code param} the values of {@code value} (same shape, float32, any device): the new
     * tensor is made on the parameter's device and swapped in under the parameter's handle, which
     * keeps gradient tracking on. (Writing through {@code NDArray.set(Buffer)} works too but makes
     * libtorch print a deprecation warning.)
     */
    static void replace(NDArray param, NDArray value) {
        NDArray fresh = param.getManager().create(value.toByteBuffer(), value.getShape(), value.getDataType());
        param.intern(fresh); // swaps the native tensors: param now holds the new values
        fresh.close(); // frees the old values
        param.setRequiresGradient(true);
    }
}
