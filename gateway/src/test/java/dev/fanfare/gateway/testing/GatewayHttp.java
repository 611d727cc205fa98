package dev.fanfare.gateway.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanfare.gateway.core.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Plain HTTP against a test gateway on 127.0.0.1: publishing, polling, any request, and a raw
 * socket exchange for requests the JDK client would not finish (a body the server refuses midway).
 */
public final class GatewayHttp {

    /** One HTTP/1.1 client for every test: keep-alive connections are pooled per gateway. */
    static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    /** An answer: status, lower-cased headers (first value each) and the body as text. */
    public record Answer(int status, Map<String, String> headers, String body) {
        public JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("body is not JSON: " + body, e);
            }
        }
    }

    /** A published event as the publisher knows it; {@code ts} of its envelope lies in [before, after]. */
    public record Published(String channel, String cursor, JsonNode data, long before, long after) {
    }

    private final int port;

    public GatewayHttp(int port) {
        this.port = port;
    }

    public int port() {
        return port;
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    /** {@code channel=a&channel=b[&cursor=c]}, encoded. */
    public static String query(List<String> channels, String cursor) {
        StringBuilder q = new StringBuilder();
        for (String c : channels) {
            q.append(q.length() == 0 ? "" : "&").append("channel=").append(encode(c));
        }
        if (cursor != null) {
            q.append("&cursor=").append(encode(cursor));
        }
        return q.toString();
    }

    public static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    public Answer get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET());
    }

    public Answer post(String path, String contentType, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /**
     * Sends a request and reads the whole answer. The request's own timeout only covers the wait for
     * the response header, so a whole-answer deadline turns an unexpected stream (an SSE answer where
     * an error was expected) into a failure rather than a test that never ends.
     */
    public Answer send(HttpRequest.Builder request) {
        HttpRequest r = request.timeout(REQUEST_TIMEOUT).build();
        CompletableFuture<HttpResponse<String>> f = CLIENT.sendAsync(r, HttpResponse.BodyHandlers.ofString());
        try {
            return answer(f.get(REQUEST_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS));
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new AssertionError(r.method() + " " + r.uri() + ": no whole answer within " + REQUEST_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? new UncheckedIOException(io) : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Answer answer(HttpResponse<String> r) {
        Map<String, String> headers = new LinkedHashMap<>();
        r.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
        return new Answer(r.statusCode(), headers, r.body());
    }

    /** Publishes {@code json} on {@code channel} and expects 202 with the channel and a cursor. */
    public Published publish(String channel, String json) {
        long before = System.currentTimeMillis();
        Answer a = post("/publish/" + channel, "application/json", json);
        long after = System.currentTimeMillis();
        assertEquals(202, a.status(), () -> "publish to " + channel + ": " + a.body());
        JsonNode body = a.json();
        assertEquals(channel, body.path("channel").asText(), a.body());
        String cursor = body.path("cursor").asText("");
        if (cursor.isEmpty()) {
            throw new AssertionError("publish answer without a cursor: " + a.body());
        }
        try {
            return new Published(channel, cursor, Json.MAPPER.readTree(json), before, after);
        } catch (IOException e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    /** Publishes {@code n} events {@code {"n":i,"tag":tag}}, i = 1..n, one after the other (so in this order). */
    public List<Published> publishMany(String channel, String tag, int n) {
        List<Published> out = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            out.add(publish(channel, "{\"n\":" + i + ",\"tag\":\"" + tag + "\"}"));
        }
        return out;
    }

    /** {@code GET /poll}, expecting 200. */
    public JsonNode poll(List<String> channels, String cursor) {
        Answer a = get("/poll?" + query(channels, cursor));
        assertEquals(200, a.status(), a::body);
        return a.json();
    }

    /** The gateway's live cursor for these channels, as a short poll without cursor gives it. */
    public String liveCursor(List<String> channels) {
        return poll(channels, null).path("cursor").asText();
    }

    /** The {@code connections} figure of {@code /health}: open connections, this request's included. */
    public int openConnections() {
        Answer a = get("/health");
        assertEquals(200, a.status(), a::body);
        return a.json().path("connections").asInt();
    }

    /**
     * Writes {@code request} whole on a new connection, then reads the answer until the server
     * closes (or resets) the connection. For requests the server answers before reading them fully.
     */
    public Answer raw(byte[] request) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request);
                out.flush();
                s.shutdownOutput();
            } catch (SocketException refusedMidway) {
                // The server may answer and close before taking the whole request: read what it said.
            }
            return parse(readAll(s.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                all.write(buf, 0, n);
            }
        } catch (SocketException reset) {
            // A reset after the answer (the server closed with our unread body in its buffer).
        }
        return all.toByteArray();
    }

    /** The first answer in {@code raw}: status line, headers (first value each) and the body up to its Content-Length. */
    public static Answer parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.UTF_8);
        int headEnd = text.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            throw new AssertionError("no complete HTTP answer: " + text);
        }
        String[] lines = text.substring(0, headEnd).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        String body = text.substring(headEnd + 4);
        String length = headers.get("content-length");
        if (length != null && body.length() > Integer.parseInt(length)) {
            body = body.substring(0, Integer.parseInt(length));
        }
        return new Answer(status, headers, body);
    }
}
