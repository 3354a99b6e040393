package dev.rlhf4j.core;

/**
 * A long-running library call (training, sampling, a loop of runs) stopped because its thread was
 * interrupted: the notebook's stop button, Ctrl-C in a terminal command, or
 * {@link Thread#interrupt()} from the caller's code. Thrown between two steps, never inside one,
 * so the models' native memory is released by the usual try-with-resources and the files written
 * so far are whole (they are written atomically). The message says where the run stopped and,
 * where the caller knows it, which checkpoint holds the last saved state, e.g. "interrupted after
 * iteration 12 of 40; the checkpoint of iteration 10 is in runs/ppo/policy".
 *
 * <p>Unchecked, so that a notebook cell or a lambda need not declare it; it is not an
 * {@link InterruptedException}, whose contract is to be thrown from a blocking wait.
 */
public class InterruptedRunException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InterruptedRunException(String message) {
        super(message);
    }

    /** A restatement of {@code cause} by an outer loop that knows more (a checkpoint, a round). */
    public InterruptedRunException(String message, InterruptedRunException cause) {
        super(message, cause);
    }

    /**
     * The same interruption with {@code detail} appended to the message ("...; {@code detail}"),
     * e.g. the checkpoint an outer loop knows about; this exception becomes its cause.
     */
    public InterruptedRunException with(String detail) {
        return new InterruptedRunException(getMessage() + "; " + detail, this);
    }
}
