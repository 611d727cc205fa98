package dev.fanfare.gateway.core;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

/**
 * One record as subscribers see it, encoded once per wire format at ingest.
 *
 * <p>Ownership: the hub creates an event with one reference, held by the ring; every shard that
 * delivers it holds one more for the length of its delivery task. Writers never take the encoded
 * buffers themselves, they write {@code retainedDuplicate()}s (see {@link #shared}). When the last
 * reference goes, the three buffers are released.
 */
public final class Event extends AbstractReferenceCounted {

    private final ChannelName channel;
    private final String channelText;
    private final int stream;
    private final int global;
    private final long offset;
    private final long timestamp;
    private final long seq;
    private final long[] vector;
    private final String cursor;
    private final byte[] data;
    private final ByteBuf json;
    private final ByteBuf ws;
    private final ByteBuf sse;
    /** Set by {@link RingStore} (under its lock) once the ring has let go of this event. */
    boolean evicted;

    /**
     * @param vector the node's positions right after this event: resuming from it yields what came next
     */
    public Event(ByteBufAllocator alloc, ChannelName channel, int stream, int global, long offset, long timestamp,
                 long seq, long[] vector, String cursor, byte[] data) {
        this.channel = channel;
        this.channelText = channel.toString();
        this.stream = stream;
        this.global = global;
        this.offset = offset;
        this.timestamp = timestamp;
        this.seq = seq;
        this.vector = vector;
        this.cursor = cursor;
        this.data = data;
        this.json = Envelopes.encode(alloc, Envelopes.Format.JSON, channelText, cursor, timestamp, data, false);
        this.ws = Envelopes.encode(alloc, Envelopes.Format.WS, channelText, cursor, timestamp, data, false);
        this.sse = Envelopes.encode(alloc, Envelopes.Format.SSE, channelText, cursor, timestamp, data, false);
    }

    /**
     * A channel's state from a {@link SnapshotSource}: no Kafka position of its own, sent only as a
     * snapshot with the subscriber's cursor.
     */
    static Event state(ByteBufAllocator alloc, ChannelName channel, int stream, String cursor, byte[] data) {
        return new Event(alloc, channel, stream, -1, -1, System.currentTimeMillis(), -1, null, cursor, data);
    }

    public ChannelName channel() {
        return channel;
    }

    /** {@code stream/key}, the subscription map's key. */
    public String channelText() {
        return channelText;
    }

    public int stream() {
        return stream;
    }

    /** The global partition index (see {@link StreamLayout}). */
    public int global() {
        return global;
    }

    public long offset() {
        return offset;
    }

    public long timestamp() {
        return timestamp;
    }

    /** Node-local dispatch order: every event of a shard's batch has a higher seq than the batch before. */
    public long seq() {
        return seq;
    }

    /** Positions right after this event; callers must not modify it. */
    public long[] vector() {
        return vector;
    }

    public String cursor() {
        return cursor;
    }

    /** The normalized JSON payload; callers must not modify it. */
    public byte[] data() {
        return data;
    }

    /** The encoded form shared by every subscriber; a new retained duplicate, owned by the caller. */
    public ByteBuf shared(Envelopes.Format format) {
        return switch (format) {
            case JSON -> json.retainedDuplicate();
            case WS -> ws.retainedDuplicate();
            case SSE -> sse.retainedDuplicate();
        };
    }

    /**
     * This event in {@code format} as one subscriber must see it: the shared bytes when
     * {@code cursor} is null and it is no snapshot, else a fresh encoding. Owned by the caller.
     */
    public ByteBuf encode(ByteBufAllocator alloc, Envelopes.Format format, String cursor, boolean snapshot) {
        if (cursor == null && !snapshot) {
            return shared(format);
        }
        return Envelopes.encode(alloc, format, channelText, cursor != null ? cursor : this.cursor, timestamp, data, snapshot);
    }

    /** Bytes this event holds, for the ring's memory budget. */
    public int retainedBytes() {
        return json.capacity() + ws.capacity() + sse.capacity() + data.length + vector.length * 8 + 160;
    }

    @Override
    protected void deallocate() {
        json.release();
        ws.release();
        sse.release();
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        return this;
    }

    @Override
    public String toString() {
        return channelText + "@" + global + ":" + offset;
    }
}
