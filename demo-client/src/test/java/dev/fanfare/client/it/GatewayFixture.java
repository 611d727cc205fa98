package dev.fanfare.client.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanfare.gateway.GatewayServer;
import dev.fanfare.gateway.config.GatewayConfig;
import dev.fanfare.gateway.testing.TestKafka;
import dev.fanfare.gateway.testing.TestTokens;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * A real gateway for the demo-client's integration tests: in this JVM, on the shared test Kafka broker,
 * on a free loopback port, without the demo feed. {@link #restart()} brings a new node up on the same
 * port and topics, as after a deploy, so clients must reconnect and resume.
 *
 * <p>Publishes with the JDK's HTTP client, not with the client code under test.
 */
final class GatewayFixture implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String token;
    private GatewayConfig config;
    private GatewayServer server;

    GatewayFixture() {
        this(UnaryOperator.identity(), null);
    }

    /**
     * @param change what differs from the default node
     * @param token  what this fixture's own publishes and polls show the gateway (null: none)
     */
    private GatewayFixture(UnaryOperator<GatewayConfig> change, String token) {
        GatewayConfig base = GatewayConfig.defaults().withPort(0).withBootstrap(TestKafka.bootstrapServers()).withDemoFeed(false);
        config = change.apply(base.withServer(s -> s.withHost("127.0.0.1"))
                .withKafka(k -> k.withTopicPrefix(TestKafka.uniqueTopicPrefix())));
        this.token = token;
        server = GatewayServer.start(config);
        config = config.withPort(server.port()); // a restart takes the same port
    }

    /** A node that checks tokens ({@link TestTokens}); the fixture itself may publish and read anything of demo. */
    static GatewayFixture keyed() {
        return new GatewayFixture(TestTokens::checked, TestTokens.token("fixture", List.of("demo/*"), List.of("demo/*")));
    }

    String url() {
        return "http://127.0.0.1:" + server.port();
    }

    /** Stops this node (clients see it go) and starts a new one on the same port and topics. */
    void restart() {
        server.close();
        server = GatewayServer.start(config);
    }

    /** POSTs {@code json} to {@code channel}; returns the event's cursor from the 202 answer. */
    String publish(String channel, String json) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(authorized(HttpRequest.newBuilder(URI.create(url() + "/publish/" + channel)))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IOException("publish to " + channel + ": " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    /** The live cursor of {@code channel}: a start point after which every publish is news. */
    String liveCursor(String channel) throws IOException, InterruptedException {
        return poll(channel).get("cursor").asText();
    }

    /** The channel's latest retained event (the snapshot a new subscriber gets), or a missing node. */
    JsonNode latest(String channel) throws IOException, InterruptedException {
        return poll(channel).path("events").path(0);
    }

    private JsonNode poll(String channel) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(authorized(HttpRequest.newBuilder(URI.create(url() + "/poll?channel=" + channel)))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("poll " + channel + ": " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder request) {
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    static String uniqueChannel(String prefix) {
        return "demo/" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public void close() {
        server.close();
    }
}
