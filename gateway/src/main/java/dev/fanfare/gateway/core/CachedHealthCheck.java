package dev.fanfare.gateway.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A health check that asks something remote (Kafka, Redis) at most once per {@code ttl}, so a
 * burst of {@code /health} calls costs one round trip, and every caller shares the answer.
 */
public final class CachedHealthCheck implements HealthCheck {

    private final String name;
    private final boolean critical;
    private final Supplier<CompletionStage<Status>> probe;
    private final long ttlNanos;
    private CompletableFuture<Status> last;
    private long lastAt;

    /** @param probe starts one check off the caller's thread; its failure is reported as down */
    public CachedHealthCheck(String name, boolean critical, Duration ttl, Supplier<CompletionStage<Status>> probe) {
        this.name = name;
        this.critical = critical;
        this.probe = probe;
        this.ttlNanos = ttl.toNanos();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean critical() {
        return critical;
    }

    @Override
    public synchronized CompletionStage<Status> check() {
        long now = System.nanoTime();
        if (last == null || (last.isDone() && now - lastAt > ttlNanos)) {
            lastAt = now;
            CompletableFuture<Status> next;
            try {
                next = probe.get().toCompletableFuture();
            } catch (RuntimeException e) {
                next = CompletableFuture.completedFuture(Status.down(e.toString()));
            }
            last = next.exceptionally(e -> Status.down(String.valueOf(e.getMessage())));
        }
        return last;
    }
}
