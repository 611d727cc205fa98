package dev.fanfare.gateway.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanfare.feed.DemoFeed;
import dev.fanfare.feed.DemoFeedConfig;
import dev.fanfare.feed.FeedSink;
import dev.fanfare.feed.HttpFeedSink;
import dev.fanfare.gateway.GatewayServer;
import dev.fanfare.gateway.config.GatewayConfig;
import dev.fanfare.gateway.testing.TestKafka;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@link HttpFeedSink} and {@link DemoFeed} against a real gateway on a real Kafka broker. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpFeedSinkIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private GatewayServer gateway;
    private HttpFeedSink sink;

    @BeforeAll
    void startGateway() {
        gateway = GatewayServer.start(GatewayConfig.defaults().withPort(0).withBootstrap(TestKafka.bootstrapServers())
                .withDemoFeed(false));
        sink = new HttpFeedSink(URI.create("http://127.0.0.1:" + gateway.port() + "/"), Duration.ofSeconds(10));
    }

    @AfterAll
    void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aTickIsPublishedOnTheSymbolsTickerChannel() throws Exception {
        String symbol = "HS" + run.toUpperCase();
        // What TickerModel.Quote(symbol, 12_345, 12_344, 12_346, 500, 12_000).toJson() gives: the model is
        // package-private in the feed module (theTickerFeedRunsAgainstAGatewayWithoutFailures sends its quotes).
        byte[] quote = ("{\"symbol\":\"" + symbol + "\",\"last\":123.45,\"bid\":123.44,\"ask\":123.46,\"volume\":500,"
                + "\"change\":3.45,\"changePct\":2.88}").getBytes(StandardCharsets.UTF_8);

        sink.tick(symbol, quote).toCompletableFuture().get(10, TimeUnit.SECONDS);

        JsonNode latest = awaitLatestData("ticker/" + symbol);
        assertEquals(JSON.readTree(quote), latest);
    }

    @Test
    void aRefusedSendCompletesExceptionallyWithTheGatewaysError() {
        CompletionStage<?> refused = sink.tick("*", "{}".getBytes(StandardCharsets.UTF_8));

        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> refused.toCompletableFuture().get(10, TimeUnit.SECONDS));
        HttpFeedSink.RejectedException rejected =
                assertInstanceOf(HttpFeedSink.RejectedException.class, failure.getCause());
        assertEquals(400, rejected.status());
        assertEquals("bad_channel", rejected.error());
        assertTrue(rejected.getMessage().startsWith("POST /publish/ticker/* -> 400 bad_channel"),
                rejected::getMessage);
    }

    @Test
    void theTickerFeedRunsAgainstAGatewayWithoutFailures() throws Exception {
        List<String> symbols = List.of("FA" + run.toUpperCase(), "FB" + run.toUpperCase());
        DemoFeed feed = new DemoFeed(DemoFeedConfig.defaults().withSymbols(symbols).withTickerRate(100)
                .withClapRate(0).withLikeRate(0), sink);
        feed.start();
        try {
            await().atMost(WAIT).until(() -> feed.stats().sent() >= 50);
        } finally {
            feed.close();
        }
        assertTrue(feed.awaitIdle(Duration.ofSeconds(10)));

        DemoFeed.Stats stats = feed.stats();
        assertEquals(0, stats.failed(), stats::summary);
        for (String symbol : symbols) {
            assertEquals(symbol, awaitLatestData("ticker/" + symbol).get("symbol").asText());
        }
    }

    /**
     * Needs the counters (issue 4) wired into the gateway: {@code POST /claps}, {@code PUT|DELETE /likes} and the
     * totals on {@code claps/<post>} and {@code likes/<post>}.
     */
    @Test
    void simulatedClapsAndLikesAddUpToTheGatewaysTotals() throws Exception {
        List<String> posts = List.of("hs-" + run + "-a", "hs-" + run + "-b");
        AcceptedActions accepted = new AcceptedActions(sink);
        DemoFeed feed = new DemoFeed(DemoFeedConfig.defaults().withTickerRate(0).withClapRate(40).withLikeRate(20)
                .withPosts(posts).withUsers(4, 50), accepted);
        feed.start();
        try {
            // Stop at the first refusal too, so a missing endpoint fails with the gateway's answer, not a timeout.
            await().atMost(WAIT).until(() -> feed.stats().sent() >= 150 || feed.stats().failed() > 0);
        } finally {
            feed.close();
        }
        assertTrue(feed.awaitIdle(Duration.ofSeconds(10)));
        assertEquals(0, feed.stats().failed(), feed.stats()::summary);

        for (String post : posts) {
            long claps = accepted.claps.getOrDefault(post, 0);
            long likes = accepted.liked.stream().filter(pair -> pair.endsWith(" " + post)).count();
            await(post + " totals").atMost(WAIT).until(() ->
                    latestData("claps/" + post).path("claps").asLong() == claps
                            && latestData("likes/" + post).path("likes").asLong() == likes);
        }
    }

    /** The data of the channel's latest retained event, from a cursor-less {@code /poll}; a missing node while none. */
    /**
     * The latest data once the gateway has any for {@code channel}: Kafka acknowledging a publish
     * comes before the gateway's reader has ingested it.
     */
    private JsonNode awaitLatestData(String channel) {
        return await().atMost(WAIT).until(() -> latestData(channel), data -> !data.isMissingNode());
    }

    private JsonNode latestData(String channel) throws Exception {
        String url = "http://127.0.0.1:" + gateway.port() + "/poll?channel="
                + URLEncoder.encode(channel, StandardCharsets.UTF_8);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
        JsonNode events = JSON.readTree(response.body()).path("events");
        return events.isEmpty() ? JSON.missingNode() : events.get(events.size() - 1).get("data");
    }

    /** Passes sends through and keeps what the gateway accepted: claps per post, and who likes what now. */
    private static final class AcceptedActions implements FeedSink {
        final Map<String, Integer> claps = new ConcurrentHashMap<>();
        final Set<String> liked = ConcurrentHashMap.newKeySet();
        private final FeedSink next;

        AcceptedActions(FeedSink next) {
            this.next = next;
        }

        @Override
        public CompletionStage<?> tick(String symbol, byte[] json) {
            return next.tick(symbol, json);
        }

        @Override
        public CompletionStage<?> clap(String post, String user, int count) {
            return next.clap(post, user, count).thenRun(() -> claps.merge(post, count, Integer::sum));
        }

        @Override
        public CompletionStage<?> like(String post, String user, boolean like) {
            return next.like(post, user, like).thenRun(() -> {
                if (like) {
                    liked.add(user + " " + post);
                } else {
                    liked.remove(user + " " + post);
                }
            });
        }
    }
}
