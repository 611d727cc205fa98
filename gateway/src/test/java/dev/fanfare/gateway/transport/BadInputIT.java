package dev.fanfare.gateway.transport;

import static dev.fanfare.gateway.testing.Deliveries.PATIENCE;
import static dev.fanfare.gateway.testing.Refusals.assertError;
import static dev.fanfare.gateway.testing.Refusals.assertErrorMessage;
import static dev.fanfare.gateway.testing.Refusals.assertNoStackTrace;
import static dev.fanfare.gateway.testing.Refusals.closeCodes;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanfare.gateway.GatewayServer;
import dev.fanfare.gateway.testing.Bystander;
import dev.fanfare.gateway.testing.GatewayHttp;
import dev.fanfare.gateway.testing.RawWebSocket;
import dev.fanfare.gateway.testing.WatchedGateway;
import dev.fanfare.gateway.testing.WsClient;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kind of bad input gets a clear error (status or close code, JSON naming the problem, never
 * a stack trace) and harms nothing else: after each test, a subscriber of every stream on the same
 * gateway receives the next event, and nothing the bad input might have slipped in.
 */
@Timeout(120)
class BadInputIT {

    @RegisterExtension
    static final WatchedGateway shared = new WatchedGateway();

    private static GatewayServer gateway;
    private static GatewayHttp http;
    private static Bystander bystander;

    private final List<WsClient> sockets = new ArrayList<>();

    @BeforeAll
    static void start() {
        gateway = shared.gateway();
        http = shared.http();
        bystander = shared.bystander();
    }

    /** The sockets close before the shared gateway's bystander check. */
    @AfterEach
    void closeSockets() {
        sockets.forEach(WsClient::stop);
    }

    private static String channels(int n) {
        StringBuilder q = new StringBuilder();
        for (int i = 0; i < n; i++) {
            q.append(i == 0 ? "" : "&").append("channel=demo/k").append(i);
        }
        return q.toString();
    }

    @Test
    void unknownPathIsNotFound() {
        assertError(http.get("/no/such/path"), 404, "not_found");
        assertError(http.get("/polls?channel=demo/x"), 404, "not_found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/poll", "/longpoll", "/sse"})
    void unknownStreamIsABadChannel(String endpoint) {
        JsonNode error = assertError(http.get(endpoint + "?channel=nosuch/x"), 400, "bad_channel");
        assertTrue(error.get("message").asText().contains("nosuch"), error::toString);
    }

