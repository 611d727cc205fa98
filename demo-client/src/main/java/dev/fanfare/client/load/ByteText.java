package dev.fanfare.client.load;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A short run of ASCII bytes, filled a byte at a time and reused: it grows (by doubling) only until it holds
 * the longest text seen, never past its bound, so filling it again allocates nothing.
 */
final class ByteText {

    private final int max;
    private byte[] bytes;
    private int length;

    /** @param max the most bytes it holds; {@link #append} refuses more */
    ByteText(int initial, int max) {
        this.bytes = new byte[Math.min(initial, max)];
        this.max = max;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    void clear() {
        length = 0;
    }

    /** False, and nothing added, when the text is at its bound. */
    boolean append(byte b) {
        if (length == bytes.length) {
            if (length == max) {
                return false;
            }
            bytes = Arrays.copyOf(bytes, Math.min(max, length * 2));
        }
        bytes[length++] = b;
        return true;
    }

    /** Becomes a copy of {@code other} (which must fit). */
    void copy(ByteText other) {
        if (bytes.length < other.length) {
            bytes = new byte[other.length];
        }
        System.arraycopy(other.bytes, 0, bytes, 0, other.length);
        length = other.length;
    }

    boolean is(byte[] ascii) {
        return Arrays.equals(bytes, 0, length, ascii, 0, ascii.length);
    }

    boolean isEmpty() {
        return length == 0;
    }

    @Override
    public String toString() {
        return new String(bytes, 0, length, StandardCharsets.US_ASCII);
    }
}
