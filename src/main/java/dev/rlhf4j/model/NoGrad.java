package dev.rlhf4j.model;

import ai.djl.pytorch.jni.JniUtils;

/**
 * {@code try (NoGrad g = NoGrad.enter()) { ... }}: inference without recording autograd graphs, on
 * whatever thread runs it (PyTorch's grad mode is per thread and on by default in new threads, e.g.
 * a notebook kernel's executor). Restores the previous mode on close.
 */
public final class NoGrad implements AutoCloseable {

    private final boolean previous;

    private NoGrad(boolean previous) {
        this.previous = previous;
    }

    /** Turns grad mode off for this thread until {@link #close()}. */
    public static NoGrad enter() {
        boolean prev = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        return new NoGrad(prev);
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
