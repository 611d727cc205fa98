package dev.fanfare.gateway.core;

import java.util.Set;

/**
 * What happens to a subscriber that cannot keep up, by stream:
 * <ul>
 *   <li>lossless: disconnected with {@link DisconnectReason#SLOW_CONSUMER} at the next batch; it
 *       resumes with its cursor and loses nothing;</li>
 *   <li>conflate: while its buffer is above its low-water mark only the latest event of each
 *       channel is kept for it; when it drains it gets that event, marked with how many it
 *       replaced; it is never disconnected for being slow.</li>
 * </ul>
 * A subscriber with channels of both kinds is disconnected when an event of a lossless one comes
 * while it is behind.
 *
 * @param maxHeldPerSubscriber channels whose latest events are held for one subscriber; past it
 *                             (a wildcard over a stream with very many keys) it is disconnected
 *                             as lossless subscribers are
 */
public record DeliveryPolicy(Set<String> conflatingStreams, int maxHeldPerSubscriber) {

    /** Tickers and counter totals conflate: only their latest value matters. */
    public static final DeliveryPolicy DEFAULT = new DeliveryPolicy(Set.of("ticker", "claps", "likes"), 1024);

    public DeliveryPolicy {
        conflatingStreams = Set.copyOf(conflatingStreams);
        if (maxHeldPerSubscriber < 1) {
            throw new IllegalArgumentException("maxHeldPerSubscriber: " + maxHeldPerSubscriber + " (expected: > 0)");
        }
    }

    /** By stream index of {@code layout}. */
    boolean[] conflating(StreamLayout layout) {
        boolean[] c = new boolean[layout.streams().size()];
        for (StreamLayout.Stream s : layout.streams()) {
            c[s.index()] = conflatingStreams.contains(s.name());
        }
        return c;
    }
}
