package dev.fanfare.client.load;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * Finds what a load run needs in the JSON of one message, byte by byte as the reads deliver it, without
 * allocating: the envelope's {@code "type"} (WebSocket), {@code "cursor"}, {@code "ts"} and {@code "conflated"},
 * and the {@link RunPayload}'s {@code "seq"}, {@code "sentNanos"} and {@code "warmup"}.
 *
 * <p>A key is a quote, letters, a quote and a colon. In valid JSON those bytes occur nowhere else (a quote
 * inside a string is escaped, and a closing quote is never followed by a letter), so nothing else is taken for
 * a key; its state carries over from one read to the next, so a key or value split between two reads is
 * found once. The first occurrence of a key in a message counts: the envelope's come before its data's.
 * Between keys it skips to the next quote ({@link ByteBuf#indexOf}).
 *
 * <p>Whatever frames the messages (SSE lines, WebSocket frames) calls {@link #scan} with each stretch of a
 * message's bytes and {@link #end} once the message is complete, reads what was found, then calls
 * {@link #clear}. Confined to one connection's event loop.
 */
final class RunEventScanner {

    /** Keys, by index; the value of {@link #has}, {@link #number} and {@link #text}. */
    static final int TYPE = 0;
    static final int CURSOR = 1;
    static final int TS = 2;
    static final int CONFLATED = 3;
    static final int SEQ = 4;
    static final int SENT_NANOS = 5;
    static final int WARMUP = 6;

    private static final byte[][] KEYS = {ByteText.ascii("type"), ByteText.ascii("cursor"), ByteText.ascii("ts"),
            ByteText.ascii("conflated"), ByteText.ascii(RunPayload.SEQ), ByteText.ascii(RunPayload.SENT_NANOS),
            ByteText.ascii(RunPayload.WARMUP)};
    private static final int MAX_KEY = 9;
    /** A cursor is a few dozen characters; the gateway refuses any over 4 KiB decoded. */
    static final int MAX_CURSOR = 8192;
    private static final int MAX_TYPE = 16;

    private static final int OUTSIDE = 0;
    private static final int KEY = 1;
    private static final int AFTER_KEY = 2;
    private static final int NUMBER = 3;
    private static final int STRING_START = 4;
    private static final int STRING = 5;
    private static final int STRING_ESCAPE = 6;

    private final byte[] key = new byte[MAX_KEY];
    private final long[] numbers = new long[KEYS.length];
    private final ByteText type = new ByteText(MAX_TYPE, MAX_TYPE);
    private final ByteText cursor = new ByteText(64, MAX_CURSOR);
    private int state = OUTSIDE;
    private int keyLength;
    /** Bits by key index: found in this message. */
    private int found;
    /** The key whose value is being read. */
    private int field;
    private long value;
    private int digits;
    private boolean negative;
    /** The string being read does not fit or holds an escape: not taken. */
    private boolean spoilt;

    /** Scans bytes {@code [from, to)} of {@code buf}, the next stretch of the current message. */
    void scan(ByteBuf buf, int from, int to) {
        int i = from;
        while (i < to) {
            if (state == OUTSIDE) {
                int quote = buf.indexOf(i, to, (byte) '"');
                if (quote < 0) {
                    return;
                }
                startKey();
                i = quote + 1;
            } else {
                step(buf.getByte(i++));
            }
        }
    }

    /** The message is complete: a number at its very end is taken. */
    void end() {
        if (state == NUMBER) {
            endNumber();
        }
        state = OUTSIDE;
    }

    /** Forgets the message, for the next one. */
    void clear() {
        found = 0;
        state = OUTSIDE;
    }

    boolean has(int key) {
        return (found & (1 << key)) != 0;
    }

    /** The value of a numeric key found ({@link #TS}, {@link #CONFLATED}, {@link #SEQ}, {@link #SENT_NANOS}). */
    long number(int key) {
        return numbers[key];
    }

    /** The value of a string key found ({@link #TYPE}, {@link #CURSOR}); reused by the next message. */
    ByteText text(int key) {
        return key == TYPE ? type : cursor;
    }

    private void step(byte b) {
        switch (state) {
            case KEY -> key(b);
            case AFTER_KEY -> afterKey(b);
            case NUMBER -> number(b);
            case STRING_START -> stringStart(b);
            case STRING -> string(b);
            case STRING_ESCAPE -> state = STRING;
            default -> outside(b);
        }
    }

    private void outside(byte b) {
        state = OUTSIDE;
        if (b == '"') {
            startKey();
        }
    }

    private void startKey() {
        state = KEY;
        keyLength = 0;
    }

    private void key(byte b) {
        if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')) {
            if (keyLength == MAX_KEY) {
                state = OUTSIDE; // none of ours is this long
            } else {
                key[keyLength++] = b;
            }
        } else if (b == '"') {
            state = AFTER_KEY;
        } else {
            state = OUTSIDE;
        }
    }

    private void afterKey(byte b) {
        if (b != ':') {
            outside(b);
            return;
        }
        field = lookUp();
        state = OUTSIDE;
        if (field < 0 || has(field)) {
            return;
        }
        switch (field) {
            case WARMUP -> found |= 1 << WARMUP; // its presence is the mark
            case TYPE, CURSOR -> state = STRING_START;
            default -> {
                state = NUMBER;
                value = 0;
                digits = 0;
                negative = false;
            }
        }
    }

    private int lookUp() {
        for (int k = 0; k < KEYS.length; k++) {
            byte[] name = KEYS[k];
            if (name.length == keyLength && Arrays.equals(key, 0, keyLength, name, 0, keyLength)) {
                return k;
            }
        }
        return -1;
    }

    private void number(byte b) {
        if (b >= '0' && b <= '9') {
            int d = b - '0';
            if (value > (Long.MAX_VALUE - d) / 10) {
                state = OUTSIDE; // not a long: not taken
                return;
            }
            value = value * 10 + d;
            digits++;
        } else if (b == '-' && digits == 0 && !negative) {
            negative = true;
        } else {
            endNumber();
            outside(b);
        }
    }

    private void endNumber() {
        if (digits > 0) {
            numbers[field] = negative ? -value : value;
            found |= 1 << field;
        }
    }

    private void stringStart(byte b) {
        if (b == '"') {
            state = STRING;
            spoilt = false;
            text(field).clear();
        } else {
            outside(b); // null, or not a string
        }
    }

    private void string(byte b) {
        if (b == '"') {
            state = OUTSIDE;
            if (!spoilt) {
                found |= 1 << field;
            }
        } else if (b == '\\') {
            spoilt = true; // ours never hold one
            state = STRING_ESCAPE;
        } else if (!spoilt && !text(field).append(b)) {
            spoilt = true;
        }
    }
}
