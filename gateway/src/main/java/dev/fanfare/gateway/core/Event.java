package dev.fanfare.gateway.core;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One record as subscribers see it, encoded at most once per wire format and shared.
 *
 * <p>Encodings are made when the first subscriber of a format needs one (a node with no WebSocket
 * client never builds WebSocket frames), on whichever event loop asks first, and then shared by
 * every subscriber on every loop.
 *
 * <p>Ownership: the hub creates an event with one reference, held by the ring; every shard that
 * delivers it holds one more for the length of its delivery task, a catch-up one for as long as it
 * reads. Writers never take the encoded buffers themselves, they write {@code retainedDuplicate()}s
 * (see {@link #shared}), so asking for an encoding needs a reference held. When the last reference
 * goes, the encoded buffers are released.
 */
public final class Event extends AbstractReferenceCounted {

    private static final Envelopes.Format[] FORMATS = Envelopes.Format.values();

    private final ByteBufAllocator alloc;
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
    private final int retainedBytes;
    /** By {@link Envelopes.Format#ordinal()}; null until a subscriber of the format needs it. */
    private final AtomicReferenceArray<ByteBuf> encoded = new AtomicReferenceArray<>(FORMATS.length);
    /** Set by {@link RingStore} (under its lock) once the ring has let go of this event. */
    boolean evicted;
    /** The node's next older and newer retained events: {@link RingStore}'s list, under its lock. */
    Event older;
    Event newer;

    /**
     * @param vector the node's positions right after this event: resuming from it yields what came next
     */
    public Event(ByteBufAllocator alloc, ChannelName channel, int stream, int global, long offset, long timestamp,
                 long seq, long[] vector, String cursor, byte[] data) {
        this.alloc = alloc;
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
        // What the event may come to hold with every format encoded: the ring's budget counts it
        // up front, so the accounting of an event never changes while the ring holds it.
        int perFormat = Envelopes.maxSize(channelText, cursor, data.length);
        this.retainedBytes = perFormat * FORMATS.length + data.length + (vector == null ? 0 : vector.length * 8)
                + cursor.length() * 2 + 160;
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
        ByteBuf b = encoded.get(format.ordinal());
        if (b == null) {
            b = encodeShared(format);
        }
        return b.retainedDuplicate();
    }

    /** Whether {@code format} has been encoded yet (for tests). */
    boolean isEncoded(Envelopes.Format format) {
        return encoded.get(format.ordinal()) != null;
    }

    // Two loops may race to encode the same format: one wins, the other drops its copy.
    private ByteBuf encodeShared(Envelopes.Format format) {
        ByteBuf mine = Envelopes.encode(alloc, format, channelText, cursor, timestamp, data, false);
        if (encoded.compareAndSet(format.ordinal(), null, mine)) {
            return mine;
        }
        mine.release();
        return encoded.get(format.ordinal());
    }

    /**
     * This event in {@code format} as one subscriber must see it: the shared bytes when
     * {@code cursor} is null and it is no snapshot, else a fresh encoding. Owned by the caller.
     */
    public ByteBuf encode(ByteBufAllocator alloc, Envelopes.Format format, String cursor, boolean snapshot) {
        return encode(alloc, format, cursor, snapshot, 0);
    }

    /** As {@link #encode(ByteBufAllocator, Envelopes.Format, String, boolean)}, marked as replacing {@code conflated} earlier events. */
    public ByteBuf encode(ByteBufAllocator alloc, Envelopes.Format format, String cursor, boolean snapshot, long conflated) {
        if (cursor == null && !snapshot && conflated == 0) {
            return shared(format);
        }
        return Envelopes.encode(alloc, format, channelText, cursor != null ? cursor : this.cursor, timestamp, data,
                snapshot, conflated);
    }

    /** Bytes this event may hold, for the ring's memory budget (fixed for the event's life). */
    public int retainedBytes() {
        return retainedBytes;
    }

    @Override
    protected void deallocate() {
        for (int i = 0; i < encoded.length(); i++) {
            ByteBuf b = encoded.getAndSet(i, null);
            if (b != null) {
                b.release();
            }
        }
    }

    @Override
    public Event retain() {
        super.retain();
        return this;
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
