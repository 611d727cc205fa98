package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.core.Json;
import static dev.fanfare.gateway.testing.Deliveries.awaitEvents;
import static dev.fanfare.gateway.testing.Deliveries.numbers;
import static dev.fanfare.gateway.testing.Deliveries.upTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanfare.gateway.GatewayServer;
import dev.fanfare.gateway.core.RingLimits;
import dev.fanfare.gateway.core.StreamLayout;
import dev.fanfare.gateway.testing.GatewayHttp;
import dev.fanfare.gateway.testing.GatewayHttp.Published;
import dev.fanfare.gateway.testing.SseClient;
import dev.fanfare.gateway.testing.Style;
import dev.fanfare.gateway.testing.StyleClient;
import dev.fanfare.gateway.testing.StyleClient.Gap;
import dev.fanfare.gateway.testing.TestGateway;
import dev.fanfare.gateway.testing.WsClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The delivery contract, the same for the four styles: what a subscriber gets, in which order,
 * where it resumes, and when it is told it missed something. Real Kafka, real sockets.
 */
@Timeout(120)
class TransportContractIT {

    private static final Pattern CURSOR = Pattern.compile("[A-Za-z0-9_-]+");
    private static final AtomicInteger keys = new AtomicInteger();

    private static GatewayServer gateway;
    /** Three events per channel, and topics of its own: its cursors are foreign to {@link #gateway}. */
    private static GatewayServer tinyRing;
    private static GatewayHttp http;
    private static GatewayHttp tinyHttp;

    private final List<StyleClient> clients = new ArrayList<>();

    @BeforeAll
    static void startGateways() {
        gateway = GatewayServer.start(TestGateway.config());
        tinyRing = GatewayServer.start(TestGateway.config().withRings(new RingLimits(64L << 20, 200_000, 3, 100_000)));
        http = new GatewayHttp(gateway.port());
        tinyHttp = new GatewayHttp(tinyRing.port());
    }

    @AfterAll
    static void stopGateways() {
        if (gateway != null) {
            gateway.close();
        }
        if (tinyRing != null) {
            tinyRing.close();
        }
    }

    @AfterEach
    void stopClients() {
        clients.forEach(StyleClient::stop);
    }

    private StyleClient client(Style style, GatewayServer on) {
        StyleClient c = style.client(on.port());
        clients.add(c);
        return c;
    }

    private StyleClient client(Style style) {
        return client(style, gateway);
    }

    /** A client of {@code style} on these channels from the live end, by cursor: events published later all reach it. */
    private StyleClient startedAtTheLiveEnd(Style style, String... channels) {
        StyleClient c = client(style);
        c.start(List.of(channels), http.liveCursor(List.of(channels)));
        return c;
    }

    /** A channel key no other test uses. */
    private static String key(String what, Style style) {
        return key(what + "-" + style.name().toLowerCase().replace('_', '-'));
    }

