package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.core.Json;
import dev.fanfare.gateway.counters.CounterRig;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The counter API in the wire protocol, through the gateway's real route table and router (HTTP on an
 * EmbeddedChannel) and its WebSocket message handling: what is accepted, what is refused and with which
 * reason; and that nothing refused reaches Kafka. Real Kafka, in-memory store.
 */
class CounterRequestsIT {

    /** An answer as the client reads it. */
    private record Reply(int status, String body) {
    }

    private static final String ID_EXPECTED = "(expected: 1..64 characters of [A-Za-z0-9._:@-])";

    private CounterRig rig;
    private EmbeddedGateway gateway;
    private CounterRequests requests;

    @BeforeEach
    void startRig() {
        rig = CounterRig.start(null, 1);
        gateway = new EmbeddedGateway(dev.fanfare.gateway.config.GatewayConfig.defaults(), rig.service);
        requests = new CounterRequests(rig.service, dev.fanfare.gateway.limits.ClientLimits.none(),
                new dev.fanfare.gateway.metrics.GatewayMetrics());
    }

    @AfterEach
    void closeRig() throws Exception {
        gateway.close();
        rig.close();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{\"user\":\"u1\",\"count\":-1}                      | count: -1 (expected: 1..50)",
        "{\"user\":\"u1\",\"count\":0}                       | count: 0 (expected: 1..50)",
        "{\"user\":\"u1\",\"count\":51}                      | count: 51 (expected: 1..50)",
        "{\"user\":\"u1\",\"count\":4294967297}              | count: 4294967297 (expected: 1..50)",
        "{\"user\":\"u1\",\"count\":99999999999999999999999} | count: 99999999999999999999999 (expected: an integer 1..50)",
        "{\"user\":\"u1\",\"count\":1e30}                    | count: 1.0E30 (expected: an integer 1..50)",
        "{\"user\":\"u1\",\"count\":2.5}                     | count: 2.5 (expected: an integer 1..50)",
        "{\"user\":\"u1\",\"count\":\"abc\"}                 | count: \"abc\" (expected: an integer 1..50)",
        "{\"user\":\"u1\",\"count\":\"5\"}                   | count: \"5\" (expected: an integer 1..50)",
        "{\"user\":\"u1\",\"count\":true}                    | count: true (expected: an integer 1..50)",
        "{\"count\":1}                                      | user: missing " + ID_EXPECTED,
        "{\"user\":null,\"count\":1}                        | user: missing " + ID_EXPECTED,
        "{\"user\":\"\",\"count\":1}                        | user: \"\" " + ID_EXPECTED,
        "{\"user\":\"a b\",\"count\":1}                     | user: \"a b\" " + ID_EXPECTED,
        "{\"user\":\"x/y\",\"count\":1}                     | user: \"x/y\" " + ID_EXPECTED,
        "{\"user\":7,\"count\":1}                           | user: 7 (expected: a string)",
        "not json                                          | body: not a JSON object (expected: {\"user\":\"<id>\",\"count\":1..50})",
        "[1,2]                                             | body: not a JSON object (expected: {\"user\":\"<id>\",\"count\":1..50})",
    })
    void badClapBodiesAreRefusedWithAReason(String body, String message) {
        assertError(http("POST", "/claps/post-1", body), 400, "bad_parameter", message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/claps/bad%20post  | post: \"bad post\" " + ID_EXPECTED,
        "/claps/            | post: \"\" " + ID_EXPECTED,
        "/claps/a/b         | post: \"a/b\" " + ID_EXPECTED,
        "/claps/caf%C3%A9   | post: \"café\" " + ID_EXPECTED,
        "/claps/%zz         | post: \"%zz\" (expected: a percent-encoded post id)",
    })
    void malformedPostIdsAreRefused(String path, String message) {
        assertError(http("POST", path, "{\"user\":\"u1\",\"count\":1}"), 400, "bad_parameter", message);
    }

    @Test
    void aPostIdOverSixtyFourCharactersIsRefused() {
        String post = "p".repeat(65);
        assertError(http("POST", "/claps/" + post, "{\"user\":\"u1\"}"), 400, "bad_parameter",
                "post: \"" + post + "\" " + ID_EXPECTED);
    }

    @Test
    void aMissingBodyIsRefused() {
        assertError(http("PUT", "/likes/post-1", ""), 400, "missing_body",
                "body: missing (expected: {\"user\":\"<id>\"})");
    }

    @Test
    void theMethodsThatFitThePathsAreKnownBeforehand() {
        Routes routes = GatewayInitializer.routes(gateway.services);
        assertEquals(true, routes.allows("POST", "/claps/p"));
        assertEquals(true, routes.allows("PUT", "/likes/p"));
        assertEquals(true, routes.allows("DELETE", "/likes/p"));
        assertEquals(false, routes.allows("GET", "/claps/p"));
        assertEquals(false, routes.allows("POST", "/likes/p"));
        assertEquals(true, routes.allows("POST", "/publish/claps/p"), "a publish, not a clap");
        assertEquals(routes.find("/publish/claps/p"), routes.find("/publish/demo/x"));
    }

    @Test
    void wrongMethodsAreRefused() {
        assertError(http("GET", "/claps/post-1", ""), 405, "method_not_allowed", "method: GET (expected: POST)");
        assertError(http("POST", "/likes/post-1", "{\"user\":\"u1\"}"), 405, "method_not_allowed",
                "method: POST (expected: PUT to like, DELETE to unlike)");
    }

