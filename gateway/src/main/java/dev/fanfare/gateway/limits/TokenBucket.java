package dev.fanfare.gateway.limits;

/**
 * One token bucket: holds up to {@code burst} tokens, gains {@code perSecond} a second, and each
 * action takes one. Thread-safe (one client may act on several event loops at once); time comes
 * from the caller, so tests need no clock of their own.
 */
public final class TokenBucket {

    private final double perNano;
    private final double burst;
    private double tokens;
    private long last;

    public TokenBucket(Rate rate, long nowNanos) {
        if (!rate.enabled()) {
            throw new IllegalArgumentException("rate: off (expected: a rate > 0)");
        }
        this.perNano = rate.perSecond() / 1e9;
        this.burst = rate.burst();
        this.tokens = burst;
        this.last = nowNanos;
    }

    /**
     * Takes one token.
     *
     * @return 0 when taken, else how many nanoseconds until one is there (nothing taken)
     */
    public synchronized long take(long nowNanos) {
        refill(nowNanos);
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - tokens) / perNano));
    }

    /** Whether the bucket is full again: forgetting it changes nothing. */
    public synchronized boolean isFull(long nowNanos) {
        refill(nowNanos);
        return tokens >= burst;
    }

    private void refill(long now) {
        if (now > last) {
            tokens = Math.min(burst, tokens + (now - last) * perNano);
            last = now;
        }
    }
}
