package dev.fanfare.gateway.core;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One record as subscribers see it, encoded at most once per wire format and partition set, and
 * shared.
 *
 * <p>A subscriber's cursors name only the partitions its subscription covers
 * ({@link PartitionSet}), so what it is sent depends on its set. The event's own partition (every
 * one-channel subscriber's set) is encoded once per format like any other shared bytes; a few
 * further sets (a {@code stream/*}, a page subscribing to several channels) each get their own
 * shared encodings, made when first needed; past {@link #MAX_PROJECTIONS} sets a subscriber gets
 * an encoding of its own per write. Encodings are made on whichever event loop asks first, then
 * shared by every subscriber on every loop.
 *
 * <p>Ownership: the hub creates an event with one reference, held by the ring; every shard that
 * delivers it holds one more for the length of its delivery task, a catch-up one for as long as it
 * reads. Writers never take the encoded buffers themselves, they write {@code retainedDuplicate()}s
 * (see {@link #shared}), so asking for an encoding needs a reference held. When the last reference
 * goes, the encoded buffers are released.
 *
 * <p>Memory: the own set's encodings are in {@link #retainedBytes()}, counted up front; the further
 * sets' are counted as they are made, in the ring's account while the ring holds the event.
 */
public final class Event extends AbstractReferenceCounted {

    /** Partition sets besides the event's own that get shared encodings. */
    static final int MAX_PROJECTIONS = Integer.getInteger("fanfare.sharedCursorSets", 4);
    private static final Envelopes.Format[] FORMATS = Envelopes.Format.values();
    private static final Projection[] NO_PROJECTIONS = new Projection[0];

    /** The cursor and encodings of this event for one partition set. */
    private static final class Projection {
        final PartitionSet set;
        final String cursor;
        final AtomicReferenceArray<ByteBuf> encoded = new AtomicReferenceArray<>(FORMATS.length);

        Projection(PartitionSet set, String cursor) {
            this.set = set;
            this.cursor = cursor;
        }
    }

    private final ByteBufAllocator alloc;
    private final ChannelName channel;
    private final String channelText;
    private final int stream;
    private final int global;
    private final long offset;
    private final long timestamp;
    /** {@link System#nanoTime} when the hub took it from the reader (set once, before any loop sees it). */
    long ingestedNanos;
    private final long seq;
    private final long[] vector;
    /** What encodes cursors of other sets; null for a state. */
    private final Cursors cursors;
    /** The set of the event's own partition; null for a state. */
    private final PartitionSet own;
    /** The cursor over {@link #own} (for a state: the one it is sent with). */
    private final String cursor;
    private final byte[] data;
    private final int retainedBytes;
    /** By {@link Envelopes.Format#ordinal()}, over {@link #own}; null until a subscriber of the format needs it. */
    private final AtomicReferenceArray<ByteBuf> encoded = new AtomicReferenceArray<>(FORMATS.length);
    /** Copy-on-write, under this event's monitor. */
    private volatile Projection[] projections = NO_PROJECTIONS;
    /** The ring's account of further sets' bytes while it holds this event; else null. Under this event's monitor. */
    private AtomicLong account;
    /** What of the account is this event's. Under this event's monitor. */
    private long accounted;
    /** Set by {@link RingStore} (under its lock) once the ring has let go of this event. */
    boolean evicted;
    /** The node's next older and newer retained events: {@link RingStore}'s list, under its lock. */
    Event older;
    Event newer;

    /**
     * @param vector  the node's positions right after this event: resuming from it yields what came next
     * @param cursors encodes the event's cursors over partition sets
     */
    public Event(ByteBufAllocator alloc, ChannelName channel, int stream, int global, long offset, long timestamp,
                 long seq, long[] vector, Cursors cursors, byte[] data) {
        this(alloc, channel, stream, global, offset, timestamp, seq, vector, cursors, cursors.single(global),
                cursors.encode(vector, cursors.single(global)), data);
    }

    private Event(ByteBufAllocator alloc, ChannelName channel, int stream, int global, long offset, long timestamp,
                  long seq, long[] vector, Cursors cursors, PartitionSet own, String cursor, byte[] data) {
        this.alloc = alloc;
        this.channel = channel;
        this.channelText = channel.toString();
        this.stream = stream;
        this.global = global;
        this.offset = offset;
        this.timestamp = timestamp;
        this.seq = seq;
        this.vector = vector;
        this.cursors = cursors;
        this.own = own;
        this.cursor = cursor;
        this.data = data;
        // What the event may come to hold with every format encoded over its own partition: the
        // ring's budget counts it up front, so that part of an event's accounting never changes.
        int perFormat = Envelopes.maxSize(channelText, cursor, data.length);
        this.retainedBytes = perFormat * FORMATS.length + data.length + (vector == null ? 0 : vector.length * 8)
                + cursor.length() * 2 + 160;
    }

    /**
     * A channel's state from a {@link SnapshotSource}: no Kafka position of its own, sent only as a
     * snapshot with the subscriber's cursor.
     */
    static Event state(ByteBufAllocator alloc, ChannelName channel, int stream, String cursor, byte[] data) {
        return new Event(alloc, channel, stream, -1, -1, System.currentTimeMillis(), -1, null, null, null, cursor, data);
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

    /** The cursor over the event's own partition (a state: the one it is sent with). */
    public String cursor() {
        return cursor;
    }

    /** The cursor right after this event for a subscriber over {@code set}. */
    public String cursor(PartitionSet set) {
        if (own == null || set == own || set.equals(own)) {
            return cursor;
        }
        Projection p = projection(set);
        return p != null ? p.cursor : cursors.encode(vector, set);
    }

    /** The normalized JSON payload; callers must not modify it. */
    public byte[] data() {
        return data;
    }

    /** The encoded form over the event's own partition; a new retained duplicate, owned by the caller. */
    public ByteBuf shared(Envelopes.Format format) {
        ByteBuf b = encoded.get(format.ordinal());
        if (b == null) {
            b = encodeShared(format);
        }
        return b.retainedDuplicate();
    }

    /**
     * The encoded form for a subscriber over {@code set}: shared bytes (a new retained duplicate)
     * while the event has room for the set, else an encoding of its own. Owned by the caller.
     */
    public ByteBuf shared(Envelopes.Format format, PartitionSet set) {
        ByteBuf b = sharedBytes(format, set);
        return b != null ? b.retainedDuplicate()
                : Envelopes.encode(alloc, format, channelText, cursors.encode(vector, set), timestamp, data, false);
    }

    /**
     * The shared bytes themselves for a subscriber that {@link #encode} would give them to, or null
     * when it needs an encoding of its own (a cursor, a snapshot or a count of its own, or no room
     * for its set). Not retained: valid while the caller holds the event; read them without moving
     * their indices (other loops read the same bytes).
     */
    public ByteBuf sharedBytes(Envelopes.Format format, PartitionSet set, String cursor, boolean snapshot,
                               long conflated) {
        return plain(cursor, snapshot, conflated) ? sharedBytes(format, set) : null;
    }

    /** Whether a subscriber with these gets the shared bytes: no cursor, snapshot or count of its own. */
    private static boolean plain(String cursor, boolean snapshot, long conflated) {
        return cursor == null && !snapshot && conflated == 0;
    }

    /** The shared bytes over {@code set}, not retained; null when the event has no room for the set. */
    private ByteBuf sharedBytes(Envelopes.Format format, PartitionSet set) {
        if (own == null || set == own || set.equals(own)) {
            ByteBuf b = encoded.get(format.ordinal());
            return b != null ? b : encodeShared(format);
        }
        Projection p = projection(set);
        if (p == null) {
            return null;
        }
        ByteBuf b = p.encoded.get(format.ordinal());
        return b != null ? b : encodeShared(p, format);
    }

    /** Whether {@code format} has been encoded yet over the event's own partition (for tests). */
    boolean isEncoded(Envelopes.Format format) {
        return encoded.get(format.ordinal()) != null;
    }

    /** Partition sets besides its own the event holds encodings for (for tests). */
    int projections() {
        return projections.length;
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

    private synchronized ByteBuf encodeShared(Projection p, Envelopes.Format format) {
        ByteBuf b = p.encoded.get(format.ordinal());
        if (b == null) {
            b = Envelopes.encode(alloc, format, channelText, p.cursor, timestamp, data, false);
            p.encoded.set(format.ordinal(), b);
            count(b.capacity());
        }
        return b;
    }

    /** The projection over {@code set}, made if there is room; null when there is none. */
    private Projection projection(PartitionSet set) {
        for (Projection p : projections) {
            if (p.set == set || p.set.equals(set)) {
                return p;
            }
        }
        synchronized (this) {
            Projection[] now = projections;
            for (Projection p : now) {
                if (p.set.equals(set)) {
                    return p;
                }
            }
            if (now.length >= MAX_PROJECTIONS || refCnt() == 0) {
                return null;
            }
            Projection p = new Projection(set, cursors.encode(vector, set));
            Projection[] more = java.util.Arrays.copyOf(now, now.length + 1);
            more[now.length] = p;
            projections = more;
            count(p.cursor.length() * 2L + 64);
            return p;
        }
    }

    /** Adds bytes held for a further set to the ring's account, while the ring holds this event. */
    private void count(long bytes) {
        if (account != null) {
            account.addAndGet(bytes);
            accounted += bytes;
        }
    }

    /** The ring holds this event from now on: what it holds for further sets is counted in {@code account}. */
    synchronized void accountIn(AtomicLong account) {
        this.account = account;
    }

    /** The ring let go of this event: its further sets' bytes leave the ring's account. */
    synchronized void leaveAccount() {
        if (account != null) {
            account.addAndGet(-accounted);
            account = null;
            accounted = 0;
        }
    }

    /**
     * This event in {@code format} as one subscriber over {@code set} must see it: the shared
     * bytes when {@code cursor} is null and it is no snapshot and replaced nothing, else a fresh
     * encoding (with {@code cursor}, or the event's over {@code set}). Owned by the caller.
     */
    public ByteBuf encode(ByteBufAllocator alloc, Envelopes.Format format, PartitionSet set, String cursor,
                          boolean snapshot, long conflated) {
        if (plain(cursor, snapshot, conflated)) {
            return shared(format, set);
        }
        return Envelopes.encode(alloc, format, channelText, cursor != null ? cursor : cursor(set), timestamp, data,
                snapshot, conflated);
    }

    /** Bytes this event may hold, for the ring's memory budget (fixed for the event's life). */
    public int retainedBytes() {
        return retainedBytes;
    }

    @Override
    protected void deallocate() {
        leaveAccount();
        release(encoded);
        for (Projection p : projections) {
            release(p.encoded);
        }
    }

    private static void release(AtomicReferenceArray<ByteBuf> encodings) {
        for (int i = 0; i < encodings.length(); i++) {
            ByteBuf b = encodings.getAndSet(i, null);
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
