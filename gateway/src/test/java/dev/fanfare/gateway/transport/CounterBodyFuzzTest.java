package dev.fanfare.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanfare.gateway.core.Json;
import dev.fanfare.gateway.core.Principal;
import dev.fanfare.gateway.limits.ClientLimits;
import dev.fanfare.gateway.testing.Callers;
import dev.fanfare.gateway.testing.Fuzz;
import dev.fanfare.gateway.testing.LeakGuard;
import dev.fanfare.gateway.testing.LocalCounters;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Clap and like bodies and WebSocket messages as a hostile client writes them, for anybody (no key)
 * and for a token's subject: the answer is an ack or a refusal of the protocol's, never a fault.
 */
class CounterBodyFuzzTest {

    static {
        LeakGuard.install();
    }

    private static final Set<Integer> REFUSALS = Set.of(400, 401, 403, 409, 413, 415, 429);
    private static final Caller ALICE = new Caller(Principal.of("alice", Principal.Grants.NONE, Instant.now().plusSeconds(3600)),
            InetAddress.getLoopbackAddress());

    private final CounterRequests requests = new CounterRequests(new LocalCounters(50), ClientLimits.none(),
            new dev.fanfare.gateway.metrics.GatewayMetrics());

    @Property
    void aBodyIsAckedOrRefusedNeverAFault(@ForAll("posts") String post, @ForAll("bodies") String body, @ForAll boolean asAlice,
                                          @ForAll("kinds") int kind) throws Exception {
        Caller caller = asAlice ? ALICE : Callers.ANYONE;
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        CounterRequests.Reply reply = (kind == 0 ? requests.clap(caller, post, bytes)
                : requests.like(caller, post, bytes, kind == 1)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertTrue(reply.status() == 202 || REFUSALS.contains(reply.status()), () -> reply + " for " + post + " " + body);
        if (reply.status() != 202) {
            assertEquals(Set.of("error", "message"), fields(reply.body()), reply::toString);
        } else if (asAlice) {
            assertEquals("alice", reply.body().get("user").asText(), "the subject, whatever the body says");
        }
    }

    @Property
    void aWebSocketMessageIsAckedOrRefusedNeverAFault(@ForAll("messages") ObjectNode message, @ForAll boolean asAlice) throws Exception {
        ObjectNode frame = requests.websocket(asAlice ? ALICE : Callers.ANYONE, message).toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        String type = frame.path("type").asText();
        assertTrue(type.equals("ack") || (type.equals("error") && !frame.path("code").asText().equals("internal")),
                () -> frame + " for " + message);
    }

    private static Set<String> fields(JsonNode n) {
        Set<String> out = new java.util.HashSet<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Provide
    Arbitrary<Integer> kinds() {
        return Arbitraries.of(0, 1, 2);
    }

    @Provide
    Arbitrary<String> posts() {
        return Arbitraries.oneOf(Fuzz.text(80), Arbitraries.of("post-1", "p", "%70", "%zz", "a%2Fb", "%C0%AF", "x".repeat(65)));
    }

    @Provide
    Arbitrary<String> bodies() {
        return Arbitraries.oneOf(Fuzz.text(120), messages().map(ObjectNode::toString));
    }

    @Provide
    Arbitrary<ObjectNode> messages() {
        Arbitrary<JsonNode> value = Arbitraries.oneOf(
                Fuzz.text(70).map(t -> Json.MAPPER.getNodeFactory().textNode(t)),
                Arbitraries.longs().map(l -> Json.MAPPER.getNodeFactory().numberNode(l)),
                Arbitraries.doubles().map(d -> Json.MAPPER.getNodeFactory().numberNode(d)),
                Arbitraries.of(true, false).map(b -> Json.MAPPER.getNodeFactory().booleanNode(b)),
                Arbitraries.just(Json.MAPPER.getNodeFactory().nullNode()),
                Arbitraries.just(Json.MAPPER.createArrayNode()),
                Arbitraries.just(Json.MAPPER.createObjectNode()),
                Arbitraries.of("1", "50", "51", "0", "-1", "1e3", "99999999999999999999").map(n -> {
                    try {
                        return Json.MAPPER.readTree(n);
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                }));
        Arbitrary<String> type = Arbitraries.of("clap", "like", "unlike", "clap", "nope", "");
        Arbitrary<String> field = Arbitraries.of("post", "user", "count", "like", "id", "type");
        return Combinators.combine(type, Combinators.combine(field, value).as(java.util.Map::entry).list().ofMaxSize(6))
                .as((t, fields) -> {
                    ObjectNode m = Json.MAPPER.createObjectNode().put("type", t).put("post", "p").put("user", "alice");
                    fields.forEach(e -> m.set(e.getKey(), e.getValue()));
                    return m;
                });
    }
}
