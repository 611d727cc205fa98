package dev.fanfare.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanfare.gateway.core.Json;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.ArrayList;
import java.util.List;

/** A WebSocket client's view of an {@link EmbeddedGateway} connection: masks what it sends, decodes what the server wrote. */
final class EmbeddedWebSocket implements AutoCloseable {
    final EmbeddedGateway.Conn conn;
    final EmbeddedChannel encoder = new EmbeddedChannel(new WebSocket13FrameEncoder(true));
    final EmbeddedChannel decoder = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 1 << 20));

    EmbeddedWebSocket(EmbeddedGateway.Conn conn, String query) {
        this(conn, query, "");
    }

    /** @param headers more request headers, each ending in CRLF */
    EmbeddedWebSocket(EmbeddedGateway.Conn conn, String query, String headers) {
        this.conn = conn;
        conn.request("GET /ws" + query + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" + headers + "\r\n");
        String raw = readRaw();
        assertTrue(raw.startsWith("HTTP/1.1 101 Switching Protocols"), raw);
        // Frames written right after the handshake (subscribe-at-connect) follow in the same bytes.
        String frames = raw.substring(raw.indexOf("\r\n\r\n") + 4);
        if (!frames.isEmpty()) {
            decoder.writeInbound(io.netty.buffer.Unpooled.copiedBuffer(frames, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
    }

    private String readRaw() {
        StringBuilder b = new StringBuilder();
        for (Object o; (o = conn.channel.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) o;
            b.append(buf.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
            buf.release();
        }
        return b.toString();
    }

    void send(WebSocketFrame frame) {
        encoder.writeOutbound(frame);
        for (Object o; (o = encoder.readOutbound()) != null; ) {
            conn.channel.writeInbound(o);
        }
        conn.channel.runPendingTasks();
    }

    void send(String text) {
        send(new TextWebSocketFrame(text));
    }

    /** Frames the server wrote since the last call. */
    List<WebSocketFrame> frames() {
        for (Object o; (o = conn.channel.readOutbound()) != null; ) {
            decoder.writeInbound(o);
        }
        List<WebSocketFrame> out = new ArrayList<>();
        for (Object o; (o = decoder.readInbound()) != null; ) {
            out.add((WebSocketFrame) o);
        }
        return out;
    }

    List<JsonNode> messages() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (WebSocketFrame f : frames()) {
            assertInstanceOf(TextWebSocketFrame.class, f);
            out.add(Json.MAPPER.readTree(((TextWebSocketFrame) f).text()));
            f.release();
        }
        return out;
    }

    @Override
    public void close() {
        encoder.finishAndReleaseAll();
        decoder.finishAndReleaseAll();
    }
}
