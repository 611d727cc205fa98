package dev.fanfare.gateway.core;

import java.util.Locale;

/** The four ways an event reaches a client; what the metrics are broken down by. */
public enum Style {
    POLL, LONGPOLL, SSE, WS;

    private final String label = name().toLowerCase(Locale.ROOT);

    /** As a metric tag: {@code poll}, {@code longpoll}, {@code sse}, {@code ws}. */
    public String label() {
        return label;
    }
}
