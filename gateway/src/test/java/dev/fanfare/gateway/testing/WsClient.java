package dev.fanfare.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanfare.gateway.core.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebSocket client on the JDK's {@link WebSocket}: subscribes with a {@code subscribe} message
 * and waits for its ack; sorts what the gateway sends into events, gaps, acks and errors; keeps
 * every message and the close code for tests of the protocol itself.
 */
public final class WsClient extends CollectingClient {

    /** How a connection ended, as the client saw it. */
    public record Close(int code, String reason) {
    }

    private final int port;
    private final AtomicInteger ids = new AtomicInteger();
    private final List<JsonNode> messages = new ArrayList<>();
    private WebSocket socket;
    private Close close;
    private CompletableFuture<Close> closed = new CompletableFuture<>();
    private boolean stopping;

    public WsClient(int port) {
        this.port = port;
    }

    @Override
    public Style style() {
        return Style.WS;
    }

    /** Opens {@code /ws} with this query (may be empty), without subscribing by message. */
    public void connect(String query) {
        stop();
        CompletableFuture<Close> whenClosed = new CompletableFuture<>();
        synchronized (this) {
            stopping = false;
            close = null;
            closed = whenClosed;
        }
        URI uri = URI.create("ws://127.0.0.1:" + port + "/ws" + (query.isEmpty() ? "" : "?" + query));
        WebSocket ws = GatewayHttp.CLIENT.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, new Listener(whenClosed)).join();
        synchronized (this) {
            socket = ws;
        }
    }

    @Override
    public void start(List<String> channels, String cursor) {
        connect("");
        ObjectNode subscribe = Json.MAPPER.createObjectNode().put("type", "subscribe");
        channels.forEach(subscribe.putArray("channels")::add);
        if (cursor != null) {
            subscribe.put("cursor", cursor);
        }
        JsonNode answer = request(subscribe);
        if (!answer.path("type").asText().equals("ack")) {
            failed("subscribe answered " + answer);
        }
    }

    /**
     * Sends {@code message} with a fresh {@code id} and waits for the answer carrying that id
     * (ack or error).
     */
    public JsonNode request(ObjectNode message) {
        String id = "r" + ids.incrementAndGet();
        message.put("id", id);
        send(message.toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        synchronized (this) {
            while (true) {
                for (JsonNode m : messages) {
                    if (id.equals(m.path("id").asText(null))) {
                        return m;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || close != null) {
                    throw new AssertionError("no answer to " + message + " (close: " + close + ", messages: " + messages + ")");
                }
                try {
                    wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted");
                }
            }
        }
    }

    /** Sends one text frame as it is. */
    public void send(String text) {
        WebSocket ws;
        synchronized (this) {
            ws = socket;
        }
        ws.sendText(text, true).join();
    }

    /** Sends one binary frame. */
    public void sendBinary(ByteBuffer data) {
        WebSocket ws;
        synchronized (this) {
            ws = socket;
        }
        ws.sendBinary(data, true).join();
    }

    @Override
    public void stop() {
        WebSocket ws;
        CompletableFuture<Close> whenClosed;
        synchronized (this) {
            ws = socket;
            whenClosed = closed;
            socket = null;
            stopping = true;
        }
        if (ws == null) {
            return;
        }
        try {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
            whenClosed.get(5, TimeUnit.SECONDS);
        } catch (Exception closedAlreadyOrSlow) {
            // abort below either way
        }
        ws.abort();
    }

    /** Completes when the connection closes, with the code and reason the server gave. */
    public synchronized CompletableFuture<Close> closed() {
        return closed;
    }

    /** Every message received, in order (events included, with their {@code "type"}). */
    public synchronized List<JsonNode> messages() {
        return List.copyOf(messages);
    }

    private synchronized void onMessage(CompletableFuture<Close> source, String text) {
        if (closed != source || stopping) {
            return;
        }
        JsonNode m;
        try {
            m = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            failed("WebSocket message is not JSON: " + text);
            return;
        }
        messages.add(m);
        switch (m.path("type").asText()) {
            case "event" -> {
                ObjectNode envelope = m.deepCopy();
                envelope.remove("type");
                received(envelope);
            }
            case "gap" -> {
                List<String> channels = new ArrayList<>();
                m.path("channels").forEach(c -> channels.add(c.asText()));
                receivedGap(m.path("cursor").asText(), channels);
            }
            case "ack" -> {
                if (m.hasNonNull("cursor")) {
                    movedTo(m.path("cursor").asText());
                }
            }
            case "error" -> failed("WebSocket error message: " + text);
            default -> failed("WebSocket message of unknown type: " + text);
        }
        notifyAll();
    }

    private synchronized void onClose(CompletableFuture<Close> source, Close c) {
        if (closed == source) {
            close = c;
            if (!stopping) {
                failed("WebSocket closed by the server: " + c);
            }
            notifyAll();
        }
        source.complete(c);
    }

    private final class Listener implements WebSocket.Listener {
        private final CompletableFuture<Close> source;
        private final StringBuilder partial = new StringBuilder();

        Listener(CompletableFuture<Close> source) {
            this.source = source;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                onMessage(source, text);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            failed("WebSocket binary message");
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            WsClient.this.onClose(source, new Close(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            WsClient.this.onClose(source, new Close(-1, error.toString()));
        }
    }

    @Override
    protected String details() {
        return ", close=" + close;
    }
}
