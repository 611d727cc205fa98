package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.core.Json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanfare.gateway.config.GatewayConfig;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebSocketSessionTest {

    @Test
    void subscribeIsAckedWithACursorThenEventsArriveAsPreFramedText() throws Exception {
        try (EmbeddedGateway g = new EmbeddedGateway(); EmbeddedWebSocket c = new EmbeddedWebSocket(g.a, "")) {
            c.send("{\"type\":\"subscribe\",\"channels\":[\"ticker/*\"],\"id\":\"s1\"}");
            JsonNode ack = c.messages().get(0);
            assertEquals("ack", ack.get("type").asText());
            assertEquals("s1", ack.get("id").asText());
            assertTrue(ack.get("cursor").asText().length() > 10);

            String big = "\"" + "x".repeat(70_000) + "\"";
            g.publish("ticker", "A", "{\"p\":1}");
            g.publish("ticker", "B", big);
            List<JsonNode> events = c.messages();
            assertEquals(2, events.size());
            assertEquals("event", events.get(0).get("type").asText());
            assertEquals("ticker/A", events.get(0).get("channel").asText());
            assertEquals(1, events.get(0).get("data").get("p").asInt());
            assertEquals(70_000, events.get(1).get("data").asText().length(), "64-bit length header");
        }
    }

    @Test
    void subscriptionsPastThePerConnectionLimitAreRefusedAndTheSocketStaysUsable() throws Exception {
        GatewayConfig c = GatewayConfig.defaults().withWebSocket(w -> w.withMaxChannelsPerConnection(40));
        try (EmbeddedGateway g = new EmbeddedGateway(c); EmbeddedWebSocket ws = new EmbeddedWebSocket(g.a, "")) {
            ws.send(subscribe(1, 0, 30));
            assertEquals("ack", ws.messages().get(0).get("type").asText());
            ws.send(subscribe(2, 30, 10));
            assertEquals("ack", ws.messages().get(0).get("type").asText(), "40: at the limit");
            ws.send(subscribe(3, 0, 5));
            assertEquals("ack", ws.messages().get(0).get("type").asText(), "channels it holds already do not count twice");
            ws.send(subscribe(4, 40, 1));
            JsonNode refused = ws.messages().get(0);
            assertEquals("too_many_channels", refused.get("code").asText(), refused::toString);
            assertEquals(4, refused.get("id").asInt());
            assertEquals("channels: 41 on this connection (expected: at most 40)", refused.get("message").asText());
            ws.send("{\"type\":\"unsubscribe\",\"channels\":[\"demo/k0\"],\"id\":5}");
            assertEquals("ack", ws.messages().get(0).get("type").asText());
            ws.send(subscribe(6, 40, 1));
            assertEquals("ack", ws.messages().get(0).get("type").asText(), "room again after an unsubscribe");
            g.publish("demo", "k40", "{\"n\":1}");
            assertEquals("event", ws.messages().get(0).get("type").asText());
        }
    }

    private static String subscribe(int id, int from, int count) {
        StringBuilder b = new StringBuilder("{\"type\":\"subscribe\",\"id\":" + id + ",\"channels\":[");
        for (int i = from; i < from + count; i++) {
            b.append(i == from ? "" : ",").append("\"demo/k").append(i).append('"');
        }
        return b.append("]}").toString();
    }

    @Test
    void aPingMessageIsAnsweredWithAPongCarryingItsId() throws Exception {
        try (EmbeddedGateway g = new EmbeddedGateway(); EmbeddedWebSocket c = new EmbeddedWebSocket(g.a, "")) {
            c.send("{\"type\":\"ping\",\"id\":\"p1\"}");
            JsonNode pong = c.messages().get(0);
            assertEquals("pong", pong.get("type").asText());
            assertEquals("p1", pong.get("id").asText());
        }
    }

    @Test
    void subscribeInTheUrlWithSnapshot() throws Exception {
        try (EmbeddedGateway g = new EmbeddedGateway()) {
            g.publish("ticker", "A", "5");
            try (EmbeddedWebSocket c = new EmbeddedWebSocket(g.a, "?channel=ticker/A")) {
                JsonNode snap = c.messages().get(0);
                assertEquals(5, snap.get("data").asInt());
                assertTrue(snap.get("snapshot").asBoolean());
            }
        }
    }

    @Test
    void malformedMessagesGetErrorsAndTheSocketStaysUsable() throws Exception {
        try (EmbeddedGateway g = new EmbeddedGateway(); EmbeddedWebSocket c = new EmbeddedWebSocket(g.a, "")) {
            c.send("{not json");
            assertEquals("bad_json", c.messages().get(0).get("code").asText());
            c.send("{\"type\":\"dance\",\"id\":7}");
            JsonNode err = c.messages().get(0);
            assertEquals("bad_message", err.get("code").asText());
            assertEquals(7, err.get("id").asInt());
            c.send("{\"type\":\"subscribe\",\"channels\":[\"nope/x\"]}");
            assertEquals("bad_channel", c.messages().get(0).get("code").asText());
            c.send("{\"type\":\"subscribe\",\"channels\":[\"ticker/A\"],\"cursor\":\"zz\"}");
            assertEquals("bad_cursor", c.messages().get(0).get("code").asText());
            c.send("{\"type\":\"subscribe\",\"channels\":[\"ticker/A\"]}");
            assertEquals("ack", c.messages().get(0).get("type").asText());
            g.publish("ticker", "A", "1");
            assertEquals("event", c.messages().get(0).get("type").asText());
        }
    }

    @Test
    void badChannelInTheUrlClosesWith1008AndAReason() {
        try (EmbeddedGateway g = new EmbeddedGateway(); EmbeddedWebSocket c = new EmbeddedWebSocket(g.a, "?channel=bad")) {
            CloseWebSocketFrame close = (CloseWebSocketFrame) c.frames().get(0);
            assertEquals(1008, close.statusCode());
            assertTrue(close.reasonText().contains("channel"), close.reasonText());
            close.release();
        }
    }

    @Test
    void frameOverTheLimitClosesWith1009() {
        GatewayConfig cfg = GatewayConfig.defaults().withHttp(h -> h.withMaxBodyBytes(1024));
        try (EmbeddedGateway g = new EmbeddedGateway(cfg); EmbeddedWebSocket c = new EmbeddedWebSocket(g.a, "")) {
            c.send("{\"type\":\"publish\",\"data\":\"" + "x".repeat(2000) + "\"}");
            CloseWebSocketFrame close = (CloseWebSocketFrame) c.frames().get(0);
            assertEquals(1009, close.statusCode());
            close.release();
        }
    }

    @Test
    void unsubscribeStopsEvents() throws Exception {
        try (EmbeddedGateway g = new EmbeddedGateway(); EmbeddedWebSocket c = new EmbeddedWebSocket(g.a, "?channel=ticker/A")) {
            c.send("{\"type\":\"unsubscribe\",\"channels\":[\"ticker/A\"],\"id\":1}");
            assertEquals("ack", c.messages().get(0).get("type").asText());
            g.publish("ticker", "A", "1");
            assertTrue(c.messages().isEmpty());
        }
    }

    @Test
    void aPublishOrClapThatCannotBeDoneIsAnErrorMessageAndTheSocketStaysUsable() throws Exception {
        var failing = new dev.fanfare.gateway.testing.LocalCounters(50) {
            @Override
            public synchronized java.util.concurrent.CompletionStage<dev.fanfare.gateway.core.CounterAck> clap(
                    String post, String user, long count) {
                throw new IllegalStateException("a bug in the counters");
            }
        };
        try (EmbeddedGateway g = new EmbeddedGateway(GatewayConfig.defaults(), failing); EmbeddedWebSocket c = new EmbeddedWebSocket(g.a, "")) {
            c.send("{\"type\":\"clap\",\"post\":\"p\",\"user\":\"u\",\"id\":1}");
            JsonNode bug = c.messages().get(0);
            assertEquals("internal", bug.get("code").asText(), bug::toString);
            assertEquals(1, bug.get("id").asInt());
            c.send("{\"type\":\"publish\",\"channel\":\"demo/x\",\"data\":[\"\\ud800\"],\"id\":2}");
            JsonNode surrogate = c.messages().get(0);
            assertEquals("ack", surrogate.get("type").asText(), "an escaped lone surrogate stays an escape: " + surrogate);
            c.send("{\"type\":\"subscribe\",\"channels\":[\"ticker/A\"],\"cursor\":{},\"id\":3}");
            assertEquals("bad_parameter", c.messages().get(0).get("code").asText());
            c.send("{\"type\":\"like\",\"post\":\"p\",\"user\":\"u\",\"like\":\"no\",\"id\":4}");
            assertEquals("bad_parameter", c.messages().get(0).get("code").asText());
            c.send("{\"type\":\"like\",\"post\":\"p\",\"user\":\"u\",\"like\":0,\"id\":5}");
            assertEquals("bad_parameter", c.messages().get(0).get("code").asText());
            c.send("{\"type\":\"subscribe\",\"channels\":[\"ticker/A\"],\"id\":6}");
            assertEquals("ack", c.messages().get(0).get("type").asText(), "still usable");
        }
    }
}
