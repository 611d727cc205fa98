package dev.fanfare.gateway.core;

import java.util.List;

/**
 * What a transport implements so the hub can write to one client: one connection (SSE,
 * WebSocket) or one parked request (long poll). The shard keeps its own bookkeeping about a
 * subscriber (channels, batch state, position, what it holds back); this is only the writing end.
 *
 * <p>Every method is called on the subscriber's shard's event loop. A write call borrows the
 * event: an implementation takes its bytes with {@link Event#encode} and keeps no reference.
 */
public interface Subscriber {

    /** Which of the four styles it is, for the metrics. */
    Style style();

    /**
     * Called before this subscriber's first write of a batch (live or catch-up).
     *
     * @return false when its outbound buffer is past the high-water mark: it gets nothing of this
     *         batch now, and the shard applies the stream's {@link DeliveryPolicy}
     */
    boolean beginBatch();

    /**
     * Writes one event without flushing: {@code event.encode(alloc, format, set, cursor, snapshot,
     * conflated)}.
     *
     * @param set       the partitions this subscriber's cursors name (what its subscription covers)
     * @param cursor    null to send the event's shared encoding over {@code set}; else the cursor this
     *                  subscriber must see
     * @param snapshot  true when the event is the channel's latest state sent on subscribe
     * @param conflated how many earlier events of its channel this one replaced (0: none)
     * @return the bytes queued
     */
    int write(Event event, PartitionSet set, String cursor, boolean snapshot, long conflated);

    /** Writes a gap notice: events of these channels were lost to this subscriber before {@code cursor}. */
    void writeGap(List<ChannelName> channels, String cursor);

    /**
     * Ends a batch (live or catch-up): flush.
     *
     * @param written null, or to run once everything this batch wrote has reached the socket (the
     *                shard samples write latency this way)
     */
    void endBatch(Runnable written);

    /**
     * The shard has let go of this subscriber for {@code reason}: tell the client why (in its
     * protocol) and close. The subscriber is already removed; it gets no more calls.
     */
    void disconnect(DisconnectReason reason);
}
