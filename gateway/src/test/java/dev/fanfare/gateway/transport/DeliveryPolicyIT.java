package dev.fanfare.gateway.transport;

import static dev.fanfare.gateway.testing.Deliveries.PATIENCE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanfare.gateway.testing.GatewayHttp;
import dev.fanfare.gateway.testing.GatewayProcess;
import dev.fanfare.gateway.testing.SseClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What happens to subscribers that stop reading, by the stream's delivery policy, on a gateway in
 * its own JVM (so its heap is its own): on a conflating ticker channel 1,000 such subscribers stay
 * connected, the gateway's live heap grows by a bounded amount, and each gets the latest value
 * (marked) once it reads again; on a lossless channel they are disconnected with
 * {@code slow_consumer} and resume from their cursor without loss.
 */
@Timeout(300)
class DeliveryPolicyIT {

    private static final int SLOW = 1000;
    private static final int LOSSLESS_SLOW = 100;
    private static final int SMALL_RECEIVE_BUFFER = 4 * 1024;
    /** Padding that fills the 16 KiB client queue and the 16 KiB socket buffers within a few dozen events. */
    private static final String PAD = "x".repeat(2_000);
    /** What 1,000 stalled subscribers may add to the gateway's live heap: far less than 400 events each would. */
    private static final long HEAP_GROWTH_BOUND = 64L << 20;
    private static GatewayProcess gateway;
    private static GatewayHttp http;

    @BeforeAll
    static void start() {
        gateway = GatewayProcess.start(List.of("-Xmx512m"), List.of("--no-demo-feed", "--client-buffer-kb", "16",
                "--socket-send-buffer-kb", "16")); // else loopback's autotuned buffers take all 400 events
        http = new GatewayHttp(gateway.port());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (gateway != null) {
            gateway.close();
            assertFalse(gateway.output().contains("LEAK:"), "no buffer leak reported: " + gateway.output());
        }
    }

    private static List<SseClient> paused(String channel, String cursor, int n) {
        List<SseClient> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SseClient c = new SseClient(gateway.port(), SMALL_RECEIVE_BUFFER);
            c.keeping(DeliveryPolicyIT::withoutPad);
            c.start(List.of(channel), cursor);
            c.pause();
            clients.add(c);
        }
        return clients;
    }

    private static JsonNode withoutPad(JsonNode event) {
        if (event.path("data") instanceof ObjectNode data) {
            data.remove("pad");
        }
        return event;
    }

    /** Publishes {@code n} padded events at ~200 a second; the last one's number is {@code n}. */
    private static void publish(String channel, int n) throws InterruptedException {
        for (int i = 1; i <= n; i++) {
            http.publish(channel, "{\"n\":" + i + ",\"pad\":\"" + PAD + "\"}");
            if (i % 10 == 0) {
                Thread.sleep(50);
            }
        }
    }

    /** The gateway's heap in use right after a full collection: what is live. */
    private static long liveHeap() {
        gateway.collectGarbage();
        long used = 0;
        for (String line : http.get("/metrics").body().lines().toList()) {
            if (line.startsWith("jvm_memory_used_bytes{area=\"heap\"")) {
                used += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return used;
    }

    @Test
    void slowSubscribersOfAConflatingTickerStayConnectedInBoundedMemoryAndGetTheLatestValueMarked() throws Exception {
        String channel = "ticker/CONF";
        String live = http.liveCursor(List.of(channel));
        List<SseClient> slow = paused(channel, live, SLOW);
        try {
            long before = liveHeap();
            publish(channel, 400); // 2 s at 200 a second
            long growth = liveHeap() - before;
            System.out.printf("DeliveryPolicyIT: %d stalled subscribers, 400 events: live heap grew %.1f MiB%n",
                    SLOW, growth / 1048576.0);
            assertTrue(growth < HEAP_GROWTH_BOUND, "live heap grew " + (growth >> 20) + " MiB");

            slow.forEach(SseClient::resume);
            await().atMost(PATIENCE).until(() -> slow.stream().allMatch(c -> last(c) == 400));
            long marked = 0;
            for (SseClient c : slow) {
                assertEquals(List.of(), c.disconnects(), "never disconnected for being slow");
                List<JsonNode> got = c.events();
                assertTrue(got.size() < 400, "some events were conflated: " + got.size());
                int previous = 0;
                for (JsonNode e : got) {
                    int n = e.path("data").path("n").asInt();
                    assertTrue(n > previous, "in order, no duplicate");
                    previous = n;
                    marked += e.path("conflated").asLong(0);
                }
            }
            assertTrue(marked > 0, "conflated events say how many they replaced");
        } finally {
            slow.forEach(SseClient::stop);
        }
    }

    @Test
    void slowSubscribersOfALosslessChannelAreDisconnectedAndResumeWithoutLoss() throws Exception {
        String channel = "demo/lossless";
        String live = http.liveCursor(List.of(channel));
        List<SseClient> slow = paused(channel, live, LOSSLESS_SLOW);
        try {
            publish(channel, 200);
            slow.forEach(SseClient::resume);
            await().atMost(PATIENCE).until(() -> slow.stream().allMatch(SseClient::ended));
            for (SseClient c : slow) {
                assertEquals("slow_consumer", c.disconnects().get(0).data().path("reason").asText(), c::toString);
            }
            for (SseClient c : slow) {
                c.start(List.of(channel), c.lastCursor());
            }
            List<Integer> expected = new ArrayList<>();
            for (int i = 1; i <= 200; i++) {
                expected.add(i);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> slow.stream().allMatch(c -> last(c) == 200));
            for (SseClient c : slow) {
                List<Integer> numbers = c.events().stream().map(e -> e.path("data").path("n").asInt()).toList();
                assertEquals(expected, numbers, "every event once, in order, across the disconnect");
                assertEquals(List.of(), c.gaps());
            }
        } finally {
            slow.forEach(SseClient::stop);
        }
    }

    private static int last(SseClient c) {
        List<JsonNode> events = c.events();
        return events.isEmpty() ? 0 : events.get(events.size() - 1).path("data").path("n").asInt();
    }
}
