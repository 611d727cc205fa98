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
    /**
     * The token the connection was opened (or last refreshed) with expired. Reconnecting with a
     * fresh token and the last cursor loses nothing; a WebSocket may instead refresh in time.
     */
    TOKEN_EXPIRED("token_expired", 4001, true,
            "the token expired: reconnect with a fresh token and your last cursor"),
    /** The credentials of the upgrade request are not valid, or do not grant its subscription. */
    UNAUTHORIZED("unauthorized", CloseCodes.POLICY_VIOLATION, false,
            "the token is not valid, or does not grant this subscription"),
    /** The client went on sending past its rate limit, each refused: it is cut off. */
    RATE_LIMITED("rate_limited", CloseCodes.POLICY_VIOLATION, true,
            "too many messages refused for rate: slow down, then reconnect with your last cursor"),
    /**
     * The connection came past the node's connection limit, or its address's: the handshake
     * completes so that a browser can read why, then it closes. Later, or on another node, it can work.
     */
    TRY_AGAIN_LATER("try_again_later", CloseCodes.TRY_AGAIN_LATER, true,
            "too many connections: reconnect later, or to another node"),
    /** A fault on our side while writing to this client; the others are unaffected. */
    INTERNAL_ERROR("internal_error", CloseCodes.INTERNAL_ERROR, true,
            "internal error; reconnect with your last cursor");

    /** RFC 6455 close codes by their names in section 7.4.1. */
    public static final class CloseCodes {
        public static final int GOING_AWAY = 1001;
        public static final int POLICY_VIOLATION = 1008;
        public static final int INTERNAL_ERROR = 1011;
        public static final int TRY_AGAIN_LATER = 1013;

        private CloseCodes() {
        }
    }

    /**
     * The reason a connection is refused at its start for {@code refusal}: a token that expired
     * (get a fresh one), credentials that do not do (do not retry the same way), a connection
     * limit (retry later), or a bad subscription.
     */
    public static DisconnectReason refusing(ErrorCode refusal) {
        return switch (refusal) {
            case TOKEN_EXPIRED -> TOKEN_EXPIRED;
            case UNAVAILABLE, TOO_MANY_CONNECTIONS -> TRY_AGAIN_LATER;
            case UNAUTHORIZED, FORBIDDEN -> UNAUTHORIZED;
            default -> BAD_SUBSCRIPTION;
        };
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
