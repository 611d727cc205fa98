package dev.fanfare.client.style;

import java.nio.charset.StandardCharsets;

/**
 * Remembers the last {@code capacity} cursors a client received, to spot an event delivered twice.
 *
 * <p>Bounded by design: a duplicate after a resume is a recent event, so a window is enough, and
 * thousands of benchmark clients can each afford a few kilobytes. Cursors are kept as 64-bit hashes;
 * a false "duplicate" would need a hash collision inside the window.
 */
final class RecentCursors {

    private final long[] hashes;
    private int next;
    private int size;

    RecentCursors(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: > 0)");
        }
        hashes = new long[capacity];
    }

    /** Records {@code cursor}; false when it is already in the window. */
    boolean add(String cursor) {
        long hash = hash(cursor);
        for (int i = 0; i < size; i++) {
            if (hashes[i] == hash) {
                return false;
            }
        }
        hashes[next] = hash;
        next = (next + 1) % hashes.length;
        size = Math.min(size + 1, hashes.length);
        return true;
    }

    /** FNV-1a, 64 bits: cheap, and well spread over base64 text. */
    private static long hash(String cursor) {
        long h = 0xcbf29ce484222325L;
        for (byte b : cursor.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
