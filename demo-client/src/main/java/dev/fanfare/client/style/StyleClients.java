package dev.fanfare.client.style;

/** Creates the client for a style; the only place that knows the four implementations. */
public final class StyleClients {

    private StyleClients() {
    }

    /** A new, not yet started client. */
    public static StyleClient create(Style style, ClientResources resources, Subscription subscription,
                                     StreamListener listener) {
        return switch (style) {
            case SHORT_POLL -> new ShortPollClient(resources, subscription, listener);
            case LONG_POLL -> new LongPollClient(resources, subscription, listener);
            case SSE -> new SseClient(resources, subscription, listener);
            case WS -> new WsClient(resources, subscription, listener);
        };
    }
}
