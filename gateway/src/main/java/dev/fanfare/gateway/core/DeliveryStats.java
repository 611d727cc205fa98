package dev.fanfare.gateway.core;

/**
 * What one shard delivered, by style: counts kept in plain fields by the shard's loop (no
 * allocation, no atomic operation per write) and read by the metrics from another thread. A
 * reader may see a count a moment old; counts only grow, so nothing is misread beyond that.
 */
public final class DeliveryStats {

    private static final int STYLES = Style.values().length;

    private final long[] deliveries = new long[STYLES];
    private final long[] bytes = new long[STYLES];
    private final long[] flushes = new long[STYLES];
    private final long[] conflated = new long[STYLES];
    private final long[] catchUps = new long[STYLES];
    private final long[] snapshots = new long[STYLES];
    private final long[] gaps = new long[STYLES];

    /** One answer to a poll (short or long, answered from a read): its events, bytes, snapshots, gap and events replaced. */
    public void answered(Style s, int events, long byteCount, int snapshotCount, boolean gap, long replaced) {
        deliveries[s.ordinal()] += events;
        conflated[s.ordinal()] += replaced;
        bytes[s.ordinal()] += byteCount;
        snapshots[s.ordinal()] += snapshotCount;
        flushes[s.ordinal()]++;
        if (gap) {
            gaps[s.ordinal()]++;
        }
        if (events > snapshotCount) {
            catchUps[s.ordinal()]++;
        }
    }

    void delivered(Style s, int byteCount) {
        deliveries[s.ordinal()]++;
        bytes[s.ordinal()] += byteCount;
    }

    void flushed(Style s) {
        flushes[s.ordinal()]++;
    }

    /** {@code skipped} events replaced by a later one of their channel (conflation or a rate limit). */
    void conflated(Style s, long skipped) {
        conflated[s.ordinal()] += skipped;
    }

    void caughtUp(Style s) {
        catchUps[s.ordinal()]++;
    }

    void snapshot(Style s) {
        snapshots[s.ordinal()]++;
    }

    void gap(Style s) {
        gaps[s.ordinal()]++;
    }

    public long deliveries(Style s) {
        return deliveries[s.ordinal()];
    }

    public long bytes(Style s) {
        return bytes[s.ordinal()];
    }

    public long flushes(Style s) {
        return flushes[s.ordinal()];
    }

    public long conflated(Style s) {
        return conflated[s.ordinal()];
    }

    public long catchUps(Style s) {
        return catchUps[s.ordinal()];
    }

    public long snapshots(Style s) {
        return snapshots[s.ordinal()];
    }

    public long gaps(Style s) {
        return gaps[s.ordinal()];
    }
}
