package dev.fanfare.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanfare.gateway.config.GatewayConfig;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Connections past the node's limit and past their address's, on the real pipeline
 * ({@link EmbeddedGateway}, its first connection within the limit, its second past it): a request
 * is answered 503 with a JSON reason and {@code Retry-After}, a WebSocket upgrade completes and is
 * closed with 1013 and the reason, {@code /health} is still answered, and the connection within
 * the limit is served as before.
 */
class ConnectionLimitsTest {

    private static final String POLL = "GET /poll?channel=demo/x HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final String HEALTH = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final GatewayConfig ONE_PER_ADDRESS = GatewayConfig.defaults()
            .withLimits(l -> l.withConnectionsPerAddress(1).withExempt(List.of()));

    private static EmbeddedGateway pastTheNodesLimit() {
        EmbeddedGateway g = new EmbeddedGateway();
        g.countConnections(new ConnectionLimiter(1));
        return g;
    }

    private static EmbeddedGateway pastTheAddressLimit() {
        EmbeddedGateway g = new EmbeddedGateway(ONE_PER_ADDRESS);
        g.countConnections(new ConnectionLimiter(1000));
        return g;
    }

    /** The second connection, past the limit, gets /health and then the refusal; the first is served as before. */
    private static void assertRefusedButHealthAndTheOthersServed(EmbeddedGateway g, String code, String reason) {
        g.b.request(HEALTH);
        assertTrue(g.b.output().startsWith("HTTP/1.1 200"), "past the limit, /health is answered");
        g.b.request(POLL);
        String answer = g.b.output();
        assertTrue(answer.startsWith("HTTP/1.1 503 Service Unavailable"), answer);
        assertTrue(answer.contains("retry-after: 5"), answer);
        assertTrue(answer.contains("content-type: application/json"), answer);
        assertTrue(answer.contains("{\"error\":\"" + code + "\",\"message\":\"" + reason), answer);
        g.b.channel.runPendingTasks();
        assertFalse(g.b.channel.isOpen(), "closed after the answer");
        g.a.request(POLL);
        assertTrue(g.a.output().startsWith("HTTP/1.1 200"), "a connection within the limit");
    }

    @Test
    void pastTheNodesLimitARequestIs503WithAReasonAndHealthAndTheOthersAreServed() {
        try (EmbeddedGateway g = pastTheNodesLimit()) {
            assertRefusedButHealthAndTheOthersServed(g, "unavailable",
                    "connections: this node is at its limit (expected: retry later, or another node)");
        }
    }

    @Test
    void pastTheAddressLimitARequestIs503TooManyConnections() {
        try (EmbeddedGateway g = pastTheAddressLimit()) {
            assertRefusedButHealthAndTheOthersServed(g, "too_many_connections",
                    "connections: more from this address than the 1 this node takes (expected: fewer, or retry later)");
        }
    }

    @Test
    void aWebSocketUpgradePastEitherLimitIsAcceptedThenClosedWith1013AndTheReason() {
        for (EmbeddedGateway g : List.of(pastTheNodesLimit(), pastTheAddressLimit())) {
            try (g; EmbeddedWebSocket ws = new EmbeddedWebSocket(g.b, "?channel=demo/x")) {
                List<WebSocketFrame> frames = ws.frames();
                try {
                    assertEquals(1, frames.size(), frames::toString);
                    CloseWebSocketFrame close = assertInstanceOf(CloseWebSocketFrame.class, frames.get(0));
                    assertEquals(1013, close.statusCode());
                    assertTrue(close.reasonText().startsWith("connections: "), close::reasonText);
                    assertTrue(close.reasonText().contains("retry later"), close::reasonText);
                } finally {
                    frames.forEach(WebSocketFrame::release);
                }
                try (EmbeddedWebSocket within = new EmbeddedWebSocket(g.a, "")) {
                    within.send("{\"type\":\"subscribe\",\"channels\":[\"demo/x\"],\"id\":1}");
                    assertEquals("ack", within.messages().get(0).get("type").asText(), "a connection within the limit");
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        }
    }
}
