package dev.rlhf4j.core;

/**
 * Cooperative interruption of the library's long loops. Between two steps (an optimizer step, a
 * sampled token, a PPO minibatch, a round of the RLHF loop) a loop calls {@link #check(String)},
 * which throws {@link InterruptedRunException} if the thread was interrupted. A step is never cut
 * in half, so the model's weights and the files on disk stay consistent, and the exception leaves
 * through the loop's try-with-resources blocks, which close the native memory the call opened.
 *
 * <p>The check clears the thread's interrupt flag as it throws (as {@link InterruptedException}
 * does): the clean-up on the way out must not meet the flag in an interruptible wait or an NIO
 * {@code FileChannel}, which it would close ({@code ClosedByInterruptException}). Files are written
 * through streams ({@link AtomicFiles}, {@code Files.write}), which an interrupt does not abort, so
 * an interrupt that lands during a checkpoint's save leaves a whole checkpoint, and the loop stops
 * at its next check.
 */
public final class Interrupts {

    private Interrupts() {}

    /**
     * Throws {@link InterruptedRunException} ("interrupted " + {@code where}) if this thread was
     * interrupted, clearing the flag; returns at once otherwise.
     *
     * @param where where the loop stands, completing the sentence "interrupted ...", e.g.
     *     "after step 12 of 40" or "while sampling (token 5 of 24)"
     */
    public static void check(String where) {
        if (Thread.interrupted()) {
            throw new InterruptedRunException("interrupted " + where);
        }
    }

    /** Whether this thread has been interrupted (the flag is left as it is). */
    public static boolean pending() {
        return Thread.currentThread().isInterrupted();
    }
}
