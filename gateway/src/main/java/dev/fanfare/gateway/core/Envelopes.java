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
 *   <li>WebSocket text: {@code {"type":"event","channel":..}}</li>
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
    private static final byte[] SSE_ID = ascii("id: ");
    private static final byte[] SSE_DATA = ascii("\ndata: ");
    private static final byte[] SSE_END = ascii("\n\n");

    private Envelopes() {
    }

    /** Writes one event in the given format into a new buffer from {@code alloc}; the caller owns it. */
    public static ByteBuf encode(ByteBufAllocator alloc, Format format, String channel, String cursor, long ts,
                                 byte[] data, boolean snapshot) {
        int size = channel.length() + cursor.length() * (format == Format.SSE ? 2 : 1) + data.length + 96;
        ByteBuf b = alloc.directBuffer(size);
        if (format == Format.SSE) {
            b.writeBytes(SSE_ID).writeCharSequence(cursor, StandardCharsets.US_ASCII);
            b.writeBytes(SSE_DATA);
        }
        b.writeBytes(format == Format.WS ? WS_CHANNEL : CHANNEL);
        b.writeCharSequence(channel, StandardCharsets.US_ASCII);
        b.writeBytes(CURSOR).writeCharSequence(cursor, StandardCharsets.US_ASCII);
        b.writeBytes(TS).writeCharSequence(Long.toString(ts), StandardCharsets.US_ASCII);
        b.writeBytes(DATA).writeBytes(data);
        if (snapshot) {
            b.writeBytes(SNAPSHOT_END);
        } else {
            b.writeByte('}');
        }
        if (format == Format.SSE) {
            b.writeBytes(SSE_END);
        }
        return b;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
