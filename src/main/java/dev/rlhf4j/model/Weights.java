package dev.rlhf4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Copies loaded values into a model's parameter arrays. */
final class Weights {

    private Weights() {}

    /**
     * Reads every tensor of a safetensors {@code file} into {@code manager}, by name (a leading
     * {@code prefix}, e.g. {@code "transformer."}, is removed). Errors name the file.
     */
    static Map<String, NDArray> readSafetensors(Path file, NDManager manager, String prefix) {
        NDList arrays;
        try {
            arrays = NDList.decode(manager, new ByteArrayInputStream(Files.readAllBytes(file)));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(file + ": not a readable safetensors file: " + e.getMessage(), e);
        }
        Map<String, NDArray> byName = new LinkedHashMap<>();
        for (NDArray a : arrays) {
            String name = a.getName();
            byName.put(name.startsWith(prefix) ? name.substring(prefix.length()) : name, a);
        }
        return byName;
    }

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
