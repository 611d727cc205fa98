package dev.fanfare.gateway.counters;

/** The counter store (Redis) could not be reached or did not answer; the operation may not have happened. */
public final class CounterStoreUnavailableException extends RuntimeException {

    public CounterStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
