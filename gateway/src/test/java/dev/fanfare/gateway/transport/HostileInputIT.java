package dev.fanfare.gateway.transport;

import static dev.fanfare.gateway.testing.Deliveries.PATIENCE;
import static dev.fanfare.gateway.testing.Refusals.assertError;
import static dev.fanfare.gateway.testing.Refusals.assertErrorMessage;
import static dev.fanfare.gateway.testing.Refusals.closeCodes;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanfare.gateway.GatewayServer;
import dev.fanfare.gateway.config.GatewayConfig;
import dev.fanfare.gateway.core.Cursors;
import dev.fanfare.gateway.core.Json;
import dev.fanfare.gateway.testing.GatewayHttp;
import dev.fanfare.gateway.testing.Opened;
import dev.fanfare.gateway.testing.GatewayHttp.Answer;
import dev.fanfare.gateway.testing.GatewayHttp.Published;
import dev.fanfare.gateway.testing.RawHttp;
import dev.fanfare.gateway.testing.RawWebSocket;
import dev.fanfare.gateway.testing.SseClient;
import dev.fanfare.gateway.testing.TestGateway;
import dev.fanfare.gateway.testing.WatchedGateway;
import dev.fanfare.gateway.testing.TestKafka;
import dev.fanfare.gateway.testing.WsClient;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Input written to hurt: bytes that are not UTF-8, floods, connections past the limit, smuggling
 * attempts, pipelining, slow heads, forged cursors, requests that are not quite HTTP/1.1. Each
 * gets a clear answer (a JSON error, a close code) or is cut off, and harms nothing else: after
 * each test, a subscriber of every stream of the shared gateway receives exactly the next canary
 * and the events the test published on purpose. Real sockets against real gateways; tests that
 * need a special configuration start their own gateway.
 */
@Timeout(180)
class HostileInputIT {

    private static final byte[] OVERLONG = {(byte) 0xC0, (byte) 0xAF};
    private static final byte[] SURROGATE = {(byte) 0xED, (byte) 0xA0, (byte) 0x80};
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final long MIB = 1 << 20;

    @RegisterExtension
    static final WatchedGateway shared = new WatchedGateway();

    /** What a test opened (gateways, connections, clients), closed after it, newest first, before the bystander check. */
    @RegisterExtension
    final Opened opened = new Opened();

    private <T extends AutoCloseable> T opened(T c) {
        return opened.add(c);
    }

    /** A gateway of its own, closed after the test. */
    private GatewayServer ownGateway(GatewayConfig config) {
        return opened(GatewayServer.start(config));
    }

    private WsClient webSocket(int port) {
        WsClient ws = new WsClient(port);
        opened.add(ws::stop);
        return ws;
    }

    // 1. Publishes that are not UTF-8; a BOM; a record that is not UTF-8 from another producer.

    static Stream<Arguments> notUtf8() {
        List<Arguments> out = new ArrayList<>();
        for (String type : List.of("application/json", "text/plain")) {
            out.add(Arguments.of("overlong C0 AF", type, inString(OVERLONG)));
            out.add(Arguments.of("surrogate ED A0 80", type, inString(SURROGATE)));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("notUtf8")
    void publishThatIsNotUtf8IsBadEncodingAndStoresNothing(String what, String contentType, byte[] body) {
        String before = shared.http().liveCursor(List.of("demo/x"));

        assertError(RawHttp.once(shared.gateway().port(), RawHttp.request("POST", "/publish/demo/x", contentType, body)),
                400, "bad_encoding");
        assertEquals(List.of(), storedSince("demo/x", before));
    }

    @Test
    void byteOrderMarkIsDroppedAndTheEventIsPlainJson() {
        WsClient ws = subscriberOfDemo();
        String before = shared.http().liveCursor(List.of("demo/bom"));

        Answer a = RawHttp.once(shared.gateway().port(),
                RawHttp.request("POST", "/publish/demo/bom", "application/json", concat(BOM, ascii("{\"a\":1}"))));
        assertEquals(202, a.status(), a::body);
        JsonNode data = json("{\"a\":1}");
        shared.expect(new Published("demo/bom", a.json().path("cursor").asText(), data, 0, 0));

        assertEquals(data, awaitEvent(ws, "demo/bom").get("data"));
        assertStillOpen(ws);
        assertEquals(List.of(data), polledData("demo/bom", before));
    }

    @Test
    void recordThatIsNotUtf8FromAnotherProducerReachesSubscribersAsAString() throws Exception {
        WsClient ws = subscriberOfDemo();
        String before = shared.http().liveCursor(List.of("demo/raw"));

        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(shared.gateway().config().kafka().topic("demo"), "raw", inString(OVERLONG)))
                    .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }
        JsonNode event = awaitEvent(ws, "demo/raw");
        JsonNode data = event.get("data");
        shared.expect(new Published("demo/raw", event.path("cursor").asText(), data, 0, 0));

        assertTrue(data.isTextual() && data.asText().contains("\uFFFD"), event::toString);
        assertStillOpen(ws);
        assertEquals(List.of(data), polledData("demo/raw", before));
    }

