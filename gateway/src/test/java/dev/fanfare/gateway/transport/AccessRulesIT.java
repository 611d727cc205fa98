package dev.fanfare.gateway.transport;

import static dev.fanfare.gateway.testing.Deliveries.PATIENCE;
import static dev.fanfare.gateway.testing.Refusals.assertError;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanfare.gateway.GatewayServer;
import dev.fanfare.gateway.config.GatewayConfig;
import dev.fanfare.gateway.limits.ClientLimits;
import dev.fanfare.gateway.limits.Rate;
import dev.fanfare.gateway.testing.GatewayHttp;
import dev.fanfare.gateway.testing.GatewayHttp.Answer;
import dev.fanfare.gateway.testing.Opened;
import dev.fanfare.gateway.testing.RawHttp;
import dev.fanfare.gateway.testing.SseClient;
import dev.fanfare.gateway.testing.TestGateway;
import dev.fanfare.gateway.testing.TestTokens;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tokens and per-client limits on real sockets, real Kafka: a stream that outlives its token
 * resumes with a fresh one and loses nothing; connections per address (503, or 1013 for a
 * WebSocket), also behind a trusted proxy; rate limits by the forwarded client.
 */
@Timeout(120)
class AccessRulesIT {

    @RegisterExtension
    final Opened opened = new Opened();

    private <T extends AutoCloseable> T opened(T c) {
        return opened.add(c);
    }

    private static Answer publish(GatewayHttp http, String token, String channel, String json) {
        return http.send(HttpRequest.newBuilder(http.uri("/publish/" + channel)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    @Test
    void anSseClientWhoseTokenExpiredResumesWithAFreshTokenAndItsCursorLosingNothing() {
        GatewayServer g = opened(GatewayServer.start(TestTokens.checked(TestGateway.config())));
        GatewayHttp http = new GatewayHttp(g.port());
        String publisher = TestTokens.token("feed", List.of(), List.of("demo/*"));
        String reader = TestTokens.token("alice", List.of("demo/*"), List.of(), Duration.ofSeconds(3));
        SseClient sse = new SseClient(g.port());
        opened(sse::stop);
        sse.open("/sse?channel=demo/resume&access_token=" + reader, Map.of());
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sent.add("{\"n\":" + i + "}");
            assertEquals(202, publish(http, publisher, "demo/resume", sent.get(i)).status());
        }
        await().atMost(PATIENCE).until(() -> sse.events().size() == 3);
        await().atMost(PATIENCE).until(() -> !sse.disconnects().isEmpty());
        JsonNode notice = sse.disconnects().get(0).data();
        assertEquals("token_expired", notice.get("reason").asText(), notice::toString);
        assertTrue(notice.get("reconnect").asBoolean());
        for (int i = 3; i < 6; i++) {
            sent.add("{\"n\":" + i + "}");
            assertEquals(202, publish(http, publisher, "demo/resume", sent.get(i)).status());
        }
        String fresh = TestTokens.token("alice", List.of("demo/*"), List.of());
        sse.open("/sse?channel=demo/resume&access_token=" + fresh, Map.of("Last-Event-ID", sse.lastCursor()));
        await().atMost(PATIENCE).until(() -> sse.events().size() >= 6);
        assertEquals(sent, sse.events().stream().map(e -> e.get("data").toString()).toList(), "every event once, in order");
        assertEquals(List.of(), sse.gaps());
        assertEquals(List.of(), sse.errors());
    }

    @Test
    void connectionsPastThePerAddressLimitAre503Or1013ButHealthAndTheOthersAreStillServed() {
        GatewayServer g = opened(GatewayServer.start(TestGateway.config()
                .withLimits(l -> l.withConnectionsPerAddress(3).withExempt(List.of()))));
        String poll = RawHttp.get("/poll?channel=demo/x");
        List<RawHttp> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RawHttp c = opened(RawHttp.connect(g.port()));
            assertEquals(200, c.exchange(poll).status());
            held.add(c);
        }
        RawHttp over = opened(RawHttp.connect(g.port()));
        Answer answer = over.exchange(poll);
        JsonNode refused = assertError(answer, 503, "too_many_connections");
        assertTrue(refused.get("message").asText().contains("more from this address than the 3 this node takes"),
                refused::toString);
        assertEquals("5", answer.headers().get("retry-after"), answer.headers()::toString);
        HostileInputIT.assertClosedWith1013(g.port());
        assertEquals(200, held.get(1).exchange(poll).status(), "a connection within the limit is served");
        try (RawHttp health = RawHttp.connect(g.port())) {
            assertEquals(200, health.exchange(RawHttp.get("/health")).status(), "past the limit, /health is answered");
        }
        held.get(0).close();
        await().atMost(PATIENCE).untilAsserted(() -> {
            try (RawHttp again = RawHttp.connect(g.port())) {
                assertEquals(200, again.exchange(poll).status());
            }
        });
    }

    @Test
    void behindATrustedProxyEachForwardedClientHasItsOwnLimits() {
        GatewayServer g = opened(GatewayServer.start(TestGateway.config().withLimits(l -> l.withConnectionsPerAddress(1)
                .withExempt(List.of()).withTrustedProxies(List.of("127.0.0.1"))
                .withPublishes(new ClientLimits.Pair(Rate.OFF, new Rate(0.01, 1))))));
        String first = "198.51.100.1";
        String second = "198.51.100.2";
        RawHttp a = opened(RawHttp.connect(g.port()));
        assertEquals(202, a.exchange(publishAs(first, "{\"n\":1}")).status());
        RawHttp b = opened(RawHttp.connect(g.port()));
        assertError(b.exchange(publishAs(first, "{\"n\":2}")), 503, "too_many_connections");
        RawHttp c = opened(RawHttp.connect(g.port()));
        assertEquals(202, c.exchange(publishAs(second, "{\"n\":3}")).status(), "another client behind the same proxy");
        Answer limited = c.exchange(publishAs(second, "{\"n\":4}"));
        assertError(limited, 429, "rate_limited");
        assertTrue(Integer.parseInt(limited.headers().get("retry-after")) >= 1, limited.headers()::toString);
        RawHttp spoofed = opened(RawHttp.connect(g.port()));
        assertError(spoofed.exchange("GET /poll?channel=demo/x HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: " + first + ", " + second
                + "\r\n\r\n"), 503, "too_many_connections");
    }

    private static String publishAs(String client, String json) {
        return "POST /publish/demo/proxied HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Forwarded-For: "
                + client + "\r\nContent-Length: " + json.length() + "\r\n\r\n" + json;
    }
}
