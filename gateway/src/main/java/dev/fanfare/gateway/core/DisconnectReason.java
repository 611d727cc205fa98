package dev.fanfare.gateway.core;

/**
 * Why the gateway ends a subscriber's connection, once: the reason an SSE client reads in
 * {@code event: disconnect}, the WebSocket close code (RFC 6455 section 7.4; 4000-4999 are ours),
 * and whether the client should reconnect (with its cursor, it then loses nothing).
 */
public enum DisconnectReason {
    /** The node is stopping; another node (or this one, restarted) serves the resume. */
    SHUTDOWN("shutdown", CloseCodes.GOING_AWAY, true,
            "the gateway is shutting down; reconnect with your last cursor"),
    /** The client fell behind its outbound buffer's high-water mark on a lossless stream. */
    SLOW_CONSUMER("slow_consumer", 4008, true,
            "slow consumer: the client fell behind; reconnect with your last cursor"),
    /** No pong (nor anything else) came back for the idle timeout. */
    NO_PONG("no_pong", CloseCodes.GOING_AWAY, true, "no pong: the connection looks dead"),
    /** The subscription asked for in the URL is not valid: reconnecting the same way fails again. */
    BAD_SUBSCRIPTION("bad_subscription", CloseCodes.POLICY_VIOLATION, false, "the subscription is not valid"),
    /** The client kept sending (pings) while not reading what it was sent. */
    FLOODING("flooding", CloseCodes.POLICY_VIOLATION, true,
            "too many pings while not reading: read the connection, then reconnect with your last cursor"),
    /** A fault on our side while writing to this client; the others are unaffected. */
    INTERNAL_ERROR("internal_error", CloseCodes.INTERNAL_ERROR, true,
            "internal error; reconnect with your last cursor");

    /** RFC 6455 close codes by their names in section 7.4.1. */
    public static final class CloseCodes {
        public static final int GOING_AWAY = 1001;
        public static final int POLICY_VIOLATION = 1008;
        public static final int INTERNAL_ERROR = 1011;

        private CloseCodes() {
        }
    }

    private final String code;
    private final int closeCode;
    private final boolean reconnect;
    private final String message;

    DisconnectReason(String code, int closeCode, boolean reconnect, String message) {
        this.code = code;
        this.closeCode = closeCode;
        this.reconnect = reconnect;
        this.message = message;
    }

    /** The reason as clients read it: {@code "slow_consumer"}. */
    public String code() {
        return code;
    }

    /** The WebSocket close code. */
    public int closeCode() {
        return closeCode;
    }

    /** Whether reconnecting the same way can succeed. */
    public boolean reconnect() {
        return reconnect;
    }

    /** A sentence for people: what happened and what to do. */
    public String message() {
        return message;
    }
}