    private WsClient subscriberOfDemo() {
        WsClient ws = webSocket(shared.gateway().port());
        ws.start(List.of("demo/*"), shared.http().liveCursor(List.of("demo/*")));
        return ws;
    }

    /** The first event of {@code channel} the client received; fails early if it closes. */
    private static JsonNode awaitEvent(WsClient ws, String channel) {
        await().atMost(PATIENCE).failFast("the WebSocket closed", () -> ws.closed().isDone())
                .until(() -> ws.events().stream().anyMatch(e -> channel.equals(e.path("channel").asText())));
        return ws.events().stream().filter(e -> channel.equals(e.path("channel").asText())).findFirst().orElseThrow();
    }

    /** Open and answering: a subscribe is acked. */
    private static void assertStillOpen(WsClient ws) {
        assertFalse(ws.closed().isDone(), ws::toString);
        assertEquals("ack", ws.request(subscribe("demo/x")).path("type").asText(), ws::toString);
        assertEquals(List.of(), ws.errors());
    }

    /** The data of the events after {@code cursor}, by a poll on a raw socket (its body must be UTF-8, and JSON). */
    private List<JsonNode> polledData(String channel, String cursor) {
        Answer poll = RawHttp.once(shared.gateway().port(), RawHttp.get("/poll?" + GatewayHttp.query(List.of(channel), cursor)));
        assertEquals(200, poll.status(), poll::body);
        return dataOf(poll.json().path("events"));
    }

    // 2. Ping flood.

    @Test
    void pingFloodDoesNotGrowTheGatewaysMemory() throws Exception {
        Duration flood = Duration.ofSeconds(10);
        Duration blocked = Duration.ofSeconds(2);
        long allowed = 32 * MIB;
        long giveUp = 128 * MIB; // far past the limit already: stop before the shared JVM runs out of memory
        int connectionsBefore = shared.http().openConnections();
        long memoryBefore = directMemory();
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (int i = 0; i < 64; i++) {
            frames.writeBytes(RawWebSocket.frame(RawWebSocket.Frame.PING, new byte[125]));
        }
        byte[] burst = frames.toByteArray();
        AtomicLong sent = new AtomicLong();
        AtomicLong writingSince = new AtomicLong(Long.MIN_VALUE);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean ended = new AtomicBoolean();
        AtomicLong peak = new AtomicLong(memoryBefore);
        RawWebSocket ws = opened(RawWebSocket.connect(shared.gateway().port(), "/ws", 0));
        // The test JVM tracks every buffer (paranoid leak detection: a stack trace each), which slows the
        // gateway so much that a flood stalls before memory grows; production samples (simple).
        ResourceLeakDetector.Level tracking = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        boolean writeBlocked;
        try {
            long deadline = System.nanoTime() + flood.toNanos();
            Thread writer = daemon("ping-flood", () -> {
                try {
                    while (System.nanoTime() < deadline && !stop.get()) {
                        writingSince.set(System.nanoTime());
                        ws.sendBytes(burst); // never reads: every pong stays unread
                        writingSince.set(Long.MIN_VALUE);
                        sent.addAndGet(burst.length);
                    }
                } catch (UncheckedIOException closed) {
                    // closed under a blocked write, or by the server
                } finally {
                    ended.set(true);
                }
            });
            await().atMost(flood.plus(blocked).plusSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
                peak.accumulateAndGet(directMemory(), Math::max);
                return ended.get() || writeBlocked(writingSince.get(), blocked) || peak.get() - memoryBefore > giveUp;
            });
            writeBlocked = writeBlocked(writingSince.get(), blocked);
            stop.set(true);
            ws.close(); // a blocked write fails now
            writer.join(PATIENCE.toMillis());
        } finally {
            ResourceLeakDetector.setLevel(tracking);
        }

