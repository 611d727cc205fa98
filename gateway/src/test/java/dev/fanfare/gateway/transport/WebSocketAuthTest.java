package dev.fanfare.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanfare.gateway.auth.TokenIssuer;
import dev.fanfare.gateway.config.GatewayConfig;
import dev.fanfare.gateway.limits.ClientLimits;
import dev.fanfare.gateway.limits.Rate;
import dev.fanfare.gateway.testing.TestTokens;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Tokens, grants, expiry and rate limits over one WebSocket, on the real pipeline ({@link EmbeddedGateway}). */
class WebSocketAuthTest {

    private static final GatewayConfig CHECKED = TestTokens.checked(GatewayConfig.defaults());

    private static String bearer(String token) {
        return "Authorization: Bearer " + token + "\r\n";
    }

    private static int closeCode(EmbeddedWebSocket c) {
        List<WebSocketFrame> frames = c.frames();
        WebSocketFrame last = frames.get(frames.size() - 1);
        try {
            return assertInstanceOf(CloseWebSocketFrame.class, last, frames::toString).statusCode();
        } finally {
            frames.forEach(WebSocketFrame::release);
        }
    }

    @Test
    void anAnonymousConnectionSubscribesOnceItSendsATokenInAnAuthMessage() throws Exception {
        String alice = TestTokens.token("alice", List.of("demo/*"), List.of());
        try (EmbeddedGateway g = new EmbeddedGateway(CHECKED); EmbeddedWebSocket c = new EmbeddedWebSocket(g.a, "")) {
            c.send("{\"type\":\"subscribe\",\"channels\":[\"demo/x\"],\"id\":1}");
            JsonNode refused = c.messages().get(0);
            assertEquals("unauthorized", refused.get("code").asText(), refused::toString);
            c.send("{\"type\":\"auth\",\"token\":\"" + alice + "\",\"id\":2}");
            JsonNode ack = c.messages().get(0);
            assertEquals("ack", ack.get("type").asText(), ack::toString);
            assertEquals("alice", ack.get("sub").asText());
            assertTrue(ack.get("exp").asLong() > Instant.now().getEpochSecond());
            c.send("{\"type\":\"subscribe\",\"channels\":[\"demo/x\"],\"id\":3}");
            assertEquals("ack", c.messages().get(0).get("type").asText());
            c.send("{\"type\":\"subscribe\",\"channels\":[\"ticker/A\"],\"id\":4}");
            assertEquals("ack", c.messages().get(0).get("type").asText(), "a public stream");
            c.send("{\"type\":\"auth\",\"token\":\"garbage\",\"id\":5}");
            assertEquals("unauthorized", c.messages().get(0).get("code").asText(), "the socket stays usable");
            g.publish("demo", "x", "{\"n\":1}");
            assertEquals("event", c.messages().get(0).get("type").asText());
        }
    }

    @Test
    void aForbiddenSubscribeIsAnErrorMessageAndTheConnectionStays() throws Exception {
        String alice = TestTokens.token("alice", List.of("demo/x"), List.of());
        try (EmbeddedGateway g = new EmbeddedGateway(CHECKED);
             EmbeddedWebSocket c = new EmbeddedWebSocket(g.a, "?channel=demo/x", bearer(alice))) {
            c.send("{\"type\":\"subscribe\",\"channels\":[\"demo/y\"],\"id\":1}");
            JsonNode refused = c.messages().get(0);
            assertEquals("error", refused.get("type").asText(), refused::toString);
            assertEquals("forbidden", refused.get("code").asText(), refused::toString);
            assertEquals(1, refused.get("id").asInt());
            assertTrue(refused.get("message").asText().startsWith("subscribe: 'demo/y' (expected: a channel this token"
                    + " grants to subscribe: demo/x"), refused::toString);
            assertTrue(g.a.channel.isActive(), "the connection stays");
            g.publish("demo", "y", "{\"n\":0}");
            g.publish("demo", "x", "{\"n\":1}");
            List<JsonNode> events = c.messages();
            assertEquals(1, events.size(), events::toString);
            assertEquals("demo/x", events.get(0).get("channel").asText(), "its subscription goes on; nothing of demo/y");
            c.send("{\"type\":\"subscribe\",\"channels\":[\"ticker/*\"],\"id\":2}");
            assertEquals("ack", c.messages().get(0).get("type").asText(), "and it may still subscribe to what it may");
        }
    }

