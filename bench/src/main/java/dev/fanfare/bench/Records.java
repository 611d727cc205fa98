package dev.fanfare.bench;

import dev.fanfare.gateway.core.FanoutHub;
import dev.fanfare.gateway.core.StreamLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** What the benchmarks feed the hub: one stream of one partition, records as the Kafka source hands them over. */
final class Records {

    static final StreamLayout LAYOUT = StreamLayout.of(List.of("demo"), List.of("fanfare.demo"),
            List.of(UUID.randomUUID()), List.of(1));
    static final String CHANNEL = "demo/bench";
    private static final byte[] KEY = "bench".getBytes(StandardCharsets.UTF_8);
    /** ~100 bytes of JSON, as pushbench publishes. */
    private static final byte[] VALUE = payload(100);

    private long offset;

    private Records() {
    }

    static Records fromZero() {
        return new Records();
    }

    /** The next {@code n} records of the channel, in offset order. */
    List<FanoutHub.Incoming> next(int n) {
        FanoutHub.Incoming[] batch = new FanoutHub.Incoming[n];
        long now = System.currentTimeMillis();
        for (int i = 0; i < n; i++) {
            batch[i] = new FanoutHub.Incoming(0, 0, offset++, now, KEY, VALUE);
        }
        return Arrays.asList(batch);
    }

    private static byte[] payload(int size) {
        String head = "{\"seq\":1,\"pad\":\"";
        String tail = "\"}";
        return (head + "x".repeat(Math.max(0, size - head.length() - tail.length())) + tail).getBytes(StandardCharsets.UTF_8);
    }
}
