package dev.fanfare.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanfare.gateway.core.Json;
import dev.fanfare.gateway.core.Principal;
import dev.fanfare.gateway.limits.ClientLimits;
import dev.fanfare.gateway.metrics.GatewayMetrics;
import dev.fanfare.gateway.testing.Callers;
import dev.fanfare.gateway.testing.Fuzz;
import dev.fanfare.gateway.testing.LocalCounters;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Clap and like bodies (HTTP) and messages (WebSocket) as a hostile client writes them, for
 * anybody (no key) and for a token's subject: the answer is an ack or a refusal of the
 * protocol's, never a fault; a subject's action counts for the subject, whatever the body says.
 */
class CounterBodyFuzzTest {

    private static final Set<Integer> REFUSALS = Set.of(400, 401, 403, 409, 413, 415, 429);
    private static final Caller ALICE = new Caller(Principal.of("alice", Principal.Grants.NONE, Instant.now().plusSeconds(3600)),
            InetAddress.getLoopbackAddress());
    private static final List<String> POSTS = List.of("post-1", "p", "%70", "%zz", "a%2Fb", "%C0%AF", "x".repeat(65));
    private static final List<String> TYPES = List.of("clap", "like", "unlike", "clap", "nope", "");
    private static final List<String> FIELDS = List.of("post", "user", "count", "like", "id", "type");
    private static final List<String> TEXTS = List.of("alice", "bob", "p", "post-1", "", "x".repeat(65));

    private final CounterRequests requests = new CounterRequests(new LocalCounters(50), ClientLimits.none(),
            new GatewayMetrics());

    @FuzzTest(maxDuration = Fuzz.DURATION)
    void aBodyOrMessageIsAckedOrRefusedNeverAFault(FuzzedDataProvider data) throws Exception {
        boolean asAlice = data.consumeBoolean();
        Caller caller = asAlice ? ALICE : Callers.ANYONE;
        int kind = data.consumeInt(0, 3);
        if (kind == 3) {
            ObjectNode message = message(data);
            ObjectNode frame = requests.websocket(caller, message).toCompletableFuture().get(5, TimeUnit.SECONDS);
            String type = frame.path("type").asText();
            assertTrue(type.equals("ack") || (type.equals("error") && !frame.path("code").asText().equals("internal")),
                    () -> frame + " for " + message);
            return;
        }
        String post = data.consumeBoolean() ? Fuzz.text(data, 80) : data.pickValue(POSTS);
        String body = data.consumeBoolean() ? Fuzz.text(data, 120) : message(data).toString();
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

    private static ObjectNode message(FuzzedDataProvider data) {
        ObjectNode m = Json.MAPPER.createObjectNode().put("type", data.pickValue(TYPES)).put("post", "p").put("user", "alice");
        return Fuzz.withFields(data, m, FIELDS, 6, TEXTS);
    }

    private static Set<String> fields(JsonNode n) {
        Set<String> out = new HashSet<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