    @Test
    void publishingToAnUnknownStreamIsABadChannel() {
        assertError(http.post("/publish/nosuch/x", "application/json", "{}"), 400, "bad_channel");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ticker", "ticker/", "Ticker/x", "ticker/a%20b", "ticker/%C3%A4", "ticker/a/b", "/x",
            "ticker/%0Aevil"})
    void malformedChannelIsABadChannel(String channel) {
        assertError(http.get("/poll?channel=" + channel), 400, "bad_channel");
        assertError(http.get("/sse?channel=" + channel), 400, "bad_channel");
    }

    @Test
    void overlongKeyIsABadChannel() {
        assertError(http.get("/poll?channel=ticker/" + "k".repeat(129)), 400, "bad_channel");
        assertEquals(200, http.get("/poll?channel=ticker/" + "k".repeat(128)).status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/poll", "/longpoll", "/sse"})
    void malformedCursorIsABadCursor(String endpoint) {
        String good = http.liveCursor(List.of("demo/x"));
        // Damage a character in the middle: the last one may only hold padding bits a decoder ignores.
        int middle = good.length() / 2;
        String damaged = good.substring(0, middle) + (good.charAt(middle) == 'A' ? 'B' : 'A') + good.substring(middle + 1);
        List<String> bad = List.of("not-a-cursor", "%21%21%21", "AAAA", damaged, good.substring(0, middle), good + "AAAA");
        for (String cursor : bad) {
            assertError(http.get(endpoint + "?channel=demo/x&cursor=" + cursor), 400, "bad_cursor");
        }
    }

    @Test
    void moreThan32ChannelsIsTooMany() {
        assertError(http.get("/poll?" + channels(33)), 400, "too_many_channels");
        assertError(http.get("/sse?" + channels(33)), 400, "too_many_channels");
        assertEquals(200, http.get("/poll?" + channels(32)).status());
    }

    @Test
    void missingChannelAndBadParametersAreNamed() {
        assertError(http.get("/poll"), 400, "missing_channel");
        assertError(http.get("/sse?cursor=x"), 400, "missing_channel");
        assertError(http.get("/poll?channel=demo/x&limit=lots"), 400, "bad_parameter");
        assertError(http.get("/poll?channel=demo/x&limit=0"), 400, "bad_parameter");
        assertError(http.get("/longpoll?channel=demo/x&timeout=-1"), 400, "bad_parameter");
    }

    @Test
    void publishWithoutBodyIsMissingBody() {
        assertError(http.post("/publish/claps/post-1", "application/json", ""), 400, "missing_body");
    }

    @Test
    void publishToAWildcardIsABadChannel() {
        assertError(http.post("/publish/claps/*", "application/json", "{\"n\":1}"), 400, "bad_channel");
    }

    @Test
    void publishOfBrokenJsonIsRefused() {
        assertError(http.post("/publish/claps/post-1", "application/json", "{\"n\":"), 400, "bad_json");
    }

    @Test
    void bodyOverTheLimitIsTooLarge() {
        byte[] body = ("{\"pad\":\"" + "x".repeat(70_000) + "\"}").getBytes(StandardCharsets.US_ASCII);
        byte[] head = ("POST /publish/claps/big HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = ByteBuffer.allocate(head.length + body.length).put(head).put(body).array();

        assertError(http.raw(request), 413, "too_large");
    }

    @Test
    void uriOverTheLimitIsTooLong() {
        assertError(http.get("/poll?channel=demo/" + "x".repeat(5000)), 414, "uri_too_long");
    }

    @Test
    void headersOverTheLimitAreTooLarge() {
        assertError(http.send(HttpRequest.newBuilder(http.uri("/poll?channel=demo/x")).header("X-Big", "y".repeat(9000))),
                431, "headers_too_large");
    }

    @Test
    void wrongMethodIsNotAllowed() {
        assertError(http.post("/poll?channel=demo/x", "application/json", "{}"), 405, "method_not_allowed");
        assertError(http.get("/publish/claps/post-1"), 405, "method_not_allowed");
        assertError(http.send(HttpRequest.newBuilder(http.uri("/sse?channel=demo/x")).DELETE()), 405, "method_not_allowed");
    }

    @Test
    void plainGetOfTheWebSocketPathIsABadRequest() {
        assertError(http.get("/ws"), 400, "bad_request");
    }

    private WsClient socket(String query) {
        WsClient ws = new WsClient(gateway.port());
        sockets.add(ws);
        ws.connect(query);
        return ws;
    }

    /** Waits for the next error message and checks its code, its id echo and that it carries no stack trace. */
    private static JsonNode awaitErrorMessage(WsClient ws, int index, String code, String id) {
        await().atMost(PATIENCE).until(() -> ws.messages().size() > index);
        return assertErrorMessage(ws.messages().get(index), code, id);
    }

    /** The socket still works: it subscribes and receives an event. */
    private static void assertUsable(WsClient ws) {
        bystander.assertUsable(ws);
    }

    @Test
    void webSocketMalformedJsonIsAnErrorMessageAndTheSocketStaysUsable() {
        WsClient ws = socket("");
        ws.send("{\"type\": \"subscribe\", ");
        awaitErrorMessage(ws, 0, "bad_json", null);
        ws.send("[1, 2]");
        awaitErrorMessage(ws, 1, "bad_message", null);

        assertUsable(ws);
    }

    @Test
    void webSocketUnknownTypeIsAnErrorMessage() {
        WsClient ws = socket("");
        ws.send("{\"type\":\"dance\",\"id\":\"7\"}");
        JsonNode error = awaitErrorMessage(ws, 0, "bad_message", "7");
        assertTrue(error.path("message").asText().contains("dance"), error::toString);

        assertUsable(ws);
    }

    @Test
    void webSocketBinaryFrameIsAnErrorMessage() {
        WsClient ws = socket("");
        sendBinary(ws);
        awaitErrorMessage(ws, 0, "bad_message", null);

        assertUsable(ws);
    }

    private static void sendBinary(WsClient ws) {
        ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    }

    @Test
    void webSocketBadSubscribeMessagesAreErrorMessages() {
        WsClient ws = socket("");
        ws.send("{\"type\":\"subscribe\",\"channels\":[\"nosuch/x\"],\"id\":\"a\"}");
        awaitErrorMessage(ws, 0, "bad_channel", "a");
        ws.send("{\"type\":\"subscribe\",\"id\":\"b\"}");
        awaitErrorMessage(ws, 1, "missing_channel", "b");
        ws.send("{\"type\":\"subscribe\",\"channels\":[\"demo/x\"],\"cursor\":\"garbage\",\"id\":\"c\"}");
        awaitErrorMessage(ws, 2, "bad_cursor", "c");
        ws.send("{\"type\":\"subscribe\",\"channels\":[7],\"id\":\"d\"}");
        awaitErrorMessage(ws, 3, "bad_channel", "d");
        StringBuilder many = new StringBuilder("{\"type\":\"subscribe\",\"id\":\"e\",\"channels\":[");
        for (int i = 0; i < 33; i++) {
            many.append(i == 0 ? "" : ",").append("\"demo/k").append(i).append('"');
        }
        ws.send(many.append("]}").toString());
        awaitErrorMessage(ws, 4, "too_many_channels", "e");
        ws.send("{\"type\":\"publish\",\"channel\":\"claps/*\",\"data\":{},\"id\":\"f\"}");
        awaitErrorMessage(ws, 5, "bad_channel", "f");
        ws.send("{\"type\":\"publish\",\"channel\":\"claps/x\",\"id\":\"g\"}");
        awaitErrorMessage(ws, 6, "missing_body", "g");

        assertUsable(ws);
    }

    @Test
    void webSocketMessageOverTheLimitClosesWith1009() {
        WsClient ws = socket("");
        // The JDK client sends a message this long as several frames: the limit is on the message.
        ws.send("{\"type\":\"publish\",\"channel\":\"claps/big\",\"data\":\"" + "x".repeat(70_000) + "\"}");

        WsClient.Close close = ws.closed().orTimeout(PATIENCE.toSeconds(), TimeUnit.SECONDS).join();
        assertEquals(1009, close.code(), close::toString);
        assertNoStackTrace(close.reason());
    }

    @Test
    void webSocketFrameOverTheLimitClosesWith1009EvenWhileTheClientIsStillSendingIt() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(gateway.port(), "/ws", 0)) {
            // One frame of 4 MiB, refused at its header, while the rest is still on its way: the close
            // frame must reach the client rather than a reset.
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                try {
                    ws.sendText("{\"type\":\"publish\",\"channel\":\"claps/big\",\"data\":\"" + "x".repeat(4 << 20) + "\"}");
                } catch (UncheckedIOException refused) {
                    // the server may close before taking it all
                }
            });

            assertEquals(List.of(1009), closeCodes(ws));
            sending.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void webSocketTextThatIsNotUtf8ClosesWith1007() {
        try (RawWebSocket ws = RawWebSocket.connect(gateway.port(), "/ws", 0)) {
            ws.sendFrame(RawWebSocket.Frame.TEXT, new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});

            assertEquals(List.of(1007), closeCodes(ws));
        }
    }

    @Test
    void webSocketBadChannelInTheUrlClosesWith1008AndAReason() {
        WsClient ws = socket("channel=nosuch/x");

        WsClient.Close close = ws.closed().orTimeout(PATIENCE.toSeconds(), TimeUnit.SECONDS).join();
        assertEquals(1008, close.code(), close::toString);
        assertTrue(close.reason().contains("nosuch"), close::toString);
        assertNoStackTrace(close.reason());
    }

    @Test
    void webSocketBadCursorInTheUrlClosesWith1008AndAReason() {
        WsClient ws = socket("channel=demo/x&cursor=garbage");

        WsClient.Close close = ws.closed().orTimeout(PATIENCE.toSeconds(), TimeUnit.SECONDS).join();
        assertEquals(1008, close.code(), close::toString);
        assertTrue(close.reason().contains("cursor"), close::toString);
    }
}
