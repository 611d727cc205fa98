package dev.fanfare.gateway.testing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;

/** Waiting for and reading what a {@link StyleClient} received. */
public final class Deliveries {

    /** Long enough for a loaded 2-core machine; a healthy run needs a fraction of it. */
    public static final Duration PATIENCE = Duration.ofSeconds(20);

    private Deliveries() {
    }

    /** Waits until {@code c} holds at least {@code n} events; fails early if it reports an error. */
    public static List<JsonNode> awaitEvents(StyleClient c, int n) {
        await().atMost(PATIENCE)
                .failFast("the client reported errors", () -> !c.errors().isEmpty())
                .untilAsserted(() -> assertTrue(c.events().size() >= n, () -> "waiting for " + n + " events: " + c));
        return c.events();
    }

    /** The {@code data.n} of each event, in order. */
    public static List<Integer> numbers(List<JsonNode> events) {
        return events.stream().map(e -> e.path("data").path("n").asInt(-1)).toList();
    }

    /** The {@code data.n} of each event of {@code channel}, in order. */
    public static List<Integer> numbers(List<JsonNode> events, String channel) {
        return numbers(events.stream().filter(e -> channel.equals(e.path("channel").asText())).toList());
    }

    /** 1, 2, ..., n. */
    public static List<Integer> upTo(int n) {
        return java.util.stream.IntStream.rangeClosed(1, n).boxed().toList();
    }
}
