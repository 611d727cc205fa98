package dev.fanfare.client.style;

/** Creates the client for a style; the only place that knows the implementations. */
public final class StyleClients {

    private StyleClients() {
    }

    /** A new, not yet started client; {@link Style#AUTO} falls back across the four styles, best first. */
    public static StyleClient create(Style style, ClientResources resources, Subscription subscription,
                                     StreamListener listener) {
        if (style == Style.AUTO) {
            return new FallbackClient(resources, subscription, listener, Style.FOUR);
        }
        return create(style, resources, subscription, listener,
                Continuity.standalone(resources, listener, subscription.cursor()));
    }

    /** A client of one of the four styles on a given continuity (a fallback client's, or its own). */
    static StyleClient create(Style style, ClientResources resources, Subscription subscription,
                              StreamListener listener, Continuity continuity) {
        return switch (style) {
            case SHORT_POLL -> new ShortPollClient(resources, subscription, listener, continuity);
            case LONG_POLL -> new LongPollClient(resources, subscription, listener, continuity);
            case SSE -> new SseClient(resources, subscription, listener, continuity);
            case WS -> new WsClient(resources, subscription, listener, continuity);
            case AUTO -> throw new IllegalArgumentException("style: auto (expected: one of the four styles)");
        };
    }
}
