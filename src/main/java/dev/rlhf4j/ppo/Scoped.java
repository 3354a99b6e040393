package dev.rlhf4j.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import java.util.function.Supplier;

/**
 * Runs a tensor formula inside an {@link NDScope}, so every intermediate array it creates is closed
 * when it returns (DJL attaches each intermediate to its input's manager, which would otherwise
 * keep it until that manager closes). Only the returned arrays survive; they join the caller's own
 * scope, if there is one. Closing intermediates does not break autograd: the graph keeps what
 * backward needs.
 */
final class Scoped {

    private Scoped() {}

    /** The array {@code body} returns; everything else it created is closed. */
    static NDArray array(Supplier<NDArray> body) {
        return list(() -> new NDList(body.get())).singletonOrThrow();
    }

    /** The arrays {@code body} returns; everything else it created is closed. */
    static NDList list(Supplier<NDList> body) {
        NDList out;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            out = body.get();
            NDScope.unregister(out);
        }
        for (NDArray a : out) {
            NDScope.register(a);
        }
        return out;
    }
}
