package dev.fanfare.gateway.kafka;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Whether this node can reach Kafka, asked off the event loops and remembered for a second so a
 * burst of health checks costs one round trip.
 */
public final class KafkaHealth {

    private static final long TTL_NANOS = Duration.ofSeconds(1).toNanos();

    private final TopicAdmin admin;
    private final Executor blocking;
    private CompletableFuture<Boolean> last;
    private long lastAt;

    public KafkaHealth(TopicAdmin admin, Executor blocking) {
        this.admin = admin;
        this.blocking = blocking;
    }

    public synchronized CompletableFuture<Boolean> kafkaUp() {
        long now = System.nanoTime();
        if (last == null || (last.isDone() && now - lastAt > TTL_NANOS)) {
            lastAt = now;
            last = CompletableFuture.supplyAsync(() -> admin.ping(Duration.ofSeconds(2)), blocking)
                    .exceptionally(e -> false);
        }
        return last;
    }
}
