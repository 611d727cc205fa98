package dev.fanfare.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What every style client collects, guarded by the client's own monitor: subclasses that
 * synchronize on {@code this} may combine these calls atomically.
 */
abstract class CollectingClient implements StyleClient {

    private final List<JsonNode> events = new ArrayList<>();
    private final List<Gap> gaps = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private String lastCursor;
    private UnaryOperator<JsonNode> keep = UnaryOperator.identity();

    /**
     * What of each event to keep (all of it by default): tests with many clients and large events
     * keep only what they check.
     */
    public synchronized void keeping(UnaryOperator<JsonNode> keep) {
        this.keep = keep;
    }

    protected synchronized void received(JsonNode envelope) {
        events.add(keep.apply(envelope));
        lastCursor = envelope.path("cursor").asText();
    }

    protected synchronized void receivedGap(String cursor, List<String> channels) {
        gaps.add(new Gap(cursor, List.copyOf(channels), events.size()));
        lastCursor = cursor;
    }

    /** The gateway named a position without an event (an ack, a poll answer). */
    protected synchronized void movedTo(String cursor) {
        lastCursor = cursor;
    }

    protected synchronized void failed(String error) {
        errors.add(error);
    }

    protected synchronized int eventCount() {
        return events.size();
    }

    @Override
    public synchronized List<JsonNode> events() {
        return List.copyOf(events);
    }

    @Override
    public synchronized List<Gap> gaps() {
        return List.copyOf(gaps);
    }

    @Override
    public synchronized String lastCursor() {
        return lastCursor;
    }

    @Override
    public synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    /** Anything a subclass adds to {@link #toString()}. */
    protected String details() {
        return "";
    }

    @Override
    public synchronized String toString() {
        return style() + "{events=" + events.size() + ", gaps=" + gaps + details() + ", errors=" + errors + "}";
    }
}
