package dev.fanfare.gateway.transport;

import static dev.fanfare.gateway.testing.Deliveries.PATIENCE;
import static dev.fanfare.gateway.testing.Deliveries.awaitEvents;
import static dev.fanfare.gateway.testing.Deliveries.numbers;
import static dev.fanfare.gateway.testing.Deliveries.upTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanfare.gateway.GatewayServer;
import dev.fanfare.gateway.core.Json;
import dev.fanfare.gateway.testing.GatewayHttp;
import dev.fanfare.gateway.testing.RawWebSocket;
import dev.fanfare.gateway.testing.SseClient;
import dev.fanfare.gateway.testing.StyleClient;
import dev.fanfare.gateway.testing.TestGateway;
import dev.fanfare.gateway.testing.WsClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A subscriber that stops reading while events flood in is disconnected with a reason it can read
 * (SSE {@code event: disconnect}, WebSocket close 4008) and resumes from its last cursor without gap
 * or duplicate; a subscriber that keeps reading gets everything meanwhile.
 *
 * <p>The flood must outgrow the kernel's socket buffers (up to 4 MiB on loopback here) before the
 * gateway's own outbound buffer reaches its high-water mark (64 KiB in this gateway).
 */
@Timeout(120)
class SlowConsumerIT {

    private static final int SMALL = 3;
    private static final int FLOOD = 120;
    private static final String PAD = "x".repeat(60_000);
    private static final int SMALL_RECEIVE_BUFFER = 16 * 1024;
    private static final AtomicInteger keys = new AtomicInteger();

    private static GatewayServer gateway;
    private static GatewayHttp http;

    private final List<StyleClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() {
        gateway = GatewayServer.start(TestGateway.config().withHttp(h -> h.withWaterMarks(32 * 1024, 64 * 1024)));
        http = new GatewayHttp(gateway.port());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @AfterEach
    void stopClients() {
        clients.forEach(StyleClient::stop);
    }

    private <T extends StyleClient> T track(T client) {
        clients.add(client);
        return client;
    }

    private static String channel() {
        return "demo/flood-" + keys.incrementAndGet();
    }

    /** Events SMALL+1 .. SMALL+FLOOD, about 60 KB each. */
    private static void flood(String channel) {
        for (int i = SMALL + 1; i <= SMALL + FLOOD; i++) {
            http.publish(channel, "{\"n\":" + i + ",\"pad\":\"" + PAD + "\"}");
        }
    }

    @Test
    void sseSubscriberThatStopsReadingIsToldWhyAndResumesWithoutGapOrDuplicate() {
        String channel = channel();
        String live = http.liveCursor(List.of(channel));
        SseClient slow = track(new SseClient(gateway.port(), SMALL_RECEIVE_BUFFER));
        SseClient normal = track(new SseClient(gateway.port()));
        slow.start(List.of(channel), live);
        normal.start(List.of(channel), live);
        http.publishMany(channel, "small", SMALL);
        awaitEvents(slow, SMALL);

        slow.pause();
        flood(channel);
        assertEquals(upTo(SMALL + FLOOD), numbers(awaitEvents(normal, SMALL + FLOOD)));
        slow.resume();

        await().atMost(PATIENCE).until(slow::ended);
        int got = slow.events().size();
        assertTrue(got < SMALL + FLOOD, () -> "the slow subscriber was not disconnected: " + slow);
        assertEquals(upTo(got), numbers(slow.events()), "what it got is a prefix, in order");
        assertEquals(1, slow.disconnects().size(), slow::toString);
        SseClient.Disconnect d = slow.disconnects().get(0);
        assertEquals("slow_consumer", d.data().path("reason").asText(), d::toString);
        assertEquals(got, d.eventsBefore(), "the disconnect notice is the last thing on the stream");

        slow.start(List.of(channel), slow.lastCursor());

        assertEquals(upTo(SMALL + FLOOD), numbers(awaitEvents(slow, SMALL + FLOOD)));
        assertEquals(List.of(), slow.gaps());
        assertEquals(List.of(), slow.errors());
        assertEquals(SMALL + FLOOD, normal.events().size());
        assertEquals(List.of(), normal.disconnects());
    }

    @Test
    void subscribersThatNeverReadAgainAreClosedAnyway() {
        String channel = channel();
        String live = http.liveCursor(List.of(channel));
        SseClient normal = track(new SseClient(gateway.port()));
        normal.start(List.of(channel), live);
        int before = http.openConnections();
        SseClient sse = track(new SseClient(gateway.port(), SMALL_RECEIVE_BUFFER));
        sse.start(List.of(channel), live);
        sse.pause();
        try (RawWebSocket ws = RawWebSocket.connect(gateway.port(), "/ws?" + GatewayHttp.query(List.of(channel), live),
                SMALL_RECEIVE_BUFFER)) {
            assertEquals(before + 2, http.openConnections());

            flood(channel);
            awaitEvents(normal, FLOOD);

            // Their goodbyes wait behind bytes they never read; the gateway closes them after a grace period.
            await().atMost(PATIENCE).until(http::openConnections, n -> n == before);
        }
    }

    @Test
    void webSocketSubscriberThatStopsReadingIsClosedWith4008AndResumesWithoutGapOrDuplicate() throws IOException {
        String channel = channel();
        String live = http.liveCursor(List.of(channel));
        WsClient normal = track(new WsClient(gateway.port()));
        normal.start(List.of(channel), live);
        List<JsonNode> slowEvents = new ArrayList<>();
        int closeCode;
        try (RawWebSocket slow = RawWebSocket.connect(gateway.port(), "/ws?" + GatewayHttp.query(List.of(channel), live),
                SMALL_RECEIVE_BUFFER)) {
            http.publishMany(channel, "small", SMALL);
            while (slowEvents.size() < SMALL) {
                slowEvents.add(Json.MAPPER.readTree(slow.readFrame().text()));
            }

            flood(channel); // not reading meanwhile
            assertEquals(upTo(SMALL + FLOOD), numbers(awaitEvents(normal, SMALL + FLOOD)));

            closeCode = -1;
            for (RawWebSocket.Frame f; (f = slow.readFrame()) != null; ) {
                assertEquals(-1, closeCode, "nothing after the close frame");
                if (f.opcode() == RawWebSocket.Frame.CLOSE) {
                    closeCode = f.closeCode();
                } else {
                    slowEvents.add(Json.MAPPER.readTree(f.text()));
                }
            }
        }
        assertEquals(4008, closeCode);
        int got = slowEvents.size();
        assertTrue(got < SMALL + FLOOD, "the slow subscriber was not disconnected");
        assertEquals(upTo(got), numbers(slowEvents), "what it got is a prefix, in order");

        WsClient resumed = track(new WsClient(gateway.port()));
        resumed.start(List.of(channel), slowEvents.get(got - 1).path("cursor").asText());

        assertEquals(upTo(SMALL + FLOOD).subList(got, SMALL + FLOOD), numbers(awaitEvents(resumed, SMALL + FLOOD - got)));
        assertEquals(List.of(), resumed.gaps());
        assertEquals(List.of(), normal.errors());
    }
}
