package dev.fanfare.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SseSessionTest {

    @Test
    void answersWithEventStreamHeadersRetryAndSnapshotThenLiveEvents() {
        try (EmbeddedGateway g = new EmbeddedGateway()) {
            g.publish("ticker", "ACME", "{\"p\":1}");
            g.a.request("GET /sse?channel=ticker/ACME HTTP/1.1\r\nHost: x\r\n\r\n");
            String head = g.a.output();
            assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
            assertTrue(head.contains("content-type: text/event-stream"), head);
            assertTrue(head.contains("x-accel-buffering: no"), head);
            assertFalse(head.contains("transfer-encoding"), "the body must not be chunked: " + head);
            assertTrue(head.contains("\r\n\r\nretry: 2000\n\n"), head);
            assertTrue(head.contains("data: {\"channel\":\"ticker/ACME\""), head);
            assertTrue(head.contains("\"data\":{\"p\":1},\"snapshot\":true}\n\n"), head);

            g.publish("ticker", "ACME", "{\"p\":2}");
            String live = g.a.output();
            assertTrue(live.startsWith("id: "), live);
            assertTrue(live.endsWith("\"data\":{\"p\":2}}\n\n"), live);
            String id = live.substring(4, live.indexOf('\n'));
            assertTrue(live.contains("\"cursor\":\"" + id + "\""), "id and cursor must agree: " + live);
        }
    }

    @Test
    void honoursLastEventIdOverTheCursorParameter() {
        try (EmbeddedGateway g = new EmbeddedGateway()) {
            g.a.request("GET /sse?channel=ticker/A HTTP/1.1\r\nHost: x\r\n\r\n");
            g.a.output();
            g.publish("ticker", "A", "1");
            String first = g.a.output();
            String id = first.substring(4, first.indexOf('\n'));
            g.publish("ticker", "A", "2");
            g.publish("ticker", "A", "3");

            g.b.request("GET /sse?channel=ticker/A&cursor=bogus HTTP/1.1\r\nHost: x\r\nLast-Event-ID: " + id + "\r\n\r\n");
            String resumed = g.b.output();
            assertEquals(List.of("{\"channel\":\"ticker/A\"", "{\"channel\":\"ticker/A\""),
                    EmbeddedGateway.lines(resumed, "data: ").stream().map(l -> l.substring(0, l.indexOf(','))).toList());
            assertTrue(resumed.contains("\"data\":2}") && resumed.indexOf("\"data\":2}") < resumed.indexOf("\"data\":3}"), resumed);
        }
    }

    @Test
    void sendsAHeartbeatCommentOnlyWhenIdleForTheWholeInterval() {
        try (EmbeddedGateway g = new EmbeddedGateway()) {
            g.a.channel.freezeTime();
            g.a.request("GET /sse?channel=ticker/A HTTP/1.1\r\nHost: x\r\n\r\n");
            g.a.output();
            g.a.channel.advanceTimeBy(8, TimeUnit.SECONDS);
            g.a.channel.runScheduledPendingTasks();
            assertEquals("", g.a.output(), "the stream head was written in this period");
            g.a.channel.advanceTimeBy(8, TimeUnit.SECONDS);
            g.a.channel.runScheduledPendingTasks();
            assertEquals(": hb\n\n", g.a.output());
            g.publish("ticker", "A", "1");
            g.a.output();
            g.a.channel.advanceTimeBy(8, TimeUnit.SECONDS);
            g.a.channel.runScheduledPendingTasks();
            assertEquals("", g.a.output(), "an event went out in this period");
        }
    }

    @Test
    void heartbeatEventGoesOutAtOnceWithItsIntervalAndThenWhenDueInsteadOfTheComment() {
        try (EmbeddedGateway g = new EmbeddedGateway()) {
            g.a.channel.freezeTime();
            g.a.request("GET /sse?channel=ticker/A&heartbeat=event HTTP/1.1\r\nHost: x\r\n\r\n");
            String head = g.a.output();
            assertTrue(head.contains("retry: 2000\n\nevent: heartbeat\ndata: {\"interval\":15000}\n\n"), head);
            g.a.channel.advanceTimeBy(16, TimeUnit.SECONDS);
            g.a.channel.runScheduledPendingTasks();
            g.a.channel.advanceTimeBy(8, TimeUnit.SECONDS);
            g.a.channel.runScheduledPendingTasks();
            assertEquals("event: heartbeat\ndata: {\"interval\":15000}\n\n", g.a.output());
        }
    }

    @Test
    void anUnknownHeartbeatKindIsAJson400() {
        try (EmbeddedGateway g = new EmbeddedGateway()) {
            g.a.request("GET /sse?channel=ticker/A&heartbeat=smoke HTTP/1.1\r\nHost: x\r\n\r\n");
            String out = g.a.output();
            assertTrue(out.startsWith("HTTP/1.1 400 Bad Request"), out);
            assertTrue(out.contains("\"error\":\"bad_parameter\""), out);
        }
    }

    @Test
    void badChannelIsAJson400AndTheConnectionStaysHttp() {
        try (EmbeddedGateway g = new EmbeddedGateway()) {
            g.a.request("GET /sse?channel=nope/x HTTP/1.1\r\nHost: x\r\n\r\n");
            String out = g.a.output();
            assertTrue(out.startsWith("HTTP/1.1 400 Bad Request"), out);
            assertTrue(out.contains("{\"error\":\"bad_channel\""), out);
            g.a.request("GET /poll?channel=ticker/A HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(g.a.output().startsWith("HTTP/1.1 200 OK"));
        }
    }
}
