package dev.fanfare.client.style;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EventIntakeTest {

    private final ObjectMapper json = new ObjectMapper();
    private final ClientCounters counters = new ClientCounters();
    private final List<String> heard = new ArrayList<>();
    private final EventIntake intake = new EventIntake(counters, new StreamListener() {
        @Override
        public void onEvent(JsonNode envelope, long receivedNanos) {
            heard.add(envelope.get("cursor").asText());
        }

        @Override
        public void onGap(JsonNode gap, long receivedNanos) {
            heard.add(gap.toString());
        }
    }, "start");

    private JsonNode envelope(String channel, String cursor, long ts) throws Exception {
        return json.readTree("{\"channel\":\"" + channel + "\",\"cursor\":\"" + cursor + "\",\"ts\":" + ts + ",\"data\":1}");
    }

    private static JsonNode conflated(JsonNode envelope, long replaced) {
        ((ObjectNode) envelope).put("conflated", replaced);
        return envelope;
    }

    @Test
    void movesTheCursorWithEachEventAndCountsThem() throws Exception {
        assertEquals("start", intake.cursor());
        intake.event(envelope("demo/a", "c1", 10), 0);
        intake.event(envelope("demo/a", "c2", 11), 0);
        assertEquals("c2", intake.cursor());
        assertEquals(2, counters.snapshot().events());
        assertEquals(List.of("c1", "c2"), heard);
    }

    @Test
    void countsEventsMarkedConflatedAndHowManyTheyReplaced() throws Exception {
        intake.event(conflated(envelope("ticker/A", "c1", 1), 4), 0);
        intake.event(envelope("ticker/A", "c2", 2), 0);
        intake.event(conflated(envelope("ticker/A", "c3", 3), 2), 0);
        ClientCounters.Snapshot seen = counters.snapshot();
        assertEquals(3, seen.events());
        assertEquals(2, seen.conflated(), "two events came marked");
        assertEquals(6, seen.replaced(), "they replaced 4 and 2");
        assertEquals(6, counters.replaced());
        assertEquals(12, seen.plus(seen).replaced(), "a group's sum");
    }

    @Test
    void countsTheSameCursorTwiceAsADuplicateButStillPassesItOn() throws Exception {
        intake.event(envelope("demo/a", "c1", 10), 0);
        intake.event(envelope("demo/a", "c2", 11), 0);
        intake.event(envelope("demo/a", "c1", 10), 0);
        assertEquals(1, counters.snapshot().duplicates());
        assertEquals(3, heard.size());
    }

    @Test
    void countsATimestampGoingBackWithinAChannelOnly() throws Exception {
        intake.event(envelope("demo/a", "c1", 20), 0);
        intake.event(envelope("demo/b", "c2", 5), 0);
        intake.event(envelope("demo/a", "c3", 20), 0);
        intake.event(envelope("demo/a", "c4", 19), 0);
        assertEquals(1, counters.snapshot().outOfOrder());
    }

    @Test
    void normalisesGapsAndTakesTheirCursor() throws Exception {
        intake.gap(json.readTree("[\"demo/a\"]"), "g1", 0);
        intake.gap(null, null, 0);
        assertEquals(List.of("{\"type\":\"gap\",\"cursor\":\"g1\",\"channels\":[\"demo/a\"]}",
                "{\"type\":\"gap\",\"channels\":[]}"), heard);
        assertEquals("g1", intake.cursor());
        assertEquals(2, counters.snapshot().gaps());
    }

    @Test
    void recentCursorsForgetBeyondTheirWindow() {
        RecentCursors recent = new RecentCursors(2);
        assertEquals(true, recent.add("a"));
        assertEquals(true, recent.add("b"));
        assertEquals(false, recent.add("a"));
        assertEquals(true, recent.add("c"));
        assertEquals(true, recent.add("a"), "a fell out of the window of two");
    }
}
