package dev.fanfare.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.fanfare.gateway.config.GatewayConfig;
import dev.fanfare.gateway.testing.Fuzz;
import dev.fanfare.gateway.testing.LeakGuard;
import dev.fanfare.gateway.testing.TestTokens;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;

/**
 * Raw bytes into the real HTTP pipeline ({@link EmbeddedGateway}), with and without token checks:
 * whatever arrives, nothing is thrown out of the pipeline, no answer is a 5xx of ours, and no
 * buffer leaks. Inputs: random bytes, requests built from the protocol's own parts (every route,
 * its parameters, the headers that matter, bodies), and such requests damaged byte by byte.
 */
class HttpRouterFuzzTest {

    static {
        LeakGuard.install();
    }

    private static final GatewayConfig CHECKED = TestTokens.checked(GatewayConfig.defaults())
            .withAuth(a -> a.withPublicStreams(List.of("ticker")));
    private static final String TOKEN = TestTokens.token("alice", List.of("demo/*", "claps/p"), List.of("demo/*"));

    @AfterProperty
    void noLeaks() {
        Fuzz.assertNoLeaks();
    }

    @Property
    void anyBytesAreAnsweredOrCutOffNeverWithAFaultOfOurs(@ForAll("input") byte[] bytes, @ForAll boolean checked,
                                                           @ForAll("splits") int split) {
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

    @Provide
    Arbitrary<Integer> splits() {
        return Arbitraries.integers().between(0, 4096);
    }

    @Provide
    Arbitrary<byte[]> input() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(512)),
                net.jqwik.api.Tuple.of(5, requests().map(r -> r.getBytes(StandardCharsets.UTF_8))),
                net.jqwik.api.Tuple.of(3, Combinators.combine(requests(), Arbitraries.integers().between(0, 10_000),
                        Arbitraries.bytes(), Arbitraries.of(0, 1, 2)).as(HttpRouterFuzzTest::damaged)));
    }

    private static byte[] damaged(String request, int at, byte b, int how) {
        byte[] r = request.getBytes(StandardCharsets.UTF_8);
        if (r.length == 0) {
            return r;
        }
        int i = at % r.length;
        return switch (how) {
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
    private static Arbitrary<String> requests() {
        return request().list().ofMinSize(1).ofMaxSize(2).map(l -> String.join("", l));
    }

    private static Arbitrary<String> request() {
        Arbitrary<String> method = Arbitraries.of("GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD", "PATCH", "get", "CONNECT");
        Arbitrary<String> path = Arbitraries.of("/poll", "/longpoll", "/sse", "/ws", "/health", "/publish/demo/x",
                "/publish/demo/*", "/publish/", "/claps/p", "/claps/", "/claps/%zz", "/likes/p", "/", "/app.js", "/nope",
                "/publish/ticker/A%2FB", "//poll", "/poll/", "*");
        Arbitrary<String> param = Combinators.combine(Arbitraries.of("channel", "cursor", "access_token", "limit", "timeout",
                "channel", "x"), Fuzz.text(40), Arbitraries.of(true, false)).as((k, v, encode) -> k + "="
                + (encode ? java.net.URLEncoder.encode(v, StandardCharsets.UTF_8) : v.replace(' ', '+').replace('#', '%')
                .replace("\r", "").replace("\n", "")));
        Arbitrary<String> query = param.list().ofMaxSize(5).map(l -> l.isEmpty() ? "" : "?" + String.join("&", l));
        Arbitrary<String> header = Arbitraries.oneOf(
                Arbitraries.of("Host: x", "Host: gw.example", "Host: x\r\nHost: y", "Connection: close",
                        "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13",
                        "Content-Type: application/json", "Content-Type: text/plain", "Transfer-Encoding: chunked",
                        "Expect: 100-continue", "Expect: nonsense", "Accept: text/event-stream",
                        "Authorization: Bearer " + TOKEN, "Authorization: Basic eA==", "Authorization: Bearer ",
                        "Cookie: fanfare_token=" + TOKEN, "Cookie: fanfare_token=", "Origin: https://evil.example",
                        "Origin: http://localhost:3000", "Origin: null", "Access-Control-Request-Method: PUT",
                        "X-Forwarded-For: 1.2.3.4, ::1", "Content-Length: 5", "Content-Length: -1", "Content-Length: 99999999999"),
                Combinators.combine(Arbitraries.of("Last-Event-ID", "Authorization", "Cookie", "Origin", "X-Forwarded-For",
                        "Content-Length", "X-Forwarded-Host"), Fuzz.text(30)).as((k, v) -> k + ": "
                        + v.replace("\r", "").replace("\n", "")));
        Arbitrary<String> body = Arbitraries.oneOf(Arbitraries.just(""), Fuzz.text(100),
                Arbitraries.of("{\"user\":\"u1\",\"count\":3}", "{\"user\":\"bob\"}", "{\"count\":1e99}", "[]", "{", "null",
                        "{\"n\":1}", "\"\\ud800\""));
        Arbitrary<String> version = Arbitraries.of("HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.x");
        return Combinators.combine(method, path, query, version, header.list().ofMaxSize(6), body, Arbitraries.of(true, false))
                .as((m, p, q, v, headers, b, withLength) -> {
                    StringBuilder r = new StringBuilder(m).append(' ').append(p).append(q).append(' ').append(v).append("\r\n");
                    headers.forEach(h -> r.append(h).append("\r\n"));
                    if (withLength) {
                        r.append("Content-Length: ").append(b.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
                    }
                    return r.append("\r\n").append(b).toString();
                });
    }

    private static String printable(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.ISO_8859_1);
        return s.length() > 600 ? s.substring(0, 600) + "..." : s;
    }
}
