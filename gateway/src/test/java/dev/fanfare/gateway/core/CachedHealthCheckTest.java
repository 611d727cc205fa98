package dev.fanfare.gateway.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CachedHealthCheckTest {

    @Test
    void aBurstOfChecksWithinTheTtlAsksOnceAndSharesTheAnswer() {
        AtomicInteger asked = new AtomicInteger();
        CompletableFuture<HealthCheck.Status> pending = new CompletableFuture<>();
        HealthCheck check = new CachedHealthCheck("redis", false, Duration.ofHours(1), () -> {
            asked.incrementAndGet();
            return pending;
        });
        var first = check.check();
        var second = check.check();
        assertEquals(1, asked.get(), "a check in flight is shared");
        pending.complete(HealthCheck.Status.UP);
        check.check();
        assertEquals(1, asked.get(), "an answer within the ttl is reused");
        assertTrue(first.toCompletableFuture().join().up());
        assertTrue(second.toCompletableFuture().join().up());
    }

    @Test
    void anAnswerOlderThanTheTtlIsAskedAgain() {
        AtomicInteger asked = new AtomicInteger();
        HealthCheck check = new CachedHealthCheck("redis", false, Duration.ZERO, () -> {
            asked.incrementAndGet();
            return CompletableFuture.completedFuture(HealthCheck.Status.UP);
        });
        check.check();
        check.check();
        assertEquals(2, asked.get());
    }

    @Test
    void aProbeThatFailsOrThrowsIsReportedDownWithWhy() {
        HealthCheck failing = new CachedHealthCheck("kafka", true, Duration.ZERO,
                () -> CompletableFuture.failedFuture(new IllegalStateException("no broker")));
        HealthCheck.Status s = failing.check().toCompletableFuture().join();
        assertFalse(s.up());
        assertTrue(s.detail().contains("no broker"), s.detail());
        HealthCheck throwing = new CachedHealthCheck("kafka", true, Duration.ZERO, () -> {
            throw new IllegalStateException("pool full");
        });
        HealthCheck.Status t = throwing.check().toCompletableFuture().join();
        assertFalse(t.up());
        assertTrue(t.detail().contains("pool full"), t.detail());
    }
}
