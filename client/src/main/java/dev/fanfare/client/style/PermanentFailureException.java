package dev.fanfare.client.style;

/**
 * The gateway refused the subscription in a way retrying cannot fix (for example
 * {@code 400 bad_channel}); the message carries the gateway's error code and message.
 */
public class PermanentFailureException extends RuntimeException {

    public PermanentFailureException(String message) {
        super(message);
    }
}
