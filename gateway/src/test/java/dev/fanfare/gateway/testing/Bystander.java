package dev.fanfare.gateway.testing;

import static dev.fanfare.gateway.testing.Deliveries.PATIENCE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanfare.gateway.core.Json;
import dev.fanfare.gateway.testing.GatewayHttp.Published;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An SSE subscriber of every stream of a gateway that tests throw bad input at: after each test
 * it must receive exactly the events published on purpose since the last check (at least the next
 * canary): nothing the bad input slipped in, nothing lost, and its stream still open.
 */
public final class Bystander implements AutoCloseable {

    public static final List<String> EVERY_STREAM = List.of("ticker/*", "claps/*", "likes/*", "demo/*");

    private final GatewayHttp http;
    private final SseClient sse;
    private final AtomicInteger numbers = new AtomicInteger();
    private int checked;

    private Bystander(GatewayHttp http) {
        this.http = http;
        this.sse = new SseClient(http.port());
        sse.start(EVERY_STREAM, http.liveCursor(EVERY_STREAM));
    }

    /** Subscribes to every stream of the gateway behind {@code http}, from now on. */
    public static Bystander start(GatewayHttp http) {
        return new Bystander(http);
    }

    /** A number no other event of this bystander's tests carries. */
    public int next() {
        return numbers.incrementAndGet();
    }

    /**
     * Publishes the next canary ({@code demo/canary}) and checks the bystander got exactly it and
     * {@code published}, the events the test put on the gateway on purpose.
     */
    public void getsTheCanary(List<Published> published) {
        List<Published> expected = new ArrayList<>(published);
        expected.add(http.publish("demo/canary", "{\"n\":" + next() + "}"));
        getsExactly(expected);
    }

    /** Waits until the bystander got every one of {@code next}, and checks it got nothing else since the last check. */
    public void getsExactly(List<Published> next) {
        try {
            await().atMost(PATIENCE).untilAsserted(() -> {
                List<JsonNode> since = since(sse.events());
                assertEquals(List.of(), next.stream().filter(p -> since.stream().noneMatch(e -> is(e, p))).toList(),
                        () -> "not (yet) received by the bystander, which got " + since + " (" + sse + ")");
            });
        } catch (RuntimeException | Error missing) {
            checked = sse.events().size(); // a failed check leaves the next one clean
            throw missing;
        }
        List<JsonNode> events = sse.events();
        List<JsonNode> since = since(events);
        checked = events.size();
        assertEquals(next.size(), since.size(), () -> "the bystander got more than the next events " + next + ": " + since);
        assertFalse(sse.ended(), sse::toString);
        assertEquals(List.of(), sse.errors());
    }

    public void getsExactly(Published next) {
        getsExactly(List.of(next));
    }

    private List<JsonNode> since(List<JsonNode> events) {
        return events.subList(Math.min(checked, events.size()), events.size());
    }

    private static boolean is(JsonNode event, Published p) {
        return event.path("data").equals(p.data()) && event.path("channel").asText().equals(p.channel());
    }

    /** The socket still works: it subscribes to a new channel and receives an event, which the bystander hears too. */
    public void assertUsable(WsClient ws) {
        String channel = "likes/usable-" + next();
        ObjectNode subscribe = Json.MAPPER.createObjectNode().put("type", "subscribe");
        subscribe.putArray("channels").add(channel);
        subscribe.put("cursor", http.liveCursor(List.of(channel)));
        assertEquals("ack", ws.request(subscribe).path("type").asText());
        Published p = http.publish(channel, "{\"n\":" + next() + "}");
        await().atMost(PATIENCE).until(() -> !ws.events().isEmpty());
        assertEquals(List.of(p.data()), ws.events().stream().map(e -> e.get("data")).toList());
        getsExactly(p); // it hears every stream
    }

    @Override
    public void close() {
        sse.stop();
    }
}
