package dev.fanfare.gateway.viewers;

/** The viewer store cannot be reached now; counts resume when it is back. */
final class ViewerStoreUnavailableException extends RuntimeException {
    ViewerStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