    private static String key(String what) {
        return what + "-" + keys.incrementAndGet();
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void deliversAPublishedEventInTheEnvelope(Style style) {
        String channel = "ticker/" + key("acme", style);
        StyleClient c = startedAtTheLiveEnd(style, channel);

        Published p = http.publish(channel, "{\"last\":101.5,\"name\":\"ACME\",\"tags\":[\"a\",\"b\"]}");

        JsonNode e = awaitEvents(c, 1).get(0);
        assertEquals(Set.of("channel", "cursor", "ts", "data"), fieldNames(e), e::toString);
        assertEquals(channel, e.get("channel").asText());
        assertTrue(CURSOR.matcher(e.get("cursor").asText()).matches(), e::toString);
        assertTrue(e.get("ts").isIntegralNumber(), e::toString);
        long ts = e.get("ts").asLong();
        assertTrue(ts >= p.before() && ts <= p.after(), () -> "ts " + ts + " outside [" + p.before() + ", " + p.after() + "]");
        assertEquals(p.data(), e.get("data"));
        assertEquals(1, c.events().size(), c::toString);
        assertEquals(List.of(), c.gaps());
        assertEquals(List.of(), c.errors());
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void deliversTextPayloadsAsJsonStrings(Style style) {
        String channel = "demo/" + key("text", style);
        StyleClient c = startedAtTheLiveEnd(style, channel);

        GatewayHttp.Answer a = http.post("/publish/" + channel, "text/plain; charset=utf-8", "hello \"world\"\nsecond line é");
        assertEquals(202, a.status(), a::body);

        assertEquals(Json.MAPPER.getNodeFactory().textNode("hello \"world\"\nsecond line é"), awaitEvents(c, 1).get(0).get("data"));
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void keepsTheOrderOfAChannel(Style style) {
        String channel = "ticker/" + key("order", style);
        StyleClient c = startedAtTheLiveEnd(style, channel);

        http.publishMany(channel, "order", 30);

        List<JsonNode> events = awaitEvents(c, 30);
        assertEquals(upTo(30), numbers(events));
        assertEquals(30, events.stream().map(e -> e.get("cursor").asText()).distinct().count(), "one cursor per event");
        assertEquals(List.of(), c.gaps());
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void wildcardDeliversEveryKeyOfTheStreamOnce(Style style) {
        String a = "likes/" + key("a", style);
        String b = "likes/" + key("b", style);
        String d = "likes/" + key("d", style);
        // The wildcard also covers channel a, which the client names too: still one delivery per event.
        StyleClient c = startedAtTheLiveEnd(style, a, "likes/*");

        for (int i = 1; i <= 3; i++) {
            for (String ch : List.of(a, b, d)) {
                http.publish(ch, "{\"n\":" + i + "}");
            }
        }

        List<JsonNode> events = awaitEvents(c, 9);
        assertEquals(9, events.size(), c::toString);
        for (String ch : List.of(a, b, d)) {
            assertEquals(upTo(3), numbers(events, ch), ch);
        }
        assertEquals(List.of(), c.gaps());
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void resumesAfterADisconnectWithoutGapOrDuplicate(Style style) {
        String channel = "claps/" + key("resume", style);
        StyleClient c = startedAtTheLiveEnd(style, channel);
        List<Published> all = new ArrayList<>(http.publishMany(channel, "resume", 5));
        awaitEvents(c, 5);
        c.stop();

        for (int i = 6; i <= 10; i++) {
            all.add(http.publish(channel, "{\"n\":" + i + "}"));
        }
        c.start(List.of(channel), c.lastCursor());
        awaitEvents(c, 10);
        for (int i = 11; i <= 12; i++) {
            http.publish(channel, "{\"n\":" + i + "}");
        }

        assertEquals(upTo(12), numbers(awaitEvents(c, 12)));
        assertEquals(List.of(), c.gaps());
        assertEquals(List.of(), c.errors());
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void resumesRightAfterTheEventAPublishCursorNames(Style style) {
        String channel = "claps/" + key("after", style);
        List<Published> published = http.publishMany(channel, "after", 3);
        StyleClient c = client(style);

        c.start(List.of(channel), published.get(0).cursor());

        assertEquals(List.of(2, 3), numbers(awaitEvents(c, 2)));
        http.publish(channel, "{\"n\":4}");
        assertEquals(List.of(2, 3, 4), numbers(awaitEvents(c, 3)));
        assertEquals(List.of(), c.gaps());
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void reportsAGapForACursorOlderThanTheRingThenGoesOn(Style style) {
        String channel = "ticker/" + key("old", style);
        List<Published> p = tinyHttp.publishMany(channel, "old", 6);
        TestGateway.awaitIngested(tinyRing, p.get(5).cursor());
        StyleClient c = client(style, tinyRing);

        c.start(List.of(channel), p.get(0).cursor());

        assertEquals(List.of(4, 5, 6), numbers(awaitEvents(c, 3)), "the ring keeps the last three");
        assertEquals(1, c.gaps().size(), c::toString);
        Gap gap = c.gaps().get(0);
        assertEquals(List.of(channel), gap.channels());
        assertEquals(0, gap.eventsBefore(), "the gap notice comes before the events after it");
        List<StyleClient> following = new ArrayList<>(List.of(c));
        if (style == Style.SSE || style == Style.WS) {
            // A streamed gap notice names the cursor to go on from: right before the oldest event kept.
            StyleClient fromGap = client(style, tinyRing);
            fromGap.start(List.of(channel), gap.cursor());
            assertEquals(List.of(4, 5, 6), numbers(awaitEvents(fromGap, 3)));
            following.add(fromGap);
        }

        tinyHttp.publish(channel, "{\"n\":7}");

        for (StyleClient f : following) {
            assertEquals(List.of(4, 5, 6, 7), numbers(awaitEvents(f, 4)));
            assertEquals(4, f.events().size(), f::toString);
            assertEquals(f == c ? 1 : 0, f.gaps().size(), f::toString);
        }
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void reportsAGapForACursorOfOtherTopicsThenSendsWhatIsRetained(Style style) {
        String channel = "demo/" + key("foreign", style);
        List<Published> p = http.publishMany(channel, "foreign", 2);
        TestGateway.awaitIngested(gateway, p.get(1).cursor());
        String foreign = tinyHttp.liveCursor(List.of(channel));
        StyleClient c = client(style);

        c.start(List.of(channel), foreign);

        assertEquals(List.of(1, 2), numbers(awaitEvents(c, 2)));
        assertEquals(1, c.gaps().size(), c::toString);
        assertEquals(List.of(channel), c.gaps().get(0).channels());
        assertEquals(0, c.gaps().get(0).eventsBefore());
        http.publish(channel, "{\"n\":3}");
        assertEquals(List.of(1, 2, 3), numbers(awaitEvents(c, 3)));
        assertEquals(1, c.gaps().size(), c::toString);
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void startsWithASnapshotOfEachChannelWithoutCursor(Style style) {
        String one = "ticker/" + key("snap1", style);
        String two = "claps/" + key("snap2", style);
        http.publishMany(one, "snap", 3);
        List<Published> last = http.publishMany(two, "snap", 2);
        TestGateway.awaitIngested(gateway, last.get(1).cursor());
        StyleClient c = client(style);

        c.start(List.of(one, two), null);

        List<JsonNode> snapshots = awaitEvents(c, 2);
        assertEquals(2, snapshots.size(), c::toString);
        for (JsonNode s : snapshots) {
            assertTrue(s.path("snapshot").asBoolean(false), s::toString);
        }
        assertEquals(List.of(3), numbers(snapshots, one));
        assertEquals(List.of(2), numbers(snapshots, two));

        http.publish(one, "{\"n\":4}");
        JsonNode live = awaitEvents(c, 3).get(2);
        assertEquals(4, live.path("data").path("n").asInt());
        assertFalse(live.has("snapshot"), live::toString);
        assertEquals(3, c.events().size(), c::toString);
        assertEquals(List.of(), c.gaps());
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void resumesASubscriptionOverTwoStreams(Style style) {
        String ticker = "ticker/" + key("multi", style);
        String claps = "claps/" + key("multi", style);
        List<String> channels = List.of(ticker, claps);
        StyleClient c = startedAtTheLiveEnd(style, ticker, claps);
        for (int i = 1; i <= 4; i++) {
            http.publish(ticker, "{\"n\":" + i + "}");
            http.publish(claps, "{\"n\":" + i + "}");
        }
        awaitEvents(c, 8);
        c.stop();

        for (int i = 5; i <= 7; i++) {
            http.publish(claps, "{\"n\":" + i + "}");
            http.publish(ticker, "{\"n\":" + i + "}");
        }
        c.start(channels, c.lastCursor());

        List<JsonNode> events = awaitEvents(c, 14);
        assertEquals(upTo(7), numbers(events, ticker));
        assertEquals(upTo(7), numbers(events, claps));
        assertEquals(14, events.size(), c::toString);
        assertEquals(List.of(), c.gaps());
    }

    @Test
    void everyStyleOnOneChannelGetsEveryEventInTheSameEnvelope() {
        String channel = "demo/" + key("shared");
        String cursor = http.liveCursor(List.of(channel));
        List<StyleClient> all = new ArrayList<>();
        for (Style s : Style.values()) {
            StyleClient c = client(s);
            c.start(List.of(channel), cursor);
            all.add(c);
        }

        http.publishMany(channel, "shared", 20);

        List<JsonNode> reference = awaitEvents(all.get(0), 20);
        assertEquals(upTo(20), numbers(reference));
        for (StyleClient c : all) {
            assertEquals(reference, awaitEvents(c, 20), () -> c.style() + " differs from " + all.get(0).style());
            assertEquals(List.of(), c.errors());
        }
    }

    @Test
    void sseAnswersWithStreamHeadersAndLastEventIdWinsOverTheCursorParameter() {
        String channel = "demo/" + key("lastid");
        List<Published> p = http.publishMany(channel, "lastid", 3);
        SseClient sse = new SseClient(gateway.port());
        clients.add(sse);

        sse.open("/sse?" + GatewayHttp.query(List.of(channel), p.get(0).cursor()), Map.of("Last-Event-ID", p.get(1).cursor()));

        assertTrue(sse.headers().get("content-type").startsWith("text/event-stream"), sse.headers()::toString);
        assertEquals("no-cache", sse.headers().get("cache-control"));
        assertEquals("no", sse.headers().get("x-accel-buffering"));
        assertEquals(List.of(3), numbers(awaitEvents(sse, 1)));
        http.publish(channel, "{\"n\":4}");
        assertEquals(List.of(3, 4), numbers(awaitEvents(sse, 2)));

        SseClient byParameter = new SseClient(gateway.port());
        clients.add(byParameter);
        byParameter.open("/sse?" + GatewayHttp.query(List.of(channel), p.get(1).cursor()), Map.of());
        assertEquals(List.of(3, 4), numbers(awaitEvents(byParameter, 2)));
    }

    @Test
    void webSocketSubscribesFromTheUrlPublishesAndUnsubscribes() {
        String channel = "claps/" + key("ws");
        String fence = "claps/" + samePartitionKey(channel.substring("claps/".length()), "fence");
        WsClient ws = new WsClient(gateway.port());
        clients.add(ws);
        ws.connect(GatewayHttp.query(List.of(channel, fence), http.liveCursor(List.of(channel, fence))));

        ObjectNode publish = Json.MAPPER.createObjectNode().put("type", "publish").put("channel", channel);
        publish.putObject("data").put("n", 1);
        JsonNode ack = ws.request(publish);
        assertEquals("ack", ack.path("type").asText(), ack::toString);
        assertTrue(CURSOR.matcher(ack.path("cursor").asText()).matches(), ack::toString);
        assertEquals(List.of(1), numbers(awaitEvents(ws, 1)));

        ObjectNode unsubscribe = Json.MAPPER.createObjectNode().put("type", "unsubscribe");
        unsubscribe.putArray("channels").add(channel);
        assertEquals("ack", ws.request(unsubscribe).path("type").asText());
        http.publish(channel, "{\"n\":2}");
        http.publish(fence, "{\"n\":3}");

        // The fence shares the channel's partition: once it arrived, the unsubscribed event would have too.
        List<JsonNode> events = awaitEvents(ws, 2);
        assertEquals(List.of(1, 3), numbers(events));
        assertEquals(fence, events.get(1).path("channel").asText());
        assertEquals(List.of(), ws.errors());
    }

    /** A key of the same stream whose events land in the same partition as {@code key}'s (2 partitions). */
    private static String samePartitionKey(String key, String prefix) {
        int partition = StreamLayout.partitionOf(key.getBytes(StandardCharsets.UTF_8), 2);
        for (int i = 0; ; i++) {
            String candidate = prefix + "-" + i + "-" + keys.get();
            if (StreamLayout.partitionOf(candidate.getBytes(StandardCharsets.UTF_8), 2) == partition) {
                return candidate;
            }
        }
    }

    private static Set<String> fieldNames(JsonNode n) {
        Set<String> names = new HashSet<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