        assertAll(
                () -> await().atMost(PATIENCE).untilAsserted(() -> {
                    peak.accumulateAndGet(directMemory(), Math::max); // what the gateway still reads after the flood
                    assertTrue(shared.http().openConnections() <= connectionsBefore, "connections still open after the flooding client closed");
                }),
                () -> {
                    long grown = peak.get() - memoryBefore;
                    System.out.printf("ping flood: %,d bytes of pings sent (%,d frames); gateway direct memory %+.1f MiB at"
                                    + " the peak; the client's writes %s%n", sent.get(), sent.get() / (burst.length / 64),
                            grown / (double) MIB, writeBlocked ? "blocked (the gateway stopped reading)" : "never blocked");
                    assertTrue(grown <= allowed, String.format("the gateway's direct memory grew by %.1f MiB (at most %d MiB"
                            + " expected) while a client sent %,d bytes of pings and read nothing", grown / (double) MIB,
                            allowed / MIB, sent.get()));
                });
    }

    private static boolean writeBlocked(long since, Duration blocked) {
        return since != Long.MIN_VALUE && System.nanoTime() - since > blocked.toNanos();
    }

    /** Direct memory in use by the allocators a gateway uses: the pooled one (events) and the channels' default. */
    private static long directMemory() {
        long used = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
        if (ByteBufAllocator.DEFAULT != PooledByteBufAllocator.DEFAULT
                && ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider channels) {
            used += channels.metric().usedDirectMemory();
        }
        return used;
    }

    // 3. Connections at the limit.

    @Test
    void connectionsPastTheLimitAreRefusedWith503Or1013ButHealthAndOpenConnectionsAreServed() {
        GatewayServer g = ownGateway(TestGateway.config().withServer(s -> s.withMaxConnections(20)));
        String poll = RawHttp.get("/poll?channel=demo/x");
        List<RawHttp> held = new ArrayList<>();
        for (int i = 0; i < 18; i++) {
            held.add(opened(RawHttp.connect(g.port()))); // silent
        }
        // Served last, so the gateway has accepted every connection before them (accepts go in order).
        RawHttp keepAliveA = opened(RawHttp.connect(g.port()));
        RawHttp keepAliveB = opened(RawHttp.connect(g.port()));
        held.add(keepAliveA);
        held.add(keepAliveB);
        assertEquals(200, keepAliveA.exchange(poll).status());
        assertEquals(200, keepAliveB.exchange(poll).status());

        assertAll(
                () -> {
                    try (RawHttp next = RawHttp.connect(g.port())) {
                        Answer refused = next.exchange(poll);
                        assertEquals("5", refused.headers().get("retry-after"), refused.headers()::toString);
                        JsonNode error = assertError(refused, 503, "unavailable");
                        String message = error.get("message").asText().toLowerCase(Locale.ROOT);
                        assertTrue(message.contains("connection") && (message.contains("limit") || message.contains("20")),
                                () -> "the message should name the connection limit: " + error);
                        next.awaitEnd(PATIENCE);
                    }
                },
                () -> assertClosedWith1013(g.port()),
                () -> {
                    try (RawHttp health = RawHttp.connect(g.port())) {
                        Answer a = health.exchange(RawHttp.get("/health"));
                        assertTrue(a.status() == 200 || a.status() == 503, a::toString);
                        assertTrue(a.json().has("connections"), a::body);
                    }
                },
                () -> assertEquals(200, keepAliveA.exchange(poll).status(), "a connection opened before the limit"),
                () -> assertEquals(200, keepAliveB.exchange(poll).status(), "a connection opened before the limit"));

        held.forEach(RawHttp::close);
        await().atMost(PATIENCE).untilAsserted(() -> assertEquals(200, RawHttp.once(g.port(), poll).status()));
    }

    /** A WebSocket past a connection limit: the handshake completes, then a close frame 1013 with the reason. */
    static void assertClosedWith1013(int port) {
        try (RawWebSocket ws = RawWebSocket.connect(port, "/ws?channel=demo/x", 0)) {
            RawWebSocket.Frame close = ws.readFrame();
            assertEquals(RawWebSocket.Frame.CLOSE, close.opcode(), close::text);
            assertEquals(1013, close.closeCode(), close::text);
            String reason = new String(close.payload(), 2, close.payload().length - 2, US_ASCII);
            assertTrue(reason.startsWith("connections: ") && reason.contains("retry later"), reason);
        }
    }

    // 4 and 13. Expect: 100-continue with a body over the limit; an expectation the gateway cannot meet.

    @Test
    void expectContinueWithAnOversizeBodyIsOne413AndNothingIsSmuggled() {
        String before = shared.http().liveCursor(List.of("demo/smuggled"));
        String smuggled = "POST /publish/demo/smuggled HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 7\r\n\r\n{\"s\":1}";
        String head = "POST /publish/demo/smuggle HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Expect: 100-continue\r\nContent-Length: 100000\r\n\r\n";

        try (RawHttp c = RawHttp.connect(shared.gateway().port())) {
            c.writeInBackground(concat(ascii(head), ascii(smuggled + " ".repeat(100_000 - smuggled.length()))));
            assertError(c.read(), 413, "too_large");
            c.awaitEnd(PATIENCE); // no second answer: the body was never read as a request
        }
        assertEquals(List.of(), storedSince("demo/smuggled", before));
    }

    @Test
    void aClientThatSendsItsWholeOversizeBodyBeforeReadingGetsThe413AndACleanEnd() throws Exception {
        byte[] body = ascii("{\"pad\":\"" + "x".repeat(600_000) + "\"}");
        byte[] head = ascii("POST /publish/demo/big HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n");
        try (RawHttp c = RawHttp.connect(shared.gateway().port())) {
            // As Python's http.client and many SDKs do: the whole body first, then read.
            c.writeInBackground(concat(head, body)).get(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertError(c.read(), 413, "too_large");
            assertEquals(RawHttp.Ending.EOF, c.awaitEnd(PATIENCE), "the connection ends with a FIN, not a reset");
        }
    }

    @Test
    void anExpectationOtherThanContinueIs417WithAReason() {
        String before = shared.http().liveCursor(List.of("demo/expect"));
        String request = "POST /publish/demo/expect HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Expect: something-else\r\nContent-Length: 7\r\n\r\n{\"e\":1}";

        assertError(RawHttp.once(shared.gateway().port(), request), 417, "expectation_failed");
        assertEquals(List.of(), storedSince("demo/expect", before));
    }

    // 5. Pipelining.

    @Test
    void pipelinedPublishesAreEachAnsweredOnceInOrderAndStoredAsAnswered() {
        int n = 140;
        String before = shared.http().liveCursor(List.of("demo/pipe"));
        ByteArrayOutputStream requests = new ByteArrayOutputStream();
        for (int i = 1; i <= n; i++) {
            requests.writeBytes(RawHttp.request("POST", "/publish/demo/pipe", "application/json", ascii("{\"i\":" + i + "}")));
        }
        List<Integer> accepted = new ArrayList<>();
        try (RawHttp c = RawHttp.connect(shared.gateway().port())) {
            c.write(requests.toByteArray());
            for (int i = 1; i <= n; i++) {
                Answer a = c.read();
                if (a.status() == 202) {
                    accepted.add(i);
                    shared.expect(new Published("demo/pipe", a.json().path("cursor").asText(), json("{\"i\":" + i + "}"), 0, 0));
                    assertEquals("demo/pipe", a.json().path("channel").asText(), a::body);
                    assertFalse(a.json().path("cursor").asText().isEmpty(), a::body);
                } else {
                    assertError(a, 503, "unavailable");
                }
            }
        }
        System.out.printf("pipelining: %d of %d publishes accepted%n", accepted.size(), n);

        List<Integer> stored = storedSince("demo/pipe", before).stream().map(e -> e.path("data").path("i").asInt()).toList();
        assertEquals(accepted, stored, "the events stored are exactly those answered 202, in order");
    }

    // 6. Bad percent-encoding.

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "GET,  /poll?channel=%zz, bad_request",
        "GET,  /%zz,              bad_request",
        "POST, /claps/%zz,        bad_parameter",
    })
    void badPercentEncodingIsAnsweredWithAReason(String method, String path, String code) {
        byte[] body = method.equals("POST") ? ascii("{\"user\":\"u1\"}") : new byte[0];
        String type = method.equals("POST") ? "application/json" : null;

        assertError(RawHttp.once(shared.gateway().port(), RawHttp.request(method, path, type, body)), 400, code);
    }

    // 7. Slow request heads, idle keep-alive connections, and streams, which neither timeout concerns.

    private static GatewayConfig shortHttpTimeouts() {
        return TestGateway.config().withHttp(h -> h.withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3)));
    }

    @Test
    void slowRequestHeadIsCutOffWhileOthersAreServed() {
        GatewayServer g = ownGateway(shortHttpTimeouts());
        byte[] head = ascii("GET /poll?channel=demo/x HTTP/1.1\r\nHost: x\r\nX-Slow: ");
        RawHttp slow = opened(RawHttp.connect(g.port()));
        Thread sender = daemon("slow-head", () -> {
            try {
                for (int i = 0; ; i++) { // a header line that never ends: the head is never complete
                    slow.write(new byte[] {i < head.length ? head[i] : (byte) 'a'});
                    Thread.sleep(300);
                }
            } catch (UncheckedIOException | InterruptedException closed) {
                // the server closed the connection, or the test is over
            }
        });
        try {
            assertEquals(200, new GatewayHttp(g.port()).get("/poll?channel=demo/x").status(), "a normal client meanwhile");
            assertClosedByTheServer(slow);
        } finally {
            sender.interrupt();
        }
    }

    @Test
    void idleKeepAliveConnectionIsClosed() {
        GatewayServer g = ownGateway(shortHttpTimeouts());
        RawHttp c = opened(RawHttp.connect(g.port()));

        assertEquals(200, c.exchange(RawHttp.get("/poll?channel=demo/x")).status());
        assertClosedByTheServer(c);
    }

    /** The server closes the connection within 20 s, at most after a 408 {@code request_timeout} answer. */
    private static void assertClosedByTheServer(RawHttp c) {
        RawHttp.End end = c.readToEnd(Duration.ofSeconds(20));
        if (end.before().length > 0) {
            assertError(GatewayHttp.parse(end.before()), 408, "request_timeout");
        }
    }

    @Test
    void streamsOutliveTheHttpTimeouts() {
        GatewayServer g = ownGateway(shortHttpTimeouts());
        GatewayHttp h = new GatewayHttp(g.port());
        SseClient sse = new SseClient(g.port());
        opened.add(sse::stop);
        sse.start(List.of("demo/*"), h.liveCursor(List.of("demo/*")));
        WsClient ws = webSocket(g.port());
        ws.connect("");

        await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(12)).untilAsserted(() -> {
            assertFalse(sse.ended(), () -> "the SSE stream was closed: " + sse);
            assertFalse(ws.closed().isDone(), () -> "the WebSocket was closed: " + ws);
        });
        Published late = h.publish("demo/late", "{\"late\":1}");
        await().atMost(PATIENCE).untilAsserted(() -> assertTrue(
                sse.events().stream().anyMatch(e -> e.path("data").equals(late.data())), sse::toString));
        assertEquals("ack", ws.request(subscribe("demo/late")).path("type").asText(), ws::toString);
    }

    // 9. A close frame with a code no endpoint may send.

    @Test
    void closeCode5000IsAProtocolError() {
        try (RawWebSocket ws = RawWebSocket.connect(shared.gateway().port(), "/ws", 0)) {
            ws.sendFrame(RawWebSocket.Frame.CLOSE, new byte[] {(byte) (5000 >> 8), (byte) (5000 & 0xff)});

            assertEquals(List.of(1002), closeCodes(ws));
        }
    }

    // 10. Wrong JSON types in WebSocket messages.

    @Test
    void webSocketFieldsOfTheWrongTypeAreBadParameters() {
        WsClient ws = webSocket(shared.gateway().port());
        ws.connect("");
        ObjectNode objectCursor = subscribe("demo/x");
        objectCursor.putObject("cursor");
        List<ObjectNode> bad = List.of(objectCursor, like().put("like", "no"), like().put("like", 0));

        for (ObjectNode m : bad) {
            JsonNode answer = ws.request(m);
            assertErrorMessage(answer, "bad_parameter", m.path("id").asText());
        }
        shared.bystander().assertUsable(ws);
    }

    private static ObjectNode like() {
        return Json.MAPPER.createObjectNode().put("type", "like").put("post", "hostile-post").put("user", "u1");
    }

    // 11. A forged cursor: valid CRC, positions beyond anything Kafka holds.

    @ParameterizedTest
    @ValueSource(strings = {"/poll?", "/longpoll?timeout=1&", "/sse?"})
    void forgedCursorIsABadCursor(String endpoint) {
        String query = GatewayHttp.query(List.of("demo/forged"), forgedCursor());

        assertError(RawHttp.once(shared.gateway().port(), RawHttp.get(endpoint + query)), 400, "bad_cursor");
    }

    @Test
    void forgedCursorInTheWebSocketUrlClosesWith1008() {
        WsClient ws = webSocket(shared.gateway().port());
        ws.connect(GatewayHttp.query(List.of("demo/forged"), forgedCursor()));

        WsClient.Close close = awaitClose(ws);
        assertEquals(1008, close.code(), close::toString);
        assertTrue(close.reason().contains("cursor"), close::toString);
    }

    /** A live cursor of the shared gateway with every known position moved a million records ahead. */
    private static String forgedCursor() {
        Cursors cursors = shared.gateway().hub().cursors();
        long[] positions = cursors.decode(shared.http().liveCursor(List.of("demo/forged")));
        int moved = 0;
        for (int i = 0; i < positions.length; i++) {
            if (positions[i] >= 0) {
                positions[i] += 1_000_000;
                moved++;
            }
        }
        assertTrue(moved > 0, "a live cursor knows positions");
        return cursors.encode(positions, cursors.all());
    }

    private static WsClient.Close awaitClose(WsClient ws) {
        try {
            return ws.closed().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the WebSocket is still open after " + PATIENCE.toSeconds() + " s: " + ws);
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    // 12. Host and version.

    @Test
    void hostIsRequiredOnceAndTheVersionMustBeHttp1() {
        int port = shared.gateway().port();
        assertAll(
                () -> assertError(RawHttp.once(port, "GET /poll?channel=demo/x HTTP/1.1\r\n\r\n"), 400, "bad_request"),
                () -> assertError(RawHttp.once(port, "GET /poll?channel=demo/x HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Host: elsewhere.example\r\n\r\n"), 400, "bad_request"),
                () -> assertError(RawHttp.once(port, "GET /health HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n"), 505,
                        "http_version_not_supported"),
                () -> assertEquals(200, RawHttp.once(port, "GET /poll?channel=demo/x HTTP/1.0\r\n\r\n").status(),
                        "HTTP/1.0 needs no Host"));
    }

    // 14. Claps and likes need a JSON body.

    @Test
    void countersRefuseBodiesThatAreNotJsonAndCountNothing() {
        // Its own gateway: the totals its counts stream would reach the shared shared.bystander().
        GatewayServer g = ownGateway(TestGateway.config());
        GatewayHttp h = new GatewayHttp(g.port());
        String post = "typed-post";
        String clap = "/claps/" + post;
        String likes = "/likes/" + post;

        List<Executable> refusals = new ArrayList<>();
        for (String type : Arrays.asList("text/plain", null)) {
            refusals.add(() -> assertError(counter(h, "POST", clap, type, "{\"user\":\"u1\",\"count\":5}"), 415,
                    "unsupported_media_type"));
            refusals.add(() -> assertError(counter(h, "PUT", likes, type, "{\"user\":\"u1\"}"), 415, "unsupported_media_type"));
            refusals.add(() -> assertError(counter(h, "DELETE", likes, type, "{\"user\":\"u1\"}"), 415, "unsupported_media_type"));
        }
        assertAll("claps and likes as text/plain, then without Content-Type", refusals.stream());
        String json = "application/json; charset=utf-8";
        Answer own = counter(h, "POST", clap, json, "{\"user\":\"u1\",\"count\":1}");
        assertEquals(202, own.status(), own::body);
        assertEquals(1, own.json().path("userClaps").asInt(), () -> "only this clap counts for u1: " + own.body());
        Answer liked = counter(h, "PUT", likes, json, "{\"user\":\"u2\"}");
        assertEquals(202, liked.status(), liked::body);
        assertEquals(202, counter(h, "POST", clap, json, "{\"user\":\"u2\",\"count\":2}").status());

        // Totals include every action logged before the last clap: only u2's like may count.
        await().atMost(PATIENCE).untilAsserted(() -> assertEquals(3, totals(h, post).path("claps").asInt()));
        assertEquals(1, totals(h, post).path("likes").asInt(), () -> "likes of " + post + ": " + totals(h, post));
    }

    private static Answer counter(GatewayHttp h, String method, String path, String contentType, String body) {
        HttpRequest.Builder r = HttpRequest.newBuilder(h.uri(path)).method(method, HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            r.header("Content-Type", contentType);
        }
        return h.send(r);
    }

    /** The post's totals, as the snapshot of its claps channel. */
    private static JsonNode totals(GatewayHttp h, String post) {
        JsonNode events = h.poll(List.of("claps/" + post), null).path("events");
        return events.isEmpty() ? Json.MAPPER.createObjectNode() : events.get(events.size() - 1).path("data");
    }

    // Helpers.

    /**
     * The events stored on {@code channel} after {@code cursor}: publishes a sentinel there, waits
     * until the gateway has read it back from Kafka, and returns what came before it.
     */
    private List<JsonNode> storedSince(String channel, String cursor) {
        Published sentinel = shared.http().publish(channel, "{\"sentinel\":" + shared.bystander().next() + "}");
        shared.expect(sentinel);
        TestGateway.awaitIngested(shared.gateway(), sentinel.cursor());
        Answer a = shared.http().get("/poll?" + GatewayHttp.query(List.of(channel), cursor) + "&limit=1000");
        assertEquals(200, a.status(), a::body);
        List<JsonNode> events = new ArrayList<>();
        a.json().path("events").forEach(events::add);
        assertFalse(events.isEmpty(), a::body);
        assertEquals(sentinel.data(), events.get(events.size() - 1).path("data"), a::body);
        return events.subList(0, events.size() - 1);
    }

    private static ObjectNode subscribe(String channel) {
        ObjectNode m = Json.MAPPER.createObjectNode().put("type", "subscribe");
        m.putArray("channels").add(channel);
        return m;
    }

    private static List<JsonNode> dataOf(JsonNode events) {
        List<JsonNode> data = new ArrayList<>();
        events.forEach(e -> data.add(e.get("data")));
        return data;
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** {@code {"n":"<bad>"}}: the bytes inside a JSON string. */
    private static byte[] inString(byte[] bad) {
        return concat(ascii("{\"n\":\""), bad, ascii("\"}"));
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
