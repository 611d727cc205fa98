package dev.fanfare.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanfare.gateway.auth.TokenIssuer;
import dev.fanfare.gateway.config.GatewayConfig;
import dev.fanfare.gateway.limits.ClientLimits;
import dev.fanfare.gateway.limits.Rate;
import dev.fanfare.gateway.testing.TestTokens;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Who may do what over HTTP, through the real pipeline on {@link EmbeddedGateway}: tokens from
 * each place they travel, grants, the claps' user, origins and CORS, rate limits.
 */
class AccessRulesTest {

    private static final GatewayConfig CHECKED = TestTokens.checked(GatewayConfig.defaults());
    private static final String DEMO_READER = TestTokens.token("alice", List.of("demo/*"), List.of());
    private static final String DEMO_X_READER = TestTokens.token("alice", List.of("demo/x"), List.of());

    private static String get(String pathAndQuery, String headers) {
        return "GET " + pathAndQuery + " HTTP/1.1\r\nHost: gw.example\r\n" + headers + "\r\n";
    }

    private static String post(String path, String headers, String json) {
        return "POST " + path + " HTTP/1.1\r\nHost: gw.example\r\nContent-Type: application/json\r\n" + headers
                + "Content-Length: " + json.length() + "\r\n\r\n" + json;
    }

    private static void assertStatus(String answer, int status, String code) {
        assertTrue(answer.startsWith("HTTP/1.1 " + status), answer);
        if (code != null) {
            assertTrue(answer.contains("{\"error\":\"" + code + "\""), answer);
        }
    }

    /** A 429 that says when to retry. */
    private static String assertRateLimited(String answer) {
        assertStatus(answer, 429, "rate_limited");
        assertTrue(answer.contains("retry-after: 1"), answer);
        return answer;
    }

    @Test
    void aTokenThatGrantsTheChannelIsTakenFromTheHeaderTheCookieOrTheQuery() {
        try (EmbeddedGateway g = new EmbeddedGateway(CHECKED)) {
            g.a.request(get("/poll?channel=demo/x", "Authorization: Bearer " + DEMO_READER + "\r\n"));
            assertStatus(g.a.output(), 200, null);
            g.a.request(get("/poll?channel=demo/x", "Cookie: theme=dark; fanfare_token=" + DEMO_READER + "\r\n"));
            assertStatus(g.a.output(), 200, null);
            g.a.request(get("/poll?channel=demo/x&access_token=" + DEMO_READER, ""));
            assertStatus(g.a.output(), 200, null);
        }
    }

    @Test
    void withoutATokenASubscriptionIs401AndWithOneThatDoesNotGrantIt403() {
        try (EmbeddedGateway g = new EmbeddedGateway(CHECKED)) {
            for (String path : List.of("/poll", "/longpoll", "/sse")) {
                g.a.request(get(path + "?channel=demo/x", ""));
                assertStatus(g.a.output(), 401, "unauthorized");
                g.a.request(get(path + "?channel=demo/y", "Authorization: Bearer " + DEMO_X_READER + "\r\n"));
                assertStatus(g.a.output(), 403, "forbidden");
            }
            g.a.request(get("/poll?channel=demo/x", "Authorization: Basic YWxpY2U6c2VjcmV0\r\n"));
            assertStatus(g.a.output(), 401, "unauthorized");
            g.a.request(get("/poll?channel=demo/x", "Authorization: Bearer not-a-token\r\n"));
            assertStatus(g.a.output(), 401, "unauthorized");
            g.a.request(get("/health", ""));
            assertStatus(g.a.output(), 200, null);
        }
    }

