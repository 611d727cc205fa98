package dev.fanfare.gateway.core;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * The three wire forms of an event, written straight as bytes: channel names and cursors hold no
 * character JSON must escape, and {@code data} is already normalized JSON (see {@link JsonPayload}).
 *
 * <ul>
 *   <li>envelope (poll answers): {@code {"channel":..,"cursor":..,"ts":..,"data":..}}</li>
 *   <li>WebSocket: a whole text frame, header included, holding {@code {"type":"event","channel":..}}.
 *       Server frames are not masked, so one frame's bytes serve every subscriber as they are.</li>
 *   <li>SSE: {@code id: <cursor>\ndata: <envelope>\n\n}</li>
 * </ul>
 */
public final class Envelopes {

    public enum Format { JSON, WS, SSE }

    private static final byte[] CHANNEL = ascii("{\"channel\":\"");
    private static final byte[] WS_CHANNEL = ascii("{\"type\":\"event\",\"channel\":\"");
    private static final byte[] CURSOR = ascii("\",\"cursor\":\"");
    private static final byte[] TS = ascii("\",\"ts\":");
    private static final byte[] DATA = ascii(",\"data\":");
    private static final byte[] SNAPSHOT_END = ascii(",\"snapshot\":true}");
    private static final byte[] CONFLATED = ascii(",\"conflated\":");
    private static final byte[] SSE_ID = ascii("id: ");
    private static final byte[] SSE_DATA = ascii("\ndata: ");
    private static final byte[] SSE_END = ascii("\n\n");

    private Envelopes() {
    }

    /** Writes one event in the given format into a new buffer from {@code alloc}; the caller owns it. */
    public static ByteBuf encode(ByteBufAllocator alloc, Format format, String channel, String cursor, long ts,
                                 byte[] data, boolean snapshot) {
        return encode(alloc, format, channel, cursor, ts, data, snapshot, 0);
    }

    /**
     * As {@link #encode(ByteBufAllocator, Format, String, String, long, byte[], boolean)}, marking
     * how many earlier events of the channel this one replaced ({@code "conflated":N}, when N > 0).
     */
    public static ByteBuf encode(ByteBufAllocator alloc, Format format, String channel, String cursor, long ts,
                                 byte[] data, boolean snapshot, long conflated) {
        ByteBuf b = alloc.directBuffer(maxSize(channel, cursor, data.length));
        if (format == Format.WS) {
            b.writerIndex(WS_HEADER_ROOM);
        }
        if (format == Format.SSE) {
            b.writeBytes(SSE_ID).writeCharSequence(cursor, StandardCharsets.US_ASCII);
            b.writeBytes(SSE_DATA);
        }
        b.writeBytes(format == Format.WS ? WS_CHANNEL : CHANNEL);
        b.writeCharSequence(channel, StandardCharsets.US_ASCII);
        b.writeBytes(CURSOR).writeCharSequence(cursor, StandardCharsets.US_ASCII);
        b.writeBytes(TS).writeCharSequence(Long.toString(ts), StandardCharsets.US_ASCII);
        b.writeBytes(DATA).writeBytes(data);
        if (conflated > 0) {
            b.writeBytes(CONFLATED).writeCharSequence(Long.toString(conflated), StandardCharsets.US_ASCII);
        }
        if (snapshot) {
            b.writeBytes(SNAPSHOT_END);
        } else {
            b.writeByte('}');
        }
        if (format == Format.SSE) {
            b.writeBytes(SSE_END);
        }
        if (format == Format.WS) {
            writeTextFrameHeader(b, WS_HEADER_ROOM);
        }
        return b;
    }

    private static final int WS_HEADER_ROOM = 10;
    /** Everything but the channel, the cursor (twice in SSE) and the data: literals, ts, marks, frame header. */
    private static final int FIXED = 96 + 34 + WS_HEADER_ROOM;

    /** The most bytes an encoding of this event takes, in any format. */
    static int maxSize(String channel, String cursor, int dataLength) {
        return channel.length() + cursor.length() * 2 + dataLength + FIXED;
    }

    /**
     * Frames the bytes from {@code payloadStart} to the writer index as one final, unmasked text
     * frame (RFC 6455 section 5.2) by writing the header just before the payload.
     */
    public static void writeTextFrameHeader(ByteBuf b, int payloadStart) {
        int len = b.writerIndex() - payloadStart;
        int start;
        if (len < 126) {
            start = payloadStart - 2;
            b.setByte(start + 1, len);
        } else if (len < 65536) {
            start = payloadStart - 4;
            b.setByte(start + 1, 126);
            b.setShort(start + 2, len);
        } else {
            start = payloadStart - 10;
            b.setByte(start + 1, 127);
            b.setLong(start + 2, len);
        }
        b.setByte(start, 0x81);
        b.readerIndex(start);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
