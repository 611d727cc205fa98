package dev.fanfare.gateway.core;

import java.nio.charset.StandardCharsets;

/**
 * How many watch a channel, over every node: its SSE and WebSocket subscribers, and the long and
 * short pollers seen within the window (each count includes the subscribers of the stream's wildcard).
 */
public record ViewerCount(String channel, long sse, long ws, long longpoll, long poll) {

    public long total() {
        return sse + ws + longpoll + poll;
    }

    /** {@code {"channel":..,"viewers":N,"styles":{"sse":..,"ws":..,"longpoll":..,"poll":..}}}. */
    public String json() {
        // A channel name has no character JSON escapes.
        return "{\"channel\":\"" + channel + "\",\"viewers\":" + total() + ",\"styles\":{\"sse\":" + sse
                + ",\"ws\":" + ws + ",\"longpoll\":" + longpoll + ",\"poll\":" + poll + "}}";
    }

    public byte[] jsonBytes() {
        return json().getBytes(StandardCharsets.UTF_8);
    }
}
