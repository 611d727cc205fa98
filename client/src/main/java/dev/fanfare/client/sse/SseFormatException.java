package dev.fanfare.client.sse;

/** The event stream broke one of the parser's bounds (a line or an event too long). */
public final class SseFormatException extends RuntimeException {

    public SseFormatException(String message) {
        super(message);
    }
}
