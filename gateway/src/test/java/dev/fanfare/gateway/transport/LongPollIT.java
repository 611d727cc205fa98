package dev.fanfare.gateway.transport;

import static dev.fanfare.gateway.testing.Deliveries.PATIENCE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanfare.gateway.GatewayServer;
import dev.fanfare.gateway.config.GatewayConfig;
import dev.fanfare.gateway.testing.GatewayHttp;
import dev.fanfare.gateway.testing.GatewayHttp.Answer;
import dev.fanfare.gateway.testing.GatewayHttp.Published;
import dev.fanfare.gateway.testing.TestGateway;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What only long polling does: parking a request, answering it when an event comes, timing out. */
@Timeout(120)
class LongPollIT {

    private static final AtomicInteger keys = new AtomicInteger();

    private static GatewayServer gateway;
    /** Holds a long poll at most one second, whatever the client asks. */
    private static GatewayServer capped;
    private static GatewayHttp http;

    @BeforeAll
    static void start() {
        gateway = GatewayServer.start(TestGateway.config());
        capped = GatewayServer.start(TestGateway.config()
                .withLongPoll(new GatewayConfig.LongPoll(Duration.ofSeconds(1), Duration.ofSeconds(1))));
        http = new GatewayHttp(gateway.port());
    }

    @AfterAll
    static void stop() {
        for (GatewayServer g : new GatewayServer[] {gateway, capped}) {
            if (g != null) {
                g.close();
            }
        }
    }

    private static String channel() {
        return "ticker/lp-" + keys.incrementAndGet();
    }

    private static CompletableFuture<Answer> longPoll(GatewayHttp on, String query) {
        return CompletableFuture.supplyAsync(() -> on.get("/longpoll?" + query));
    }

    private static JsonNode answerOf(CompletableFuture<Answer> answer) {
        Answer a = answer.orTimeout(PATIENCE.toSeconds(), TimeUnit.SECONDS).join();
        assertEquals(200, a.status(), a::body);
        return a.json();
    }

    @Test
    void parksUntilAnEventArrivesThenAnswersWithIt() {
        String channel = channel();
        String cursor = http.liveCursor(List.of(channel));
        CompletableFuture<Answer> parked = longPoll(http, GatewayHttp.query(List.of(channel), cursor) + "&timeout=30");
        assertFalse(parked.isDone(), "nothing after the cursor yet: the request waits");

        Published p = http.publish(channel, "{\"n\":1}");

        JsonNode answer = answerOf(parked);
        assertEquals(1, answer.path("events").size(), answer::toString);
        assertEquals(p.data(), answer.path("events").get(0).path("data"));
        assertEquals(answer.path("events").get(0).path("cursor"), answer.path("cursor"), "next: right after the event");
        assertFalse(answer.path("gap").asBoolean(true), answer::toString);
    }

    @Test
    void answersWithNoEventsAndTheSameCursorWhenTheTimeoutPasses() {
        String channel = channel();
        String cursor = http.liveCursor(List.of(channel));

        JsonNode answer = answerOf(longPoll(http, GatewayHttp.query(List.of(channel), cursor) + "&timeout=1"));

        assertEquals(0, answer.path("events").size(), answer::toString);
        assertEquals(cursor, answer.path("cursor").asText());
        assertFalse(answer.path("gap").asBoolean(true), answer::toString);
    }

    @Test
    void parksWithoutCursorWhenNoChannelHasARetainedEvent() {
        String channel = channel();
        CompletableFuture<Answer> parked = longPoll(http, GatewayHttp.query(List.of(channel), null) + "&timeout=30");
        assertFalse(parked.isDone(), "nothing retained: the request waits");

        Published p = http.publish(channel, "{\"n\":1}");

        JsonNode answer = answerOf(parked);
        assertEquals(1, answer.path("events").size(), answer::toString);
        assertEquals(p.data(), answer.path("events").get(0).path("data"));
    }

    @Test
    void timesOutWithoutCursorWithTheLiveCursor() {
        String channel = channel();

        JsonNode answer = answerOf(longPoll(http, GatewayHttp.query(List.of(channel), null) + "&timeout=1"));

        assertEquals(0, answer.path("events").size(), answer::toString);
        Published p = http.publish(channel, "{\"n\":1}");
        String live = answer.path("cursor").asText();
        await().atMost(PATIENCE).untilAsserted(() -> assertEquals(List.of(p.data()),
                http.poll(List.of(channel), live).path("events").findValues("data"), "the live cursor resumes before later events"));
    }

    @Test
    void capsATimeoutAboveTheServersMaximum() {
        GatewayHttp cappedHttp = new GatewayHttp(capped.port());
        String channel = channel();
        String cursor = cappedHttp.liveCursor(List.of(channel));

        JsonNode answer = answerOf(longPoll(cappedHttp, GatewayHttp.query(List.of(channel), cursor) + "&timeout=3600"));

        assertEquals(0, answer.path("events").size(), answer::toString);
        assertEquals(cursor, answer.path("cursor").asText());
    }

    @Test
    void aClientGoneWhileParkedHarmsNothing() throws Exception {
        String channel = channel();
        String cursor = http.liveCursor(List.of(channel));
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.getOutputStream().write(("GET /longpoll?" + GatewayHttp.query(List.of(channel), cursor)
                    + "&timeout=30 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
        }
        CompletableFuture<Answer> other = longPoll(http, GatewayHttp.query(List.of(channel), cursor) + "&timeout=30");

        Published p = http.publish(channel, "{\"n\":1}");

        assertEquals(List.of(p.data()), answerOf(other).path("events").findValues("data"));
    }
}