    @Test
    void clapsAreAcceptedUpToTheCapAndTheRestIsRefusedWhole() {
        Reply first = http("POST", "/claps/post-1", "{\"user\":\"u1\",\"count\":47}");
        Reply defaulted = http("POST", "/claps/post-1", "{\"user\":\"u1\"}");
        Reply over = http("POST", "/claps/post-1", "{\"user\":\"u1\",\"count\":3}");

        assertEquals(202, first.status());
        assertEquals(json("{\"post\":\"post-1\",\"user\":\"u1\",\"count\":47,\"userClaps\":47}"), json(first));
        assertEquals(json("{\"post\":\"post-1\",\"user\":\"u1\",\"count\":1,\"userClaps\":48}"), json(defaulted));
        assertError(over, 409, "clap_limit",
                "count: 3 (expected: at most 2; user u1 has given 48 of 50 claps to post post-1)");
        assertEquals(202, http("POST", "/claps/post-1", "{\"user\":\"u1\",\"count\":2}").status());
    }

    @Test
    void likesAndUnlikesAreAccepted() {
        Reply like = http("PUT", "/likes/post%2D1", "{\"user\":\"u1\"}");
        Reply unlike = http("DELETE", "/likes/post-1", "{\"user\":\"u1\"}");

        assertEquals(202, like.status());
        assertEquals(json("{\"post\":\"post-1\",\"user\":\"u1\",\"liked\":true}"), json(like));
        assertEquals(202, unlike.status());
        assertEquals(json("{\"post\":\"post-1\",\"user\":\"u1\",\"liked\":false}"), json(unlike));
    }

    @Test
    void webSocketActionsAreAckedOrRefusedWithTheirId() {
        assertEquals(json("{\"type\":\"ack\",\"id\":\"7\",\"post\":\"p\",\"user\":\"u1\",\"count\":3,\"userClaps\":3}"),
                ws("{\"type\":\"clap\",\"post\":\"p\",\"user\":\"u1\",\"count\":3,\"id\":\"7\"}"));
        assertEquals(json("{\"type\":\"ack\",\"id\":8,\"post\":\"p\",\"user\":\"u1\",\"liked\":true}"),
                ws("{\"type\":\"like\",\"post\":\"p\",\"user\":\"u1\",\"id\":8}"));
        assertEquals(json("{\"type\":\"ack\",\"post\":\"p\",\"user\":\"u1\",\"liked\":false}"),
                ws("{\"type\":\"unlike\",\"post\":\"p\",\"user\":\"u1\"}"));
        assertEquals(json("{\"type\":\"error\",\"id\":\"9\",\"code\":\"bad_parameter\","
                        + "\"message\":\"count: 0 (expected: 1..50)\"}"),
                ws("{\"type\":\"clap\",\"post\":\"p\",\"user\":\"u1\",\"count\":0,\"id\":\"9\"}"));
        assertEquals(json("{\"type\":\"error\",\"code\":\"clap_limit\","
                        + "\"message\":\"count: 48 (expected: at most 47; user u1 has given 3 of 50 claps to post p)\"}"),
                ws("{\"type\":\"clap\",\"post\":\"p\",\"user\":\"u1\",\"count\":48}"));
        assertEquals(json("{\"type\":\"error\",\"code\":\"bad_parameter\","
                        + "\"message\":\"type: \\\"hug\\\" (expected: clap, like or unlike)\"}"),
                ws("{\"type\":\"hug\",\"post\":\"p\",\"user\":\"u1\"}"));
    }

    @Test
    void onlyAcceptedActionsReachKafka() {
        http("POST", "/claps/post-1", "{\"user\":\"u1\",\"count\":0}");
        http("POST", "/claps/post-1", "{\"user\":\"u1\",\"count\":50}");
        http("POST", "/claps/post-1", "{\"user\":\"u1\",\"count\":1}");
        http("POST", "/claps/bad%20post", "{\"user\":\"u1\",\"count\":1}");
        http("PUT", "/likes/post-1", "{\"user\":\"u2\"}");
        http("PUT", "/likes/post-1", "{}");
        ws("{\"type\":\"clap\",\"post\":\"p\",\"user\":\"u1\",\"count\":51}");

        assertEquals(2, recordsOn(rig.config.actionsTopic()), "one clap and one like were accepted");
    }

    /** One request through the router; waits for its answer (the counters answer off the loop). */
    private Reply http(String method, String path, String body) {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        gateway.a.request(method + " " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + content.length + "\r\n\r\n" + body);
        StringBuilder out = new StringBuilder();
        await().atMost(30, SECONDS).until(() -> {
            gateway.a.channel.runPendingTasks();
            out.append(gateway.a.output());
            return out.indexOf("\r\n\r\n") >= 0;
        });
        String text = out.toString();
        int status = Integer.parseInt(text.substring("HTTP/1.1 ".length(), "HTTP/1.1 ".length() + 3));
        return new Reply(status, text.substring(text.indexOf("\r\n\r\n") + 4));
    }

    private JsonNode ws(String message) {
        try {
            ObjectNode frame = requests.websocket(dev.fanfare.gateway.testing.Callers.ANYONE, Json.MAPPER.readTree(message))
                    .toCompletableFuture().get(30, SECONDS);
            return json(frame.toString()); // as sent on the wire
        } catch (Exception e) {
            throw new AssertionError("the answer stage must not fail", e);
        }
    }

    private static void assertError(Reply reply, int status, String code, String message) {
        assertEquals(status, reply.status());
        ObjectNode expected = Json.MAPPER.createObjectNode().put("error", code).put("message", message);
        assertEquals(expected, json(reply));
    }

    private static JsonNode json(Reply reply) {
        return json(reply.body());
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(text, e);
        }
    }

    private static long recordsOn(String topic) {
        try (KafkaConsumer<String, byte[]> consumer = CounterRig.newConsumer()) {
            return consumer.endOffsets(CounterRig.partitionsOf(consumer, topic)).values().stream()
                    .mapToLong(Long::longValue).sum();
        }
    }
}
