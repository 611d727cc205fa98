package dev.fanfare.client.style;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place where every style hands over what it received: keeps the client's cursor, counts
 * events (and those that replaced others, marked {@code "conflated"}), spots duplicates (same cursor
 * twice) and out-of-order events (Kafka timestamp going back within a channel), then tells the
 * listener. Confined to the client's event loop.
 */
final class EventIntake {

    private static final int RECENT_CURSORS = 128;
    private static final int TRACKED_CHANNELS = 4096;

    private final ClientCounters counters;
    private final StreamListener listener;
    private final RecentCursors recent = new RecentCursors(RECENT_CURSORS);
    /** Last timestamp per channel; least recently used channels are forgotten past the bound. */
    private final Map<String, Long> lastTimestamp = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > TRACKED_CHANNELS;
        }
    };
    private volatile String cursor;

    EventIntake(ClientCounters counters, StreamListener listener, String initialCursor) {
        this.counters = counters;
        this.listener = listener;
        this.cursor = initialCursor;
    }

    /** Where the client resumes from: the newest cursor received, or the initial one. */
    String cursor() {
        return cursor;
    }

    /** A poll answer's next cursor (it may move past events the answer did not carry). */
    void advanceTo(String next) {
        if (next != null && !next.isEmpty()) {
            cursor = next;
        }
    }

    void event(JsonNode envelope, long receivedNanos) {
        if (!envelope.isObject()) {
            counters.malformedReceived();
            return;
        }
        String eventCursor = textOrNull(envelope.get("cursor"));
        if (eventCursor != null) {
            if (!recent.add(eventCursor)) {
                counters.duplicateReceived();
            }
            cursor = eventCursor;
        }
        String channel = textOrNull(envelope.get("channel"));
        JsonNode ts = envelope.get("ts");
        if (channel != null && ts != null && ts.canConvertToLong()) {
            Long previous = lastTimestamp.put(channel, ts.asLong());
            if (previous != null && ts.asLong() < previous) {
                counters.outOfOrderReceived();
            }
        }
        counters.eventReceived(envelope.path("snapshot").asBoolean(false), envelope.path("conflated").asLong(0));
        listener.onEvent(envelope, receivedNanos);
    }

    /** A gap signal; {@code gapCursor} may be null (poll answers carry none). */
    void gap(JsonNode channels, String gapCursor, long receivedNanos) {
        ObjectNode gap = JsonNodeFactory.instance.objectNode();
        gap.put("type", "gap");
        if (gapCursor != null) {
            gap.put("cursor", gapCursor);
            cursor = gapCursor;
        }
        ArrayNode list = gap.putArray("channels");
        if (channels != null && channels.isArray()) {
            list.addAll((ArrayNode) channels);
        }
        counters.gapReceived();
        listener.onGap(gap, receivedNanos);
    }

    void malformed() {
        counters.malformedReceived();
    }

    static String textOrNull(JsonNode node) {
        return node != null && node.isTextual() ? node.asText() : null;
    }
}
