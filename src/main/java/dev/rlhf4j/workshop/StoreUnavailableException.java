package dev.rlhf4j.workshop;

/** The database did not answer; nothing was written and the call can be repeated. */
public final class StoreUnavailableException extends RuntimeException {

    /** The reason, with the driver's exception as the cause. */
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
