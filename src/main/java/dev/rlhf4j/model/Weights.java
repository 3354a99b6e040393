package dev.rlhf4j.model;

import ai.djl.ndarray.NDArray;

/** Copies loaded values into a model's parameter arrays. */
final class Weights {

    private Weights() {}

    /**
     * Gives {@code param} the values of {@code value} (same shape, float32, any device): a tensor
     * with its own storage is made on the parameter's device and swapped in under the parameter's
     * handle, with gradient tracking on. (Writing through {@code NDArray.set(Buffer)} works too but
     * makes libtorch print a deprecation warning.)
     */
    static void replace(NDArray param, NDArray value) {
        // create(Buffer) may wrap the buffer's memory without copying and keeps the buffer alive only
        // through the Java object it returns; duplicate() gives a tensor that owns its storage.
        try (NDArray wrapped = param.getManager().create(value.toByteBuffer(), value.getShape(), value.getDataType())) {
            NDArray owned = wrapped.duplicate();
            param.intern(owned); // swaps the native tensors: param now holds the copied values
            owned.close(); // frees the old values
        }
        param.setRequiresGradient(true);
    }
}
