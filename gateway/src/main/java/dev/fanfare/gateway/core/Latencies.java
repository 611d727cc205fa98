package dev.fanfare.gateway.core;

/**
 * Where the fan-out reports how late events reach clients: from the Kafka record's timestamp to
 * the moment its bytes were written to the client's socket. Sampled (see {@link Shard}), so the
 * hot path allocates nothing for it.
 */
public interface Latencies {

    /** Nowhere: no metrics. */
    Latencies NONE = (style, millis) -> { };

    /** One sample; called on event loops, must be cheap. */
    void record(Style style, long millis);

    /**
     * One batch through one shard: from the hub receiving it from the Kafka reader to the shard's last write
     * and flush of it (every subscriber, not a sample), in nanoseconds: the node's own share of the last
     * subscriber's latency, finer than the record timestamp's milliseconds. Called on event loops.
     */
    default void fanout(long nanos) {
    }
}
