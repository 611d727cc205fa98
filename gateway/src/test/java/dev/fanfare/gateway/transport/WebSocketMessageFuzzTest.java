package dev.fanfare.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanfare.gateway.config.GatewayConfig;
import dev.fanfare.gateway.core.Json;
import dev.fanfare.gateway.testing.Fuzz;
import dev.fanfare.gateway.testing.LeakGuard;
import dev.fanfare.gateway.testing.TestTokens;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterProperty;

/**
 * Sequences of WebSocket messages as a hostile client writes them (every type of the protocol,
 * fields of any JSON type, tokens good and bad, text that is not JSON) on one connection of the
 * real pipeline, with and without token checks: each is answered, none with an internal error,
 * the connection stays open (unless its upgrade's token was refused: 1008 at once), nothing is
 * thrown and no buffer leaks.
 */
class WebSocketMessageFuzzTest {

    static {
        LeakGuard.install();
    }

    private static final GatewayConfig CHECKED = TestTokens.checked(GatewayConfig.defaults());
    private static final List<String> TOKENS = List.of(
            TestTokens.token("alice", List.of("demo/*"), List.of("demo/*")),
            TestTokens.token("alice", List.of("ticker/A"), List.of()),
            TestTokens.token("bob", List.of("demo/*"), List.of()), "x.y.z", "");

    @AfterProperty
    void noLeaks() {
        Fuzz.assertNoLeaks();
    }

    @Property
    void everyMessageIsAnsweredWithoutAFaultAndTheConnectionStaysOpen(
            @ForAll @Size(min = 1, max = 8) List<@net.jqwik.api.From("messages") String> messages, @ForAll boolean checked,
            @ForAll("upgrades") String upgrade) throws Exception {
        try (EmbeddedGateway g = new EmbeddedGateway(checked ? CHECKED : GatewayConfig.defaults());
             EmbeddedWebSocket ws = new EmbeddedWebSocket(g.a, "", upgrade)) {
            List<WebSocketFrame> first = ws.frames();
            if (!first.isEmpty()) { // only an upgrade whose token is refused ends at once
                boolean closed = first.get(0) instanceof CloseWebSocketFrame c && c.statusCode() == 1008;
                first.forEach(WebSocketFrame::release);
                assertTrue(closed && checked && upgrade.contains("x.y.z"), () -> first + " after " + upgrade);
                return;
            }
            for (String raw : messages) {
                // Well-formed UTF-8 (a lone surrogate becomes '?'): text that is not is closed 1007, as HostileInputIT shows.
                String m = new String(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.UTF_8);
                ws.send(m);
                g.a.channel.checkException();
                for (WebSocketFrame f : ws.frames()) {
                    try {
                        assertFalse(f instanceof CloseWebSocketFrame, () -> "closed " + ((CloseWebSocketFrame) f).statusCode()
                                + " " + ((CloseWebSocketFrame) f).reasonText() + " after " + Json.MAPPER.valueToTree(messages));
                        JsonNode answer = Json.MAPPER.readTree(((TextWebSocketFrame) f).text());
                        assertFalse("internal".equals(answer.path("code").asText()), () -> answer + " for " + m);
                    } finally {
                        f.release();
                    }
                }
            }
            assertTrue(g.a.channel.isActive());
        }
    }

    @Provide
    Arbitrary<String> upgrades() {
        return Arbitraries.of(TOKENS).map(t -> t.isEmpty() ? "" : "Authorization: Bearer " + t + "\r\n");
    }

    @Provide
    Arbitrary<String> messages() {
        Arbitrary<JsonNode> value = Arbitraries.oneOf(
                Fuzz.text(60).map(t -> Json.MAPPER.getNodeFactory().textNode(t)),
                Arbitraries.of(TOKENS).map(t -> Json.MAPPER.getNodeFactory().textNode(t)),
                Arbitraries.longs().map(l -> Json.MAPPER.getNodeFactory().numberNode(l)),
                Arbitraries.of(true, false).map(b -> Json.MAPPER.getNodeFactory().booleanNode(b)),
                Arbitraries.just(Json.MAPPER.getNodeFactory().nullNode()),
                Fuzz.text(30).list().ofMaxSize(4).map(l -> {
                    var a = Json.MAPPER.createArrayNode();
                    l.forEach(a::add);
                    return a;
                }),
                Arbitraries.of("demo/x", "demo/*", "ticker/A", "claps/p", "nope/x").list().ofMaxSize(3).map(l -> {
                    var a = Json.MAPPER.createArrayNode();
                    l.forEach(a::add);
                    return a;
                }),
                Arbitraries.just(Json.MAPPER.createObjectNode().put("n", 1)));
        Arbitrary<String> type = Arbitraries.of("subscribe", "unsubscribe", "publish", "clap", "like", "unlike", "auth",
                "refresh", "nope");
        Arbitrary<String> field = Arbitraries.of("channels", "cursor", "channel", "data", "post", "user", "count", "like",
                "token", "id", "type");
        Arbitrary<String> json = Combinators.combine(type, Combinators.combine(field, value).as(java.util.Map::entry)
                .list().ofMaxSize(5)).as((t, fields) -> {
                    ObjectNode m = Json.MAPPER.createObjectNode().put("type", t);
                    fields.forEach(e -> m.set(e.getKey(), e.getValue()));
                    return m.toString();
                });
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, json), net.jqwik.api.Tuple.of(1, Fuzz.text(80)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("[]", "null", "1", "\"x\"", "{\"type\":{}}", "{\"id\":[1]}")));
    }
}
