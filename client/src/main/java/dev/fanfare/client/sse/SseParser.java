package dev.fanfare.client.sse;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Incremental parser for a {@code text/event-stream} body (WHATWG HTML, "Interpreting an event stream").
 *
 * <p>Chunks may split the stream anywhere: inside a line, inside a UTF-8 sequence, or between the
 * {@code \r} and {@code \n} of a CRLF. Lines end with CRLF, LF or CR. Comment lines ({@code :...}) are
 * reported separately, {@code retry:} with digits only updates the reconnection time, an {@code id:}
 * containing NUL is ignored, unknown fields are ignored, and an empty line dispatches the event
 * unless its data is empty.
 *
 * <p>Bounded: a line longer than {@code maxLineBytes} or event data longer than {@code maxDataChars}
 * throws {@link SseFormatException}; the caller drops the connection. Not thread-safe: one parser per
 * connection, fed from its event loop.
 */
public final class SseParser {

    /** Receives what the parser finds, in stream order. */
    public interface Handler {
        void onEvent(SseEvent event);

        default void onComment(String comment) {
        }

        default void onRetry(long millis) {
        }
    }

    private static final byte[] FIELD_DATA = ascii("data");
    private static final byte[] FIELD_EVENT = ascii("event");
    private static final byte[] FIELD_ID = ascii("id");
    private static final byte[] FIELD_RETRY = ascii("retry");

    private final Handler handler;
    private final int maxLineBytes;
    private final int maxDataChars;

    private byte[] line = new byte[256];
    private int lineLength;
    private boolean skipLineFeed;
    private boolean atStreamStart = true;

    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String eventType;
    private String lastEventId = "";

    public SseParser(Handler handler, int maxLineBytes, int maxDataChars) {
        if (maxLineBytes <= 0) {
            throw new IllegalArgumentException("maxLineBytes: " + maxLineBytes + " (expected: > 0)");
        }
        if (maxDataChars <= 0) {
            throw new IllegalArgumentException("maxDataChars: " + maxDataChars + " (expected: > 0)");
        }
        this.handler = handler;
        this.maxLineBytes = maxLineBytes;
        this.maxDataChars = maxDataChars;
    }

    /** The id of the last event seen so far ({@code ""} when none); what {@code Last-Event-ID} carries. */
    public String lastEventId() {
        return lastEventId;
    }

    /** Consumes every readable byte of {@code chunk} (the caller keeps ownership of the buffer). */
    public void feed(ByteBuf chunk) {
        while (chunk.isReadable()) {
            if (skipLineFeed) {
                skipLineFeed = false;
                if (chunk.getByte(chunk.readerIndex()) == '\n') {
                    chunk.skipBytes(1);
                    continue;
                }
            }
            int end = chunk.forEachByte(ByteProcessor.FIND_CRLF);
            if (end < 0) {
                append(chunk, chunk.readableBytes());
                return;
            }
            append(chunk, end - chunk.readerIndex());
            skipLineFeed = chunk.readByte() == '\r';
            processLine();
        }
    }

    private void append(ByteBuf chunk, int length) {
        if (length == 0) {
            return;
        }
        int needed = lineLength + length;
        if (needed > maxLineBytes) {
            throw new SseFormatException("event-stream line over " + maxLineBytes + " bytes");
        }
        if (needed > line.length) {
            line = Arrays.copyOf(line, Math.min(maxLineBytes, Math.max(needed, line.length * 2)));
        }
        chunk.readBytes(line, lineLength, length);
        lineLength = needed;
    }

    private void processLine() {
        int start = 0;
        if (atStreamStart) {
            atStreamStart = false;
            if (lineLength >= 3 && line[0] == (byte) 0xEF && line[1] == (byte) 0xBB && line[2] == (byte) 0xBF) {
                start = 3;
            }
        }
        int length = lineLength - start;
        lineLength = 0;
        if (length == 0) {
            dispatch();
            return;
        }
        if (line[start] == ':') {
            int from = length > 1 && line[start + 1] == ' ' ? start + 2 : start + 1; // like a field value
            handler.onComment(text(from, start + length - from));
            return;
        }
        int colon = indexOf(line, start, start + length, (byte) ':');
        int nameEnd = colon < 0 ? start + length : colon;
        int valueStart = colon < 0 ? start + length : colon + 1;
        if (valueStart < start + length && line[valueStart] == ' ') {
            valueStart++;
        }
        String value = text(valueStart, start + length - valueStart);
        if (nameIs(FIELD_DATA, start, nameEnd)) {
            if (data.length() + value.length() + 1 > maxDataChars) {
                throw new SseFormatException("event-stream event data over " + maxDataChars + " characters");
            }
            if (hasData) {
                data.append('\n');
            }
            data.append(value);
            hasData = true;
        } else if (nameIs(FIELD_EVENT, start, nameEnd)) {
            eventType = value;
        } else if (nameIs(FIELD_ID, start, nameEnd)) {
            if (value.indexOf('\0') < 0) {
                lastEventId = value;
            }
        } else if (nameIs(FIELD_RETRY, start, nameEnd)) {
            if (!value.isEmpty() && value.length() <= 18 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                handler.onRetry(Long.parseLong(value));
            }
        }
    }

    private void dispatch() {
        if (!hasData) {
            eventType = null;
            return;
        }
        String type = eventType == null || eventType.isEmpty() ? SseEvent.DEFAULT_TYPE : eventType;
        SseEvent event = new SseEvent(type, data.toString(), lastEventId);
        data.setLength(0);
        hasData = false;
        eventType = null;
        handler.onEvent(event);
    }

    private boolean nameIs(byte[] field, int from, int to) {
        return to - from == field.length && Arrays.equals(line, from, to, field, 0, field.length);
    }

    private String text(int from, int length) {
        return length == 0 ? "" : new String(line, from, length, StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] bytes, int from, int to, byte wanted) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
