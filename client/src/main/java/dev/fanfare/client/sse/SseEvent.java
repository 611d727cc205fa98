package dev.fanfare.client.sse;

/**
 * One dispatched Server-Sent Event, as the WHATWG event-stream rules define it.
 *
 * @param type        the {@code event:} field, or {@code "message"} when the event named none
 * @param data        the {@code data:} lines joined with {@code \n}
 * @param lastEventId the stream's last event id at dispatch time ({@code ""} when none was ever set)
 */
public record SseEvent(String type, String data, String lastEventId) {

    /** The type of an event without an {@code event:} field. */
    public static final String DEFAULT_TYPE = "message";
}
