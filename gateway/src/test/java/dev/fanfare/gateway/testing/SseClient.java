package dev.fanfare.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanfare.gateway.core.Json;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An SSE client on a plain socket, reading the stream as {@code EventSource} does: {@code id:},
 * {@code event:}, {@code data:} fields up to a blank line, comments ignored (counted as
 * heartbeats). A socket rather than an HTTP client so a test controls everything: the request
 * headers, the receive buffer, and when (or whether) the client reads.
 *
 * <p>The cursor goes in the {@code Last-Event-ID} header, as a browser sends it when it reconnects.
 */
public final class SseClient extends CollectingClient {

    /** An {@code event: disconnect}: its data, and how many events had come before it. */
    public record Disconnect(JsonNode data, int eventsBefore) {
    }

    private static final int HEADER_TIMEOUT_MILLIS = 20_000;

    private final int port;
    private final int receiveBufferBytes;
    private final List<Disconnect> disconnects = new ArrayList<>();
    private final Object gate = new Object();
    private Map<String, String> headers = Map.of();
    private int heartbeats;
    private boolean paused;
    private boolean ended;
    private Socket socket;
    private Thread reader;

    public SseClient(int port) {
        this(port, 0);
    }

    /** @param receiveBufferBytes the socket's receive buffer (0: the system's default) */
    public SseClient(int port, int receiveBufferBytes) {
        this.port = port;
        this.receiveBufferBytes = receiveBufferBytes;
    }

    @Override
    public Style style() {
        return Style.SSE;
    }

    @Override
    public void start(List<String> channels, String cursor) {
        open("/sse?" + GatewayHttp.query(channels, null), cursor == null ? Map.of() : Map.of("Last-Event-ID", cursor));
    }

    /**
     * Sends {@code GET pathAndQuery} with these extra headers, reads the response header and, when
     * it is 200, starts reading the stream; any other answer is recorded as an error.
     */
    public void open(String pathAndQuery, Map<String, String> extraHeaders) {
        stop();
        try {
            Socket s = new Socket();
            if (receiveBufferBytes > 0) {
                s.setReceiveBufferSize(receiveBufferBytes);
            }
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            StringBuilder req = new StringBuilder("GET ").append(pathAndQuery).append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(port).append("\r\n")
                    .append("Accept: text/event-stream\r\n");
            extraHeaders.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
            OutputStream out = s.getOutputStream();
            out.write(req.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = new BufferedInputStream(s.getInputStream(), 4096);
            s.setSoTimeout(HEADER_TIMEOUT_MILLIS);
            String status = readLine(in);
            Map<String, String> head = new LinkedHashMap<>();
            for (String line; (line = readLine(in)) != null && !line.isEmpty(); ) {
                int colon = line.indexOf(':');
                head.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            s.setSoTimeout(0); // the stream may be quiet for long: heartbeats come every 15 s by default
            synchronized (this) {
                socket = s;
                headers = head;
                ended = false;
                if (status == null || !status.startsWith("HTTP/1.1 200")) {
                    int length = Integer.parseInt(head.getOrDefault("content-length", "0"));
                    failed("SSE answered " + status + " " + new String(in.readNBytes(length), StandardCharsets.UTF_8));
                    s.close();
                    ended = true;
                    return;
                }
                reader = new Thread(() -> read(s, in), "sse-client-" + port);
                reader.setDaemon(true);
                reader.start();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void read(Socket s, InputStream in) {
        String id = null;
        String type = null;
        StringBuilder data = null;
        try {
            for (String line; (line = readPaced(in)) != null; ) {
                if (line.isEmpty()) {
                    if (data != null) {
                        dispatch(s, type, id, data.toString());
                    }
                    id = null;
                    type = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    synchronized (this) {
                        heartbeats++;
                    }
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1);
                    value = value.startsWith(" ") ? value.substring(1) : value;
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> type = value;
                        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                        case "retry" -> { }
                        default -> record(s, "unknown SSE field: " + line);
                    }
                }
            }
        } catch (IOException e) {
            // the connection is gone: ended below
        } finally {
            synchronized (this) {
                if (socket == s) {
                    ended = true;
                }
            }
        }
    }

    private String readPaced(InputStream in) throws IOException {
        synchronized (gate) {
            while (paused) {
                try {
                    gate.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
        return readLine(in);
    }

    private synchronized void dispatch(Socket s, String type, String id, String data) {
        if (socket != s) {
            return;
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(data);
        } catch (IOException e) {
            failed("SSE data is not JSON: " + data);
            return;
        }
        if (type == null || type.equals("message")) {
            if (!json.path("cursor").asText().equals(id)) {
                failed("SSE id " + id + " differs from the envelope's cursor: " + data);
            }
            received(json);
        } else if (type.equals("gap")) {
            List<String> channels = new ArrayList<>();
            json.path("channels").forEach(c -> channels.add(c.asText()));
            if (!json.path("gap").asBoolean(false) || !json.path("cursor").asText().equals(id)) {
                failed("SSE gap notice malformed: id " + id + ", data " + data);
            }
            receivedGap(id, channels);
        } else if (type.equals("disconnect")) {
            disconnects.add(new Disconnect(json, eventCount()));
        } else {
            failed("SSE event of unknown type " + type + ": " + data);
        }
    }

    private synchronized void record(Socket s, String error) {
        if (socket == s) {
            failed(error);
        }
    }

    /** One line without its end ({@code \n}, {@code \r\n}); null at the end of the stream. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        return null;
    }

    /** The client's port of the current connection (0 when none). */
    public synchronized int localPort() {
        return socket == null ? 0 : socket.getLocalPort();
    }

    /** Stops reading at the next line: the socket's buffers fill and the server's outbound queue grows. */
    public void pause() {
        synchronized (gate) {
            paused = true;
        }
    }

    public void resume() {
        synchronized (gate) {
            paused = false;
            gate.notifyAll();
        }
    }

    @Override
    public void stop() {
        Socket s;
        Thread t;
        synchronized (this) {
            s = socket;
            t = reader;
            socket = null;
            reader = null;
        }
        resume();
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        if (t != null) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** True once the server ended the current stream (or it was refused). */
    public synchronized boolean ended() {
        return ended;
    }

    /** Response headers of the current stream, names lower-cased. */
    public synchronized Map<String, String> headers() {
        return headers;
    }

    /** Each {@code event: disconnect} received. */
    public synchronized List<Disconnect> disconnects() {
        return List.copyOf(disconnects);
    }

    /** How many comment lines (heartbeats) were received. */
    public synchronized int heartbeats() {
        return heartbeats;
    }

    @Override
    protected String details() {
        return ", disconnects=" + disconnects + ", ended=" + ended;
    }
}
