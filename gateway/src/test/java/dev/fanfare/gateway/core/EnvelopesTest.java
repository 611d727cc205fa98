package dev.fanfare.gateway.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvelopesTest {

    private static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;
    private static final String CHANNEL = "ticker/AAPL";
    private static final String CURSOR = "AQIAbc-_9";
    private static final long TS = 1_700_000_000_123L;

    /** The text an envelope must hold: the WebSocket form starts with the type, the JSON form does not. */
    private static String envelope(boolean ws, String data, boolean snapshot) {
        return "{" + (ws ? "\"type\":\"event\"," : "") + "\"channel\":\"" + CHANNEL + "\",\"cursor\":\"" + CURSOR
                + "\",\"ts\":" + TS + ",\"data\":" + data + (snapshot ? ",\"snapshot\":true" : "") + "}";
    }

    private static ByteBuf encode(Envelopes.Format format, String data, boolean snapshot) {
        return Envelopes.encode(ALLOC, format, CHANNEL, CURSOR, TS, data.getBytes(StandardCharsets.UTF_8), snapshot);
    }

    /** Reads the buffer and releases it. */
    private static String consume(ByteBuf b) {
        try {
            return b.toString(StandardCharsets.UTF_8);
        } finally {
            b.release();
        }
    }

    /** A JSON string whose WebSocket envelope is exactly {@code payloadLength} bytes long. */
    private static String dataForWsPayloadOf(int payloadLength) {
        int overhead = envelope(true, "", false).length() + 2;
        return "\"" + "x".repeat(payloadLength - overhead) + "\"";
    }

    /** Checks the frame's header (does not consume): final text frame, unmasked, that header length. */
    private static void assertTextFrameHeader(ByteBuf frame, int payloadLength, int headerLength) {
        int r = frame.readerIndex();
        assertEquals(0x81, frame.getUnsignedByte(r), "FIN + text opcode");
        int second = frame.getUnsignedByte(r + 1);
        switch (headerLength) {
            case 2 -> assertEquals(payloadLength, second, "7-bit length, mask bit clear");
            case 4 -> {
                assertEquals(126, second, "16-bit length follows, mask bit clear");
                assertEquals(payloadLength, frame.getUnsignedShort(r + 2));
            }
            case 10 -> {
                assertEquals(127, second, "64-bit length follows, mask bit clear");
                assertEquals(payloadLength, frame.getLong(r + 2));
            }
            default -> throw new IllegalArgumentException("header length " + headerLength);
        }
        assertEquals(headerLength + payloadLength, frame.readableBytes(), "header + payload, nothing else");
    }

    /** Decodes {@code frame} as a client would (leaves it as it is); it must hold exactly one final text frame. */
    private static String decodeOneTextFrame(ByteBuf frame) {
        EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 1 << 20));
        try {
            client.writeInbound(frame.retainedDuplicate());
            Object decoded = client.readInbound();
            TextWebSocketFrame text = assertInstanceOf(TextWebSocketFrame.class, decoded);
            try {
                assertTrue(text.isFinalFragment());
                assertNull(client.readInbound(), "one frame only");
                return text.text();
            } finally {
                text.release();
            }
        } finally {
            client.finishAndReleaseAll();
        }
    }

    @ParameterizedTest(name = "payload {0} bytes: {1}-byte header")
    @CsvSource({"125, 2", "126, 4", "127, 4", "65535, 4", "65536, 10"})
    void webSocketFormIsOneTextFrameWithTheShortestHeaderForItsLength(int payloadLength, int headerLength) {
        String data = dataForWsPayloadOf(payloadLength);
        ByteBuf frame = encode(Envelopes.Format.WS, data, false);
        try {
            assertTextFrameHeader(frame, payloadLength, headerLength);
            assertEquals(envelope(true, data, false), decodeOneTextFrame(frame));
        } finally {
            frame.release();
        }
    }

    @ParameterizedTest(name = "payload {0} bytes: {1}-byte header")
    @CsvSource({"0, 2", "1, 2", "125, 2", "126, 4", "65535, 4", "65536, 10", "70000, 10"})
    void textFrameHeaderEndsExactlyWhereThePayloadStarts(int payloadLength, int headerLength) {
        String payload = "p".repeat(payloadLength);
        ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(10 + payloadLength);
        b.writerIndex(10).writeCharSequence(payload, StandardCharsets.US_ASCII);
        try {
            Envelopes.writeTextFrameHeader(b, 10);
            assertEquals(10 - headerLength, b.readerIndex());
            assertTextFrameHeader(b, payloadLength, headerLength);
            assertEquals(payload, decodeOneTextFrame(b));
        } finally {
            b.release();
        }
    }

    @Test
    void webSocketSnapshotFrameCarriesTheSnapshotFlag() throws IOException {
        ByteBuf frame = encode(Envelopes.Format.WS, "[1,2]", true);
        String text;
        try {
            text = decodeOneTextFrame(frame);
        } finally {
            frame.release();
        }
        assertEquals(envelope(true, "[1,2]", true), text);
        JsonNode n = Json.MAPPER.readTree(text);
        assertEquals("event", n.get("type").textValue());
        assertTrue(n.get("snapshot").booleanValue());
    }

    @Test
    void jsonFormIsAnEnvelopeWithChannelCursorTsAndDataAsJson() throws IOException {
        String data = "{\"price\":12.5,\"tags\":[\"a\",null]}";
        String text = consume(encode(Envelopes.Format.JSON, data, false));
        assertEquals(envelope(false, data, false), text);
        JsonNode n = Json.MAPPER.readTree(text);
        assertEquals(4, n.size(), text);
        assertEquals(CHANNEL, n.get("channel").textValue());
        assertEquals(CURSOR, n.get("cursor").textValue());
        assertEquals(TS, n.get("ts").longValue());
        assertEquals(Json.MAPPER.readTree(data), n.get("data"));
        assertFalse(n.has("type"));
        assertFalse(n.has("snapshot"));
    }

    @Test
    void jsonSnapshotFormAddsSnapshotTrue() throws IOException {
        JsonNode n = Json.MAPPER.readTree(consume(encode(Envelopes.Format.JSON, "\"s\"", true)));
        assertEquals(5, n.size());
        assertTrue(n.get("snapshot").isBoolean());
        assertTrue(n.get("snapshot").booleanValue());
        assertEquals("s", n.get("data").textValue());
    }

    @Test
    void sseFormIsIdLineThenDataLineOfTheEnvelopeThenABlankLine() {
        assertEquals("id: " + CURSOR + "\ndata: " + envelope(false, "null", false) + "\n\n",
                consume(encode(Envelopes.Format.SSE, "null", false)));
        assertEquals("id: " + CURSOR + "\ndata: " + envelope(false, "7", true) + "\n\n",
                consume(encode(Envelopes.Format.SSE, "7", true)));
    }

    @Test
    void jsonAndSseFormsHoldDataLargerThanAnyFirstGuessWhole() {
        String data = dataForWsPayloadOf(70_000);
        assertEquals(envelope(false, data, true), consume(encode(Envelopes.Format.JSON, data, true)));
        assertEquals("id: " + CURSOR + "\ndata: " + envelope(false, data, false) + "\n\n",
                consume(encode(Envelopes.Format.SSE, data, false)));
    }
}
