package dev.fanfare.gateway.core;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * Encodes position vectors as opaque cursors and back.
 *
 * <p>A position vector holds, per global partition, the offset of the next record the holder has
 * not seen ({@code -1}: unknown). A cursor names only the partitions of one {@link PartitionSet}
 * (what a subscription covers), so a one-channel subscriber's cursor is a few dozen characters
 * whatever the partition count. It names each topic by a 64-bit hash of its Kafka topic id, so it
 * is valid on every node of the cluster and a recreated topic reads as unknown (a gap), never as
 * the old one.
 *
 * <p>Layout (version 2): version byte, topic count, then per topic the id hash, how many of its
 * partitions follow (and whether they are consecutive: then the first one's index, as for a
 * {@code stream/*}; else before each partition the step from the previous one's index), and each
 * partition's position: the first as (offset + 1), the next ones as the zigzag difference from the
 * one before (a topic's partitions move together, so differences are short). A CRC32 closes it so damaged
 * input is rejected rather than misread. Version 1 (every partition of every topic, as issued
 * before partition sets) is still read.
 */
public final class Cursors {

    private static final int VERSION_ALL = 1;
    private static final int VERSION = 2;
    private static final int MAX_BYTES = 4096;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final StreamLayout layout;
    private final long[] idHashes;
    private final PartitionSet[] single;
    private final PartitionSet[] wholeStream;
    private final PartitionSet all;

    public Cursors(StreamLayout layout) {
        this.layout = layout;
        this.idHashes = layout.streams().stream().mapToLong(s -> idHash(s.topicId())).toArray();
        int total = layout.totalPartitions();
        single = new PartitionSet[total];
        for (int g = 0; g < total; g++) {
            single[g] = new PartitionSet(new int[] {g});
        }
        wholeStream = new PartitionSet[layout.streams().size()];
        for (StreamLayout.Stream s : layout.streams()) {
            wholeStream[s.index()] = new PartitionSet(java.util.stream.IntStream.range(s.base(), s.base() + s.partitions()).toArray());
        }
        all = new PartitionSet(java.util.stream.IntStream.range(0, total).toArray());
    }

    public StreamLayout layout() {
        return layout;
    }

    /** A vector of the layout's size with every position unknown. */
    public long[] unknown() {
        long[] v = new long[layout.totalPartitions()];
        Arrays.fill(v, -1);
        return v;
    }

    /** The partitions {@code channels} live in; the shared instance for one partition or one whole stream. */
    public PartitionSet setOf(Collection<ChannelName> channels) {
        if (channels.size() == 1) {
            ChannelName c = channels.iterator().next();
            StreamLayout.Stream s = layout.require(c);
            return c.isWildcard() ? wholeStream[s.index()]
                    : single[s.global(StreamLayout.partitionOf(c.key().getBytes(StandardCharsets.UTF_8), s.partitions()))];
        }
        PartitionSet set = PartitionSet.of(layout, channels);
        if (set.size() == 1) {
            return single[set.partitions()[0]];
        }
        for (PartitionSet whole : wholeStream) {
            if (whole.equals(set)) {
                return whole;
            }
        }
        return set;
    }

    /** The set of one global partition (shared). */
    public PartitionSet single(int global) {
        return single[global];
    }

    /** Every partition of every stream. */
    public PartitionSet all() {
        return all;
    }

    /** The cursor of {@code positions} over {@code set}. */
    public String encode(long[] positions, PartitionSet set) {
        int[] parts = set.partitions();
        // The set's partitions by topic, as runs of parts: {stream index, from, to}.
        List<int[]> topics = new ArrayList<>(2);
        int i = 0;
        for (StreamLayout.Stream s : layout.streams()) {
            int from = i;
            while (i < parts.length && parts[i] < s.base() + s.partitions()) {
                i++;
            }
            if (i > from) {
                topics.add(new int[] {s.index(), from, i});
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + parts.length * 3);
        out.write(VERSION);
        writeVarint(out, topics.size());
        for (int[] t : topics) {
            StreamLayout.Stream s = layout.streams().get(t[0]);
            long h = idHashes[s.index()];
            for (int b = 7; b >= 0; b--) {
                out.write((int) (h >>> (b * 8)));
            }
            int count = t[2] - t[1];
            // A run of consecutive partitions (a stream/*) names its first only; else each its step.
            boolean run = parts[t[2] - 1] - parts[t[1]] == count - 1;
            writeVarint(out, (long) count << 1 | (run ? 1 : 0));
            if (run) {
                writeVarint(out, parts[t[1]] - s.base());
            }
            int previous = -1;
            long before = 0;
            for (int k = t[1]; k < t[2]; k++) {
                int p = parts[k] - s.base();
                if (!run) {
                    writeVarint(out, p - previous - 1);
                }
                long position = positions[parts[k]];
                writeVarint(out, k == t[1] ? position + 1 : zigzag(position - before));
                previous = p;
                before = position;
            }
        }
        CRC32 crc = new CRC32();
        byte[] body = out.toByteArray();
        crc.update(body);
        byte[] whole = Arrays.copyOf(body, body.length + 4);
        ByteBuffer.wrap(whole, body.length, 4).putInt((int) crc.getValue());
        return ENCODER.encodeToString(whole);
    }

    /**
     * Decodes a cursor into this node's layout. Partitions the cursor does not name (or names
     * under another topic id) come back as unknown positions.
     *
     * @throws IllegalArgumentException when the text is not a cursor of ours
     */
    public long[] decode(String cursor) {
        if (cursor.isEmpty() || cursor.length() > MAX_BYTES) {
            throw new IllegalArgumentException("cursor: length " + cursor.length() + " (expected: 1.." + MAX_BYTES + ")");
        }
        byte[] bytes;
        try {
            bytes = DECODER.decode(cursor);
        } catch (IllegalArgumentException e) {
            throw malformed(cursor);
        }
        if (bytes.length < 6) {
            throw malformed(cursor);
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int) crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt()
                || (bytes[0] != VERSION && bytes[0] != VERSION_ALL)) {
            throw malformed(cursor);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, 1, bytes.length - 5);
        long[] v = unknown();
        try {
            long topics = readVarint(in);
            for (long t = 0; t < topics; t++) {
                StreamLayout.Stream s = streamWithHash(in.getLong());
                long count = readVarint(in);
                boolean run = false;
                long p = -1;
                if (bytes[0] == VERSION) {
                    run = (count & 1) == 1;
                    count >>>= 1;
                    p = run ? readVarint(in) - 1 : -1;
                }
                long position = 0;
                for (long k = 0; k < count; k++) {
                    if (bytes[0] == VERSION_ALL) {
                        p = k;
                        position = readVarint(in) - 1;
                    } else {
                        p += run ? 1 : 1 + readVarint(in);
                        // A difference may take all 64 bits; the sum wraps back exactly.
                        position = k == 0 ? readVarint(in) - 1 : position + unzigzag(readBits(in));
                    }
                    if (s != null && p < s.partitions()) {
                        v[s.global((int) p)] = position < -1 ? -1 : position;
                    }
                }
            }
            if (in.hasRemaining()) {
                throw malformed(cursor);
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw malformed(cursor);
        }
        return v;
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    private StreamLayout.Stream streamWithHash(long hash) {
        for (int i = 0; i < idHashes.length; i++) {
            if (idHashes[i] == hash) {
                return layout.streams().get(i);
            }
        }
        return null;
    }

    private static IllegalArgumentException malformed(String cursor) {
        return new IllegalArgumentException("cursor: " + Text.quote(cursor) + " (expected: a cursor this gateway issued)");
    }

    static long idHash(UUID id) {
        return id.getMostSignificantBits() ^ Long.rotateLeft(id.getLeastSignificantBits(), 1);
    }

    private static void writeVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    /** A varint that must be a non-negative long. */
    private static long readVarint(ByteBuffer in) {
        long v = readBits(in);
        if (v < 0) {
            throw new java.nio.BufferUnderflowException();
        }
        return v;
    }

    /** A varint of up to 64 bits. */
    private static long readBits(ByteBuffer in) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.get();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new java.nio.BufferUnderflowException();
    }

    /** Component-wise maximum, into {@code into}. */
    public static void maxInto(long[] into, long[] other) {
        for (int i = 0; i < into.length; i++) {
            if (other[i] > into[i]) {
                into[i] = other[i];
            }
        }
    }

    /** True when every position of {@code a} is at or past the same position of {@code b}. */
    public static boolean covers(long[] a, long[] b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] < b[i]) {
                return false;
            }
        }
        return true;
    }
}
