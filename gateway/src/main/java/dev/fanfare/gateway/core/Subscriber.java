package dev.fanfare.gateway.core;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One client's interest in channels, tied to one connection (SSE, WebSocket) or one parked request
 * (long poll): the seam the hub writes to. Every method is called on the subscriber's shard's event
 * loop, and so is every field here touched.
 *
 * <p>A write call borrows the event: an implementation takes its bytes with
 * {@link Event#shared} (or encodes anew when given a cursor of its own) and keeps no reference.
 */
public abstract class Subscriber {

    static final int IDLE = 0;
    static final int IN_BATCH = 1;
    static final int SKIPPING = 2;

    final Set<ChannelName> channels = new HashSet<>();
    /** The positions this subscriber is past the node on, while the node catches up; else null. */
    long[] ahead;
    int batchState = IDLE;
    boolean closed;
    boolean statesPending;

    /**
     * Called before this subscriber's first event of a live batch.
     *
     * @return false to get nothing of this batch (for instance: about to be disconnected as too slow)
     */
    protected abstract boolean beginBatch();

    /**
     * Writes one event without flushing.
     *
     * @param cursor   null to send the event's shared encoding; else the cursor this subscriber must see
     * @param snapshot true when the event is the channel's latest state sent on subscribe
     */
    protected abstract void write(Event event, String cursor, boolean snapshot);

    /** Writes a gap notice: events of these channels were lost to this subscriber before {@code cursor}. */
    protected abstract void writeGap(List<ChannelName> channels, String cursor);

    /** Ends a batch (live or catch-up): flush. */
    protected abstract void endBatch();

    /**
     * True while snapshots from the hub's {@link SnapshotSource} are still on their way: a
     * subscriber that answers once (a long poll) waits for them; they end with an {@link #endBatch}.
     */
    protected final boolean statesPending() {
        return statesPending;
    }

    /** The channels this subscriber is registered for (read on its event loop only). */
    public final Set<ChannelName> channels() {
        return Set.copyOf(channels);
    }
}
