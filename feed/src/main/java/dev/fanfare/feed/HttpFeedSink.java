package dev.fanfare.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Sends the feed to a gateway over HTTP, asynchronously, with the JDK's {@link HttpClient}:
 * <ul>
 *   <li>ticks: {@code POST /publish/ticker/<symbol>} with the quote as a JSON body;</li>
 *   <li>claps: {@code POST /claps/<post>} with {@code {"user":..,"count":..}};</li>
 *   <li>likes: {@code PUT} (like) or {@code DELETE} (unlike) {@code /likes/<post>} with {@code {"user":..}}.</li>
 * </ul>
 * With an access token, every request carries it ({@code Authorization: Bearer}) and claps and likes leave
 * {@code user} out: they count for the token's subject (a gateway with a key refuses a body naming another user).
 * Each stage completes normally on a 2xx answer and exceptionally with a {@link RejectedException} carrying the
 * gateway's JSON error otherwise, or with the I/O error when the gateway cannot be reached. Nothing here blocks the
 * caller; the client's own threads carry the I/O.
 */
public final class HttpFeedSink implements FeedSink {

    private static final String APPLICATION_JSON = "application/json";
    /** Default-configured and thread-safe; the feed's own, since this module does not depend on the gateway. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final String baseUrl;
    private final Duration requestTimeout;
    private final String token;

    /** A sink for the gateway at {@code baseUrl} (e.g. {@code http://localhost:8080}), without a token. */
    public HttpFeedSink(URI baseUrl, Duration requestTimeout) {
        this(baseUrl, requestTimeout, null);
    }

    /** A sink that shows the gateway {@code token} (null or blank: none). */
    public HttpFeedSink(URI baseUrl, Duration requestTimeout, String token) {
        String base = baseUrl.toString();
        if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme())) {
            throw new IllegalArgumentException("baseUrl: " + base + " (expected: an http:// or https:// URL)");
        }
        this.baseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.requestTimeout = requestTimeout;
        this.token = token == null || token.isBlank() ? null : token.strip();
        // HTTP/1.1: the client would otherwise try an h2c upgrade on every new plain-text connection.
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(requestTimeout)
                .build();
    }

    @Override
    public CompletionStage<?> tick(String symbol, byte[] json) {
        return send("POST", "/publish/ticker/" + symbol, json);
    }

    @Override
    public CompletionStage<?> clap(String post, String user, int count) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (token == null) {
            body.put("user", user);
        }
        body.put("count", count);
        return send("POST", "/claps/" + post, body);
    }

    @Override
    public CompletionStage<?> like(String post, String user, boolean like) {
        return send(like ? "PUT" : "DELETE", "/likes/" + post, token == null ? Map.of("user", user) : Map.of());
    }

    private CompletionStage<HttpResponse<byte[]>> send(String method, String path, Map<String, Object> body) {
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        return send(method, path, json);
    }

    private CompletionStage<HttpResponse<byte[]>> send(String method, String path, byte[] json) {
        HttpRequest request;
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .timeout(requestTimeout)
                    .header("Content-Type", APPLICATION_JSON)
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(json));
            if (token != null) {
                builder.header("Authorization", "Bearer " + token);
            }
            request = builder.build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .thenCompose(response -> response.statusCode() / 100 == 2
                        ? CompletableFuture.completedFuture(response)
                        : CompletableFuture.failedFuture(RejectedException.of(method, path, response)));
    }

    /** The gateway answered with an error status; {@link #error()} is its error code when the body was ours. */
    public static final class RejectedException extends RuntimeException {

        private final int status;
        private final String error;

        RejectedException(String message, int status, String error) {
            super(message, null, false, false);
            this.status = status;
            this.error = error;
        }

        static RejectedException of(String method, String path, HttpResponse<byte[]> response) {
            String error = "http_" + response.statusCode();
            String detail = "";
            try {
                JsonNode body = JSON.readTree(response.body());
                if (body != null && body.hasNonNull("error")) {
                    error = body.get("error").asText();
                    detail = body.path("message").asText("");
                }
            } catch (IOException notJson) {
                // Not one of the gateway's JSON errors (a proxy's page, say): the status says enough.
            }
            String message = method + " " + path + " -> " + response.statusCode() + " " + error
                    + (detail.isEmpty() ? "" : ": " + detail);
            return new RejectedException(message, response.statusCode(), error);
        }

        /** The HTTP status, e.g. 409. */
        public int status() {
            return status;
        }

        /** The gateway's error code, e.g. {@code bad_channel}, or {@code http_<status>} for a body not in our form. */
        public String error() {
            return error;
        }
    }
}
