package dev.fanfare.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fanfare.gateway.config.GatewayConfig;
import dev.fanfare.gateway.testing.Fuzz;
import dev.fanfare.gateway.testing.TestTokens;
import io.netty.buffer.Unpooled;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Raw bytes into the real HTTP pipeline ({@link EmbeddedGateway}), with and without token checks:
 * whatever arrives, nothing is thrown out of the pipeline, no answer is a 5xx of ours, and no
 * buffer leaks. Inputs: the fuzzer's bytes as they are, requests built from the protocol's own
 * parts (every route, its parameters, the headers that matter, bodies; one or two pipelined),
 * and such requests damaged at one byte; each in two writes, split anywhere.
 */
class HttpRouterFuzzTest {

    private static final GatewayConfig CHECKED = TestTokens.checked(GatewayConfig.defaults());
    private static final String TOKEN = TestTokens.token("alice", List.of("demo/*", "claps/p"), List.of("demo/*"));
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD", "PATCH",
            "get", "CONNECT");
    private static final List<String> PATHS = List.of("/poll", "/longpoll", "/sse", "/ws", "/health", "/metrics",
            "/publish/demo/x", "/publish/demo/*", "/publish/", "/claps/p", "/claps/", "/claps/%zz", "/likes/p", "/",
            "/app.js", "/nope", "/publish/ticker/A%2FB", "//poll", "/poll/", "*");
    private static final List<String> PARAMS = List.of("channel", "cursor", "access_token", "limit", "timeout",
            "max_rate", "channel", "x");
    private static final List<String> HEADERS = List.of("Host: x", "Host: gw.example", "Host: x\r\nHost: y",
            "Connection: close", "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="
                    + "\r\nSec-WebSocket-Version: 13", "Content-Type: application/json", "Content-Type: text/plain",
            "Transfer-Encoding: chunked", "Expect: 100-continue", "Expect: nonsense", "Accept: text/event-stream",
            "Authorization: Bearer " + TOKEN, "Authorization: Basic eA==", "Authorization: Bearer ",
            "Cookie: fanfare_token=" + TOKEN, "Cookie: fanfare_token=", "Origin: https://evil.example",
            "Origin: http://localhost:3000", "Origin: null", "Access-Control-Request-Method: PUT",
            "X-Forwarded-For: 1.2.3.4, ::1", "Content-Length: 5", "Content-Length: -1", "Content-Length: 99999999999");
    private static final List<String> HEADER_NAMES = List.of("Last-Event-ID", "Authorization", "Cookie", "Origin",
            "X-Forwarded-For", "Content-Length", "X-Forwarded-Host");
    private static final List<String> BODIES = List.of("{\"user\":\"u1\",\"count\":3}", "{\"user\":\"bob\"}",
            "{\"count\":1e99}", "[]", "{", "null", "{\"n\":1}", "\"\\ud800\"");
    private static final List<String> VERSIONS = List.of("HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0",
            "HTTP/1.x");

    @FuzzTest(maxDuration = Fuzz.DURATION)
    void anyBytesAreAnsweredOrCutOffNeverWithAFaultOfOurs(FuzzedDataProvider data) {
        boolean checked = data.consumeBoolean();
        int split = data.consumeInt(0, 4096);
        byte[] bytes = switch (data.consumeInt(0, 2)) {
            case 0 -> data.consumeRemainingAsBytes();
            case 1 -> requests(data).getBytes(StandardCharsets.UTF_8);
            default -> damaged(data, requests(data).getBytes(StandardCharsets.UTF_8));
        };
        try (EmbeddedGateway g = new EmbeddedGateway(checked ? CHECKED : GatewayConfig.defaults())) {
            int cut = Math.min(split, bytes.length);
            g.a.channel.writeInbound(Unpooled.wrappedBuffer(bytes, 0, cut));
            g.a.channel.runPendingTasks();
            if (g.a.channel.isOpen()) { // else the rest would go to a socket the gateway closed
                g.a.channel.writeInbound(Unpooled.wrappedBuffer(bytes, cut, bytes.length - cut));
                g.a.channel.runPendingTasks();
            }
            g.a.channel.checkException();
            String out = g.a.output();
            for (int status : Fuzz.statuses(out)) {
                assertFalse(Fuzz.isOurFault(status), () -> status + " for " + printable(bytes) + ":\n" + out);
            }
        }
    }

    /** {@code request} with one byte changed, left out or put in. */
    private static byte[] damaged(FuzzedDataProvider data, byte[] r) {
        if (r.length == 0) {
            return r;
        }
        int i = data.consumeInt(0, r.length - 1);
        byte b = data.consumeByte();
        return switch (data.consumeInt(0, 2)) {
            case 0 -> {
                r[i] = b;
                yield r;
            }
            case 1 -> {
                byte[] shorter = new byte[r.length - 1];
                System.arraycopy(r, 0, shorter, 0, i);
                System.arraycopy(r, i + 1, shorter, i, r.length - i - 1);
                yield shorter;
            }
            default -> {
                byte[] longer = new byte[r.length + 1];
                System.arraycopy(r, 0, longer, 0, i);
                longer[i] = b;
                System.arraycopy(r, i, longer, i + 1, r.length - i);
                yield longer;
            }
        };
    }

    /** One or two requests (pipelined) of the protocol's own parts. */
    private static String requests(FuzzedDataProvider data) {
        return data.consumeBoolean() ? request(data) + request(data) : request(data);
    }

    private static String request(FuzzedDataProvider data) {
        StringBuilder r = new StringBuilder(data.pickValue(METHODS)).append(' ').append(data.pickValue(PATHS));
        List<String> params = Fuzz.listOf(data, 5, () -> {
            String value = Fuzz.text(data, 40);
            return data.pickValue(PARAMS) + "=" + (data.consumeBoolean() ? URLEncoder.encode(value, StandardCharsets.UTF_8)
                    : value.replace(' ', '+').replace('#', '%').replace("\r", "").replace("\n", ""));
        });
        r.append(params.isEmpty() ? "" : "?" + String.join("&", params)).append(' ').append(data.pickValue(VERSIONS))
                .append("\r\n");
        for (String h : Fuzz.listOf(data, 6, () -> data.consumeBoolean() ? data.pickValue(HEADERS)
                : data.pickValue(HEADER_NAMES) + ": " + Fuzz.text(data, 30).replace("\r", "").replace("\n", ""))) {
            r.append(h).append("\r\n");
        }
        String body = switch (data.consumeInt(0, 2)) {
            case 0 -> "";
            case 1 -> Fuzz.text(data, 100);
            default -> data.pickValue(BODIES);
        };
        if (data.consumeBoolean()) {
            r.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
        }
        return r.append("\r\n").append(body).toString();
    }

    private static String printable(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.ISO_8859_1);
        return s.length() > 600 ? s.substring(0, 600) + "..." : s;
    }
}
