package dev.fanfare.client.style;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter between reconnect attempts, so that thousands of clients
 * dropped at once by a restarting gateway do not come back in one wave. Not thread-safe.
 */
final class Backoff {

    private final long initialMillis;
    private final long maxMillis;
    private int attempts;

    Backoff(Duration initial, Duration max) {
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial: " + initial + " (expected: > 0)");
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max: " + max + " (expected: >= initial " + initial + ")");
        }
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
    }

    /** The next delay: uniform in [ceiling/2, ceiling], the ceiling doubling per attempt up to max. */
    Duration next() {
        long ceiling = Math.min(maxMillis, initialMillis << Math.min(attempts, 20));
        attempts++;
        long delay = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
        return Duration.ofMillis(delay);
    }

    /** After a success: the next failure starts over from the initial delay. */
    void reset() {
        attempts = 0;
    }
}
