package dev.fanfare.gateway.counters;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanfare.gateway.GatewayServer;
import dev.fanfare.gateway.testing.Style;
import dev.fanfare.gateway.testing.StyleClient;
import dev.fanfare.gateway.testing.TestGateway;
import dev.fanfare.gateway.testing.TestKafka;
import dev.fanfare.gateway.testing.TestRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A subscriber of a totals channel first gets the current totals, whatever its style: from the
 * node's rings when the post had a recent update, from the counter store (Redis) when not (a node
 * that started after the last update, or a post never clapped), then every update.
 */
class TotalsSnapshotIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static TestRedis redis;
    private static GatewayServer first;
    private static GatewayServer late;
    private static final String POST = "post-" + System.nanoTime();
    /** Claps on POST so far (one like, by bob, throughout). */
    private static int claps = 5;

    @BeforeAll
    static void clapThenStartASecondNodeThatSawNothing() throws Exception {
        redis = TestRedis.start();
        String prefix = TestKafka.uniqueTopicPrefix();
        first = GatewayServer.start(TestGateway.config().withKafka(k -> k.withTopicPrefix(prefix)).withCounters(c -> c.withRedis(redis.uri())));
        send("POST", "/claps/" + POST, "{\"user\":\"ann\",\"count\":5}");
        send("PUT", "/likes/" + POST, "{\"user\":\"bob\"}");
        awaitTotals(first);
        for (Style style : Style.values()) {
            send("POST", "/claps/" + storePost(style), "{\"user\":\"ann\",\"count\":3}");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> JSON.readTree(get(first, "/poll?channel=claps/*"))
                .path("events").size() == 1 + Style.values().length);
        // No warm-up: this node's rings hold nothing of the post, only the store knows its totals.
        late = GatewayServer.start(TestGateway.config().withKafka(k -> k.withTopicPrefix(prefix).withWarmupRecords(0))
                .withCounters(c -> c.withRedis(redis.uri())));
    }

    @AfterAll
    static void stop() {
        if (late != null) {
            late.close();
        }
        if (first != null) {
            first.close();
        }
        redis.close();
    }

    private static String send(String method, String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + first.port() + path))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
        return r.body();
    }

    private static String get(GatewayServer node, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** A post of its own per style, clapped 3 times before the late node started. */
    private static String storePost(Style style) {
        return POST + "-" + style.name().toLowerCase().replace('_', '-');
    }

    /** Waits until {@code node}'s rings hold the current totals of POST. */
    private static void awaitTotals(GatewayServer node) {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            JsonNode events = JSON.readTree(get(node, "/poll?channel=claps/" + POST)).path("events");
            return events.size() == 1 && totals(events.get(0)).equals(claps + "/1");
        });
    }

    private static String totals(JsonNode event) {
        return event.path("data").path("claps").asLong() + "/" + event.path("data").path("likes").asLong();
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void snapshotFromTheRingsOfANodeThatSawTheUpdateAlongsideOneFromTheStore(Style style) {
        awaitTotals(first);
        String never = "claps/nothing-" + style.name().toLowerCase().replace('_', '-');
        try (StyleClient c = style.client(first.port())) {
            // One channel the rings answer, one only the store can: a long poll must wait for both.
            c.start(List.of("claps/" + POST, never), null);
            await().atMost(Duration.ofSeconds(20)).until(() -> c.events().size() >= 2);
            for (JsonNode snap : c.events().subList(0, 2)) {
                assertTrue(snap.path("snapshot").asBoolean(), snap.toString());
                assertEquals(snap.path("channel").asText().equals(never) ? "0/0" : claps + "/1", totals(snap), snap.toString());
            }
            assertTrue(c.errors().isEmpty(), c.errors().toString());
        }
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void snapshotFromTheStoreOnANodeThatHoldsNothingThenUpdates(Style style) throws Exception {
        String post = storePost(style);
        try (StyleClient c = style.client(late.port())) {
            c.start(List.of("likes/" + post, "likes/never-" + post), null);
            await().atMost(Duration.ofSeconds(20)).until(() -> c.events().size() >= 2);
            for (JsonNode e : c.events().subList(0, 2)) {
                assertTrue(e.path("snapshot").asBoolean(), e.toString());
                assertEquals(e.path("channel").asText().equals("likes/" + post) ? "3/0" : "0/0", totals(e), e.toString());
            }
            if (style != Style.SHORT_POLL && style != Style.LONG_POLL) {
                // A streaming subscriber then gets the next update on the same connection.
                send("POST", "/claps/" + post, "{\"user\":\"cat\",\"count\":2}");
                await().atMost(Duration.ofSeconds(20)).until(() -> c.events().stream()
                        .anyMatch(e -> !e.path("snapshot").asBoolean() && totals(e).equals("5/0")));
            }
            assertTrue(c.errors().isEmpty(), c.errors().toString());
        }
    }
}
