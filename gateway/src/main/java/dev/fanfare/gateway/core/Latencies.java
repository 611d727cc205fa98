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
}
