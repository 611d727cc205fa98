package dev.fanfare.client.style;

/**
 * A style does not work between this client and the gateway, while another may: a WebSocket upgrade refused (a
 * proxy that does not pass upgrades), an event stream that delivers nothing, not even its first heartbeat (a
 * buffering proxy), an answer that is not an event stream. A {@link FallbackClient} moves to its next style;
 * for a client on its own it is a permanent failure like any other.
 */
public final class StyleUnavailableException extends PermanentFailureException {

    public StyleUnavailableException(String message) {
        super(message);
    }
}
