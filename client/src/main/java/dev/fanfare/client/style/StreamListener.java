package dev.fanfare.client.style;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Receives what a {@link StyleClient} gets, on the client's event-loop thread: keep each call short and
 * never block in it.
 */
public interface StreamListener {

    /**
     * One event envelope, exactly as the style delivered it (WebSocket envelopes keep their
     * {@code "type":"event"} member).
     *
     * @param receivedNanos {@link System#nanoTime()} when the bytes carrying it were read
     */
    void onEvent(JsonNode envelope, long receivedNanos);

    /**
     * A gap signal in one form for every style: {@code {"type":"gap","channels":[...]}} plus
     * {@code "cursor"} when the style names one.
     */
    default void onGap(JsonNode gap, long receivedNanos) {
    }

    /** A change of state, with a human-readable detail (a reason, a delay). */
    default void onState(ClientState state, String detail) {
    }
}
