package dev.fanfare.gateway.testing;

/** The four ways a client can receive events, each with a test client. */
public enum Style {
    SHORT_POLL,
    LONG_POLL,
    SSE,
    WS;

    /** A new, not yet started client of this style for the gateway on {@code port} of 127.0.0.1. */
    public StyleClient client(int port) {
        return switch (this) {
            case SHORT_POLL -> PollingClient.shortPoll(port);
            case LONG_POLL -> PollingClient.longPoll(port);
            case SSE -> new SseClient(port);
            case WS -> new WsClient(port);
        };
    }
}