    @Test
    void publishesPastTheUsersRateAreErrorMessagesAndSustainedAbuseIsClosedWith1008() throws Exception {
        GatewayConfig c = CHECKED.withLimits(l -> l.withExempt(List.of()).withWebSocketMessages(Rate.OFF)
                .withPublishes(new ClientLimits.Pair(new Rate(1, 1), Rate.OFF)).withRefusalsBeforeClose(3));
        String alice = TestTokens.token("alice", List.of(), List.of("demo/*"));
        try (EmbeddedGateway g = new EmbeddedGateway(c); EmbeddedWebSocket ws = new EmbeddedWebSocket(g.a, "", bearer(alice))) {
            ws.send("{\"type\":\"publish\",\"channel\":\"demo/a\",\"data\":1,\"id\":1}");
            assertEquals("ack", ws.messages().get(0).get("type").asText());
            for (int i = 2; i <= 3; i++) {
                ws.send("{\"type\":\"publish\",\"channel\":\"demo/a\",\"data\":1,\"id\":" + i + "}");
                JsonNode refused = ws.messages().get(0);
                assertEquals("rate_limited", refused.get("code").asText(), refused::toString);
                assertEquals(i, refused.get("id").asInt());
                assertTrue(refused.get("retryAfter").asInt() >= 1, refused::toString);
                assertTrue(refused.get("message").asText().startsWith("publishes: too many from this user"), refused::toString);
            }
            ws.send("{\"type\":\"publish\",\"channel\":\"demo/a\",\"data\":1,\"id\":4}");
            assertEquals(1008, closeCode(ws), "refused three times in a row: cut off");
        }
    }

    @Test
    void aRefreshWithAnotherSubjectOrWithoutAGrantInUseIsForbiddenAndChangesNothing() throws Exception {
        try (EmbeddedGateway g = new EmbeddedGateway(CHECKED);
             EmbeddedWebSocket c = new EmbeddedWebSocket(g.a, "?channel=demo/x",
                     bearer(TestTokens.token("alice", List.of("demo/*"), List.of())))) {
            c.send("{\"type\":\"refresh\",\"token\":\"" + TestTokens.token("bob", List.of("demo/*"), List.of()) + "\",\"id\":1}");
            assertEquals("forbidden", c.messages().get(0).get("code").asText());
            c.send("{\"type\":\"refresh\",\"token\":\"" + TestTokens.token("alice", List.of("claps/*"), List.of()) + "\",\"id\":2}");
            assertEquals("forbidden", c.messages().get(0).get("code").asText());
            c.send("{\"type\":\"refresh\",\"token\":\"" + TestTokens.token("alice", List.of("demo/x"), List.of()) + "\",\"id\":3}");
            assertEquals("ack", c.messages().get(0).get("type").asText());
            g.publish("demo", "x", "{\"n\":1}");
            assertEquals("event", c.messages().get(0).get("type").asText());
        }
    }

    @Test
    void theConnectionClosesWith4001WhenItsTokenExpiresUnlessRefreshed() throws Exception {
        String shortLived = TestTokens.token("alice", List.of("demo/*"), List.of(), Duration.ofSeconds(2));
        try (EmbeddedGateway g = new EmbeddedGateway(CHECKED);
             EmbeddedWebSocket expiring = new EmbeddedWebSocket(g.a, "?channel=demo/x", bearer(shortLived));
             EmbeddedWebSocket refreshed = new EmbeddedWebSocket(g.b, "?channel=demo/x", bearer(shortLived))) {
            refreshed.send("{\"type\":\"refresh\",\"token\":\"" + TestTokens.token("alice", List.of("demo/*"), List.of())
                    + "\",\"id\":1}");
            assertEquals("ack", refreshed.messages().get(0).get("type").asText());
            for (EmbeddedGateway.Conn conn : List.of(g.a, g.b)) {
                conn.channel.advanceTimeBy(3, TimeUnit.SECONDS);
                conn.channel.runScheduledPendingTasks();
            }
            assertEquals(4001, closeCode(expiring));
            g.publish("demo", "x", "{\"n\":1}");
            assertEquals("event", refreshed.messages().get(0).get("type").asText(), "refreshed in time: still open");
        }
    }

