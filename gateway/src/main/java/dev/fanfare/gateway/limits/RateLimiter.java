package dev.fanfare.gateway.limits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One rate per key (a user, a client address): a token bucket each, kept while it matters. A
 * bucket that has filled up again is the same as none, so such buckets are dropped when the map
 * reaches its bound; keys past the bound even then share one bucket, so a flood of new keys
 * (addresses) costs bounded memory and is still limited.
 */
public final class RateLimiter {

    static final int MAX_KEYS = 100_000;
    private static final long SWEEP_INTERVAL = TimeUnit.SECONDS.toNanos(1);

    private final Rate rate;
    private final int maxKeys;
    private final LongSupplier clock;
    private final Map<Object, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final TokenBucket overflow;
    private volatile long lastSweep;

    public RateLimiter(Rate rate, LongSupplier clock) {
        this(rate, MAX_KEYS, clock);
    }

    RateLimiter(Rate rate, int maxKeys, LongSupplier clock) {
        this.rate = rate;
        this.maxKeys = maxKeys;
        this.clock = clock;
        long now = clock.getAsLong();
        this.overflow = rate.enabled() ? new TokenBucket(rate, now) : null;
        this.lastSweep = now - SWEEP_INTERVAL;
    }

    public Rate rate() {
        return rate;
    }

    /**
     * Takes one token of {@code key}'s bucket.
     *
     * @return 0 when taken (or the rate is off), else the nanoseconds until one is there
     */
    public long take(Object key) {
        if (!rate.enabled()) {
            return 0;
        }
        long now = clock.getAsLong();
        TokenBucket b = buckets.get(key);
        if (b == null) {
            if (buckets.size() >= maxKeys && now - lastSweep >= SWEEP_INTERVAL) {
                lastSweep = now;
                buckets.values().removeIf(bucket -> bucket.isFull(now));
            }
            b = buckets.size() < maxKeys ? buckets.computeIfAbsent(key, k -> new TokenBucket(rate, now)) : overflow;
        }
        return b.take(now);
    }

    /** Keys with a bucket of their own now. */
    int tracked() {
        return buckets.size();
    }
}
