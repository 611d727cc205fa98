package dev.fanfare.gateway.core;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * Encodes position vectors as opaque cursors and back.
 *
 * <p>A position vector holds, per global partition, the offset of the next record the holder has
 * not seen ({@code -1}: unknown). The cursor names each topic by a 64-bit hash of its Kafka topic id,
 * so it is valid on every node of the cluster and a recreated topic reads as unknown (a gap), never
 * as the old one. Layout: version byte, topic count, then per topic the id hash, partition count and
 * (offset + 1) varints; a CRC32 closes it so damaged input is rejected rather than misread.
 */
public final class Cursors {

    private static final int VERSION = 1;
    private static final int MAX_BYTES = 4096;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final StreamLayout layout;
    private final long[] idHashes;

    public Cursors(StreamLayout layout) {
        this.layout = layout;
        this.idHashes = layout.streams().stream().mapToLong(s -> idHash(s.topicId())).toArray();
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

    public String encode(long[] positions) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + positions.length * 4);
        out.write(VERSION);
        writeVarint(out, layout.streams().size());
        for (StreamLayout.Stream s : layout.streams()) {
            long h = idHashes[s.index()];
            for (int i = 7; i >= 0; i--) {
                out.write((int) (h >>> (i * 8)));
            }
            writeVarint(out, s.partitions());
            for (int p = 0; p < s.partitions(); p++) {
                writeVarint(out, positions[s.global(p)] + 1);
            }
        }
        CRC32 crc = new CRC32();
        byte[] body = out.toByteArray();
        crc.update(body);
        byte[] all = Arrays.copyOf(body, body.length + 4);
        ByteBuffer.wrap(all, body.length, 4).putInt((int) crc.getValue());
        return ENCODER.encodeToString(all);
    }

    /**
     * Decodes a cursor into this node's layout. Topics the cursor does not name (or names under
     * another topic id) come back as unknown positions.
     *
     * @throws IllegalArgumentException when the text is not a cursor of ours
     */
    public long[] decode(String cursor) {
        if (cursor.isEmpty() || cursor.length() > MAX_BYTES) {
            throw new IllegalArgumentException("cursor: length " + cursor.length() + " (expected: 1.." + MAX_BYTES + ")");
        }
        byte[] all;
        try {
            all = DECODER.decode(cursor);
        } catch (IllegalArgumentException e) {
            throw malformed(cursor);
        }
        if (all.length < 6) {
            throw malformed(cursor);
        }
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 4);
        if ((int) crc.getValue() != ByteBuffer.wrap(all, all.length - 4, 4).getInt() || all[0] != VERSION) {
            throw malformed(cursor);
        }
        ByteBuffer in = ByteBuffer.wrap(all, 1, all.length - 5);
        long[] v = unknown();
        try {
            long topics = readVarint(in);
            for (long t = 0; t < topics; t++) {
                long hash = in.getLong();
                long partitions = readVarint(in);
                StreamLayout.Stream s = streamWithHash(hash);
                for (long p = 0; p < partitions; p++) {
                    long pos = readVarint(in) - 1;
                    if (s != null && p < s.partitions()) {
                        v[s.global((int) p)] = pos;
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

    private static long readVarint(ByteBuffer in) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.get();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (v < 0) {
                    throw new java.nio.BufferUnderflowException();
                }
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