    @Test
    void anUpgradeWithAnExpiredTokenClosesWith4001AndWithABadOneOrAForbiddenChannelWith1008() {
        String expired = new TokenIssuer(TestTokens.AUTH, Clock.fixed(Instant.now().minusSeconds(7200), ZoneOffset.UTC))
                .issue("alice", List.of("demo/*"), List.of(), Duration.ofHours(1));
        try (EmbeddedGateway g = new EmbeddedGateway(CHECKED)) {
            try (EmbeddedWebSocket c = new EmbeddedWebSocket(g.a, "?access_token=" + expired)) {
                assertEquals(4001, closeCode(c));
            }
        }
        try (EmbeddedGateway g = new EmbeddedGateway(CHECKED)) {
            try (EmbeddedWebSocket c = new EmbeddedWebSocket(g.a, "", bearer("not.a.token"))) {
                assertEquals(1008, closeCode(c));
            }
            try (EmbeddedWebSocket c = new EmbeddedWebSocket(g.b, "?channel=demo/y",
                    bearer(TestTokens.token("alice", List.of("demo/x"), List.of())))) {
                assertEquals(1008, closeCode(c));
            }
        }
    }

    @Test
    void publishesAndClapsActForTheToken() throws Exception {
        String alice = TestTokens.token("alice", List.of(), List.of("demo/mine"));
        try (EmbeddedGateway g = new EmbeddedGateway(CHECKED); EmbeddedWebSocket c = new EmbeddedWebSocket(g.a, "", bearer(alice))) {
            c.send("{\"type\":\"publish\",\"channel\":\"demo/other\",\"data\":1,\"id\":1}");
            assertEquals("forbidden", c.messages().get(0).get("code").asText());
            c.send("{\"type\":\"publish\",\"channel\":\"demo/mine\",\"data\":1,\"id\":2}");
            assertEquals("ack", c.messages().get(0).get("type").asText());
            c.send("{\"type\":\"clap\",\"post\":\"p\",\"count\":2,\"id\":3}");
            JsonNode clap = c.messages().get(0);
            assertEquals("alice", clap.get("user").asText(), clap::toString);
            c.send("{\"type\":\"like\",\"post\":\"p\",\"user\":\"bob\",\"id\":4}");
            assertEquals("forbidden", c.messages().get(0).get("code").asText());
        }
    }

    @Test
    void messagesPastTheRateAreRefusedAndAClientThatKeepsOnIsClosedWith1008() throws Exception {
        GatewayConfig c = GatewayConfig.defaults().withLimits(l -> l.withExempt(List.of())
                .withWebSocketMessages(new Rate(1, 2)).withRefusalsBeforeClose(3));
        try (EmbeddedGateway g = new EmbeddedGateway(c); EmbeddedWebSocket ws = new EmbeddedWebSocket(g.a, "")) {
            for (int i = 1; i <= 2; i++) {
                ws.send("{\"type\":\"subscribe\",\"channels\":[\"demo/x\"],\"id\":" + i + "}");
                assertEquals("ack", ws.messages().get(0).get("type").asText());
            }
            for (int i = 3; i <= 4; i++) {
                ws.send("{\"type\":\"subscribe\",\"channels\":[\"demo/x\"],\"id\":" + i + "}");
                JsonNode refused = ws.messages().get(0);
                assertEquals("rate_limited", refused.get("code").asText(), refused::toString);
                assertEquals(1, refused.get("retryAfter").asInt(), refused::toString);
            }
            ws.send("{\"type\":\"subscribe\",\"channels\":[\"demo/x\"],\"id\":5}");
            assertEquals(1008, closeCode(ws));
        }
    }
}