    @Test
    void anExpiredTokenIs401TokenExpired() {
        Clock twoHoursAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC);
        String expired = new TokenIssuer(TestTokens.AUTH, twoHoursAgo).issue("alice", List.of("demo/*"), List.of(),
                Duration.ofHours(1));
        try (EmbeddedGateway g = new EmbeddedGateway(CHECKED)) {
            g.a.request(get("/poll?channel=demo/x", "Authorization: Bearer " + expired + "\r\n"));
            assertStatus(g.a.output(), 401, "token_expired");
        }
    }

    @Test
    void theDefaultPublicStreamsNeedNoTokenToReadButEveryPublishClapAndLikeNeedsOne() {
        try (EmbeddedGateway g = new EmbeddedGateway(CHECKED)) {
            for (String path : List.of("/poll", "/longpoll", "/sse")) {
                g.a.request(get(path + "?channel=ticker/*&timeout=0", ""));
                assertStatus(g.a.output(), 200, null);
            }
            g.b.request(get("/poll?channel=demo/x", ""));
            assertStatus(g.b.output(), 401, "unauthorized");
            g.b.request(post("/publish/ticker/A", "", "{\"last\":1}"));
            assertStatus(g.b.output(), 401, "unauthorized");
            g.b.request(post("/claps/post-1", "", "{\"count\":1}"));
            assertStatus(g.b.output(), 401, "unauthorized");
            g.b.request("PUT /likes/post-1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
            assertStatus(g.b.output(), 401, "unauthorized");
        }
        try (EmbeddedGateway g = new EmbeddedGateway(CHECKED.withAuth(a -> a.withPublicStreams(List.of())))) {
            g.a.request(get("/poll?channel=ticker/*", ""));
            assertStatus(g.a.output(), 401, "unauthorized");
        }
    }

    @Test
    void publishingNeedsAPublishGrant() {
        String writer = TestTokens.token("alice", List.of(), List.of("demo/news"));
        try (EmbeddedGateway g = new EmbeddedGateway(CHECKED)) {
            g.a.request(post("/publish/demo/news", "Authorization: Bearer " + DEMO_READER + "\r\n", "{\"n\":1}"));
            assertStatus(g.a.output(), 403, "forbidden");
            g.a.request(post("/publish/demo/other", "Authorization: Bearer " + writer + "\r\n", "{\"n\":1}"));
            assertStatus(g.a.output(), 403, "forbidden");
            g.a.request(post("/publish/demo/news", "Authorization: Bearer " + writer + "\r\n", "{\"n\":1}"));
            assertStatus(g.a.output(), 202, null);
        }
    }

    @Test
    void clapsAndLikesCountForTheTokensSubjectAndABodyNamingAnotherUserIs403() {
        String alice = "Authorization: Bearer " + DEMO_READER + "\r\n";
        try (EmbeddedGateway g = new EmbeddedGateway(CHECKED)) {
            g.a.request(post("/claps/post-1", alice, "{\"count\":2}"));
            String ok = g.a.output();
            assertStatus(ok, 202, null);
            assertTrue(ok.contains("\"user\":\"alice\",\"count\":2"), ok);
            g.a.request(post("/claps/post-1", alice, "{\"user\":\"alice\",\"count\":1}"));
            assertStatus(g.a.output(), 202, null);
            g.a.request(post("/claps/post-1", alice, "{\"user\":\"bob\",\"count\":1}"));
            assertStatus(g.a.output(), 403, "forbidden");
            g.a.request("PUT /likes/post-1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + alice
                    + "Content-Length: 14\r\n\r\n{\"user\":\"bob\"}");
            assertStatus(g.a.output(), 403, "forbidden");
            g.a.request(post("/claps/post-1", "", "{\"user\":\"bob\",\"count\":1}"));
            assertStatus(g.a.output(), 401, "unauthorized");
        }
    }

    @Test
    void withoutAKeyTheBodysUserCountsAsBefore() {
        try (EmbeddedGateway g = new EmbeddedGateway()) {
            g.a.request(post("/claps/post-1", "Authorization: Bearer whatever\r\n", "{\"user\":\"bob\",\"count\":1}"));
            String ok = g.a.output();
            assertStatus(ok, 202, null);
            assertTrue(ok.contains("\"user\":\"bob\""), ok);
        }
    }

    @Test
    void aForeignOriginIs403AndAnAllowedOneGetsCorsHeaders() {
        try (EmbeddedGateway g = new EmbeddedGateway()) {
            g.a.request(post("/publish/demo/x", "Origin: https://evil.example\r\n", "{\"n\":1}"));
            String refused = g.a.output();
            assertStatus(refused, 403, "forbidden");
            assertFalse(refused.toLowerCase().contains("access-control-allow-origin"), refused);
            g.a.request(get("/poll?channel=demo/x", "Origin: http://gw.example\r\n"));
            String same = g.a.output();
            assertStatus(same, 200, null);
            assertTrue(same.contains("access-control-allow-origin: http://gw.example"), same);
            assertTrue(same.contains("access-control-allow-credentials: true"), same);
            assertTrue(same.contains("vary: origin"), same);
            g.a.request(get("/poll?channel=demo/x", "Origin: http://localhost:3000\r\n"));
            assertTrue(g.a.output().contains("access-control-allow-origin: http://localhost:3000"));
            g.a.request(get("/poll?channel=demo/x", ""));
            assertFalse(g.a.output().contains("access-control"), "no Origin, no CORS headers");
        }
    }

    @Test
    void aPreflightFromAnAllowedOriginNamesTheMethodsAndHeadersAndFromAForeignOneIs403() {
        GatewayConfig c = GatewayConfig.defaults().withAuth(a -> a.withAllowedOrigins(List.of("https://app.example")));
        try (EmbeddedGateway g = new EmbeddedGateway(c)) {
            g.a.request("OPTIONS /likes/post-1 HTTP/1.1\r\nHost: gw.example\r\nOrigin: https://app.example\r\n"
                    + "Access-Control-Request-Method: PUT\r\nAccess-Control-Request-Headers: authorization, content-type\r\n\r\n");
            String ok = g.a.output();
            assertStatus(ok, 204, null);
            assertTrue(ok.contains("access-control-allow-origin: https://app.example"), ok);
            assertTrue(ok.contains("access-control-allow-methods: DELETE, OPTIONS, PUT"), ok);
            assertTrue(ok.contains("access-control-allow-headers: Authorization, Content-Type, Last-Event-ID"), ok);
            assertTrue(ok.contains("access-control-max-age: 600"), ok);
            g.a.request("OPTIONS /publish/demo/x HTTP/1.1\r\nHost: gw.example\r\nOrigin: http://gw.example\r\n"
                    + "Access-Control-Request-Method: POST\r\n\r\n");
            assertStatus(g.a.output(), 403, "forbidden");
        }
    }

    @Test
    void aWebSocketUpgradeFromAForeignOriginIs403() {
        try (EmbeddedGateway g = new EmbeddedGateway()) {
            g.a.request("GET /ws HTTP/1.1\r\nHost: gw.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Origin: https://evil.example\r\n\r\n");
            assertStatus(g.a.output(), 403, "forbidden");
            assertTrue(g.a.channel.pipeline().get(Pipelines.ROUTER) != null, "still plain HTTP");
        }
    }

    @Test
    void publishesAndClapsPastTheirRateAre429WithRetryAfter() {
        GatewayConfig c = GatewayConfig.defaults().withLimits(l -> l.withExempt(List.of())
                .withPublishes(new ClientLimits.Pair(Rate.OFF, new Rate(1, 2)))
                .withCounts(new ClientLimits.Pair(new Rate(1, 1), Rate.OFF)));
        try (EmbeddedGateway g = new EmbeddedGateway(c)) {
            for (int i = 0; i < 2; i++) {
                g.a.request(post("/publish/demo/x", "", "{\"n\":1}"));
                assertStatus(g.a.output(), 202, null);
            }
            g.a.request(post("/publish/demo/x", "", "{\"n\":1}"));
            String limited = assertRateLimited(g.a.output());
            assertFalse(limited.contains("retryAfter\""), "the body keeps its two fields: " + limited);
            assertTrue(g.a.channel.isActive(), "a 429 keeps the connection");
            g.a.request(post("/claps/p", "", "{\"user\":\"u1\"}"));
            assertStatus(g.a.output(), 202, null);
            g.a.request(post("/claps/p", "", "{\"user\":\"u1\"}"));
            assertRateLimited(g.a.output());
            g.a.request(post("/claps/p", "", "{\"user\":\"u2\"}"));
            assertStatus(g.a.output(), 202, null);
        }
    }

    @Test
    void clapsPastTheAddressRateAre429WhoeverClaps() {
        GatewayConfig c = GatewayConfig.defaults().withLimits(l -> l.withExempt(List.of())
                .withCounts(new ClientLimits.Pair(Rate.OFF, new Rate(1, 2))));
        try (EmbeddedGateway g = new EmbeddedGateway(c)) {
            g.a.request(post("/claps/p", "", "{\"user\":\"u1\"}"));
            assertStatus(g.a.output(), 202, null);
            g.b.request(post("/claps/p", "", "{\"user\":\"u2\"}"));
            assertStatus(g.b.output(), 202, null);
            g.b.request(post("/claps/p", "", "{\"user\":\"u3\"}"));
            assertTrue(assertRateLimited(g.b.output()).contains("too many from this address"));
        }
    }

    @Test
    void aParkedLongPollIsAnsweredWhenItsTokenExpires() {
        String shortLived = TestTokens.token("alice", List.of("demo/*"), List.of(), Duration.ofSeconds(2));
        try (EmbeddedGateway g = new EmbeddedGateway(CHECKED)) {
            g.a.request(get("/longpoll?channel=demo/x&timeout=60", "Authorization: Bearer " + shortLived + "\r\n"));
            assertEquals("", g.a.output(), "parked");
            g.a.channel.advanceTimeBy(3, TimeUnit.SECONDS);
            g.a.channel.runScheduledPendingTasks();
            String answer = g.a.output();
            assertStatus(answer, 200, null);
            assertTrue(answer.contains("{\"events\":[]"), answer);
        }
    }

    @Test
    void anSseStreamEndsWithTokenExpiredWhenItsTokenExpires() {
        String shortLived = TestTokens.token("alice", List.of("demo/*"), List.of(), Duration.ofSeconds(2));
        try (EmbeddedGateway g = new EmbeddedGateway(CHECKED)) {
            g.a.request(get("/sse?channel=demo/x&access_token=" + shortLived, "Accept: text/event-stream\r\n"));
            assertStatus(g.a.output(), 200, null);
            g.a.channel.advanceTimeBy(3, TimeUnit.SECONDS);
            g.a.channel.runScheduledPendingTasks();
            String end = g.a.output();
            assertTrue(end.contains("event: disconnect\ndata: {\"reason\":\"token_expired\""), end);
            assertTrue(end.contains("\"reconnect\":true"), end);
            g.a.channel.runPendingTasks();
            assertFalse(g.a.channel.isActive(), "closed after the notice");
        }
    }
}
