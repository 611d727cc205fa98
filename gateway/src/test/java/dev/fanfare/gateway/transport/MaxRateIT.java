package dev.fanfare.gateway.transport;

import static dev.fanfare.gateway.testing.Deliveries.PATIENCE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanfare.gateway.GatewayServer;
import dev.fanfare.gateway.core.Json;
import dev.fanfare.gateway.testing.StyleClient;
import dev.fanfare.gateway.testing.GatewayHttp;
import dev.fanfare.gateway.testing.PollingClient;
import dev.fanfare.gateway.testing.SseClient;
import dev.fanfare.gateway.testing.Style;
import dev.fanfare.gateway.testing.TestGateway;
import dev.fanfare.gateway.testing.WsClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code max_rate=N} in every style: while events come faster, a subscriber gets about N a second
 * per channel, the latest winning (marked with how many it replaced), and always the last one.
 */
@Timeout(120)
class MaxRateIT {

    private static final int RATE = 2;
    private static final int PUBLISHED = 150; // at 50 a second: 3 s
    private static GatewayServer gateway;
    private static GatewayHttp http;

    @BeforeAll
    static void start() {
        gateway = GatewayServer.start(TestGateway.config());
        http = new GatewayHttp(gateway.port());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private static StyleClient subscribe(Style style, String channel, String cursor) {
        int port = gateway.port();
        switch (style) {
            case SHORT_POLL, LONG_POLL -> {
                PollingClient c = (style == Style.SHORT_POLL ? PollingClient.shortPoll(port) : PollingClient.longPoll(port))
                        .withQuery("max_rate=" + RATE);
                c.start(List.of(channel), cursor);
                return c;
            }
            case SSE -> {
                SseClient c = new SseClient(port);
                c.open("/sse?" + GatewayHttp.query(List.of(channel), cursor) + "&max_rate=" + RATE, Map.of());
                return c;
            }
            default -> {
                WsClient c = new WsClient(port);
                c.connect("");
                ObjectNode subscribe = Json.MAPPER.createObjectNode().put("type", "subscribe").put("cursor", cursor)
                        .put("max_rate", RATE);
                subscribe.putArray("channels").add(channel);
                assertEquals("ack", c.request(subscribe).path("type").asText());
                return c;
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void aboutMaxRateEventsASecondArriveAndTheLastOneAlways(Style style) throws Exception {
        String channel = "demo/rate-" + style.name().toLowerCase().replace('_', '-');
        String live = http.liveCursor(List.of(channel));
        StyleClient client = subscribe(style, channel, live);
        try {
            long started = System.nanoTime();
            for (int i = 1; i <= PUBLISHED; i++) {
                http.publish(channel, "{\"n\":" + i + "}");
                Thread.sleep(20); // paces the publisher at ~50 a second
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            await().atMost(PATIENCE).until(() -> last(client) == PUBLISHED);
            List<JsonNode> got = client.events();
            // "About" N a second: an interval can start on a poll's edge; one more for the trailing event.
            long allowed = Math.round(RATE * seconds) + 3;
            assertTrue(got.size() <= allowed, style + " got " + got.size() + " events in " + seconds + " s (at most "
                    + allowed + "): " + got);
            assertTrue(got.size() >= 2, style + " got " + got);
            int previous = 0;
            long replaced = 0;
            for (JsonNode e : got) {
                int n = e.path("data").path("n").asInt();
                assertTrue(n > previous, "in order, no duplicate: " + got);
                previous = n;
                replaced += e.path("conflated").asLong(0);
            }
            assertTrue(replaced > 0, "events that were replaced say so: " + got);
            assertEquals(List.of(), client.errors());
        } finally {
            client.stop();
        }
    }

    private static int last(StyleClient c) {
        List<JsonNode> events = c.events();
        return events.isEmpty() ? 0 : events.get(events.size() - 1).path("data").path("n").asInt();
    }
}
