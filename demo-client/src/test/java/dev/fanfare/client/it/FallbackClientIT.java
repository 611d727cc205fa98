package dev.fanfare.client.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanfare.client.network.NginxProxy;
import dev.fanfare.client.style.ClientResources;
import dev.fanfare.client.style.ClientState;
import dev.fanfare.client.style.FallbackClient;
import dev.fanfare.client.style.GatewayAddress;
import dev.fanfare.client.style.StreamListener;
import dev.fanfare.client.style.Style;
import dev.fanfare.client.style.Subscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java fallback client through a real nginx: a refused upgrade moves it from WebSocket to SSE, a buffering
 * proxy from SSE to long polling, each time from the cursor, so events published meanwhile arrive once, in order.
 */
class FallbackClientIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int N = 10;

    private static GatewayFixture gateway;
    private static ClientResources resources;

    @BeforeAll
    static void start() {
        gateway = new GatewayFixture();
        resources = ClientResources.create(1);
    }

    @AfterAll
    static void stop() {
        resources.close();
        gateway.close();
    }

    /** Records data.n of each event and every state change. */
    private static final class Recorder implements StreamListener {
        final List<Integer> numbers = new CopyOnWriteArrayList<>();
        final List<String> states = new CopyOnWriteArrayList<>();

        @Override
        public void onEvent(JsonNode envelope, long receivedNanos) {
            numbers.add(envelope.path("data").path("n").asInt(-1));
        }

        @Override
        public void onState(ClientState state, String detail) {
            states.add(state + " " + detail);
        }
    }

    @Test
    void aRefusedUpgradeMovesItToServerSentEventsWithoutLosingOrRepeating() throws Exception {
        try (NginxProxy nginx = NginxProxy.start(socketOf(gateway.url()), NginxProxy.Mode.NO_UPGRADE)) {
            followAndCheck(nginx, List.of(Style.WS, Style.SSE, Style.LONG_POLL, Style.SHORT_POLL), Style.SSE);
        }
    }

    @Test
    void aBufferingProxyMovesItFromServerSentEventsToLongPollingWithoutLosingOrRepeating() throws Exception {
        try (NginxProxy nginx = NginxProxy.start(socketOf(gateway.url()), NginxProxy.Mode.BUFFERING)) {
            followAndCheck(nginx, List.of(Style.SSE, Style.LONG_POLL), Style.LONG_POLL);
        }
    }

    @Test
    void laterItTriesTheBetterStyleAgainAndWhenThatStillFailsFallsBackAgainWithoutLosingOrRepeating() throws Exception {
        try (NginxProxy nginx = NginxProxy.start(socketOf(gateway.url()), NginxProxy.Mode.NO_UPGRADE)) {
            Recorder recorder = followAndCheck(nginx, List.of(Style.WS, Style.SSE), Style.SSE, Duration.ofSeconds(1));
            assertTrue(recorder.states.stream().anyMatch(s -> s.contains("trying the better styles again")),
                    recorder.states::toString);
            assertTrue(recorder.states.stream().filter(s -> s.startsWith("FALLING_BACK")).count() >= 2,
                    recorder.states::toString);
        }
    }

    private static void followAndCheck(NginxProxy nginx, List<Style> styles, Style expected) throws Exception {
        followAndCheck(nginx, styles, expected, FallbackClient.DEFAULT_RETRY_BETTER_AFTER);
    }

    /** Half the events before it settles on {@code expected}, half after; all must arrive once, in order. */
    private static Recorder followAndCheck(NginxProxy nginx, List<Style> styles, Style expected, Duration retryBetter)
            throws Exception {
        String channel = GatewayFixture.uniqueChannel("fallback");
        Subscription subscription = Subscription.of(GatewayAddress.parse(nginx.url()), List.of(channel))
                .withCursor(gateway.liveCursor(channel)).withStallTimeout(Duration.ofSeconds(2));
        Recorder recorder = new Recorder();
        FallbackClient client = new FallbackClient(resources, subscription, recorder, styles, retryBetter);
        client.start();
        try {
            for (int n = 1; n <= N / 2; n++) {
                gateway.publish(channel, "{\"n\":" + n + "}");
            }
            await().atMost(WAIT).until(() -> client.styleInUse() == expected && client.ready().isDone());
            for (int n = N / 2 + 1; n <= N; n++) {
                gateway.publish(channel, "{\"n\":" + n + "}");
            }
            if (!retryBetter.equals(FallbackClient.DEFAULT_RETRY_BETTER_AFTER)) {
                // the better style's second chance comes and goes while these are published
                await().atMost(WAIT).until(() -> recorder.states.stream().filter(s -> s.startsWith("FALLING_BACK")).count() >= 2);
                gateway.publish(channel, "{\"n\":" + (N + 1) + "}");
            }
            int total = retryBetter.equals(FallbackClient.DEFAULT_RETRY_BETTER_AFTER) ? N : N + 1;
            await().atMost(WAIT).until(() -> recorder.numbers.size() >= total);
            assertEquals(IntStream.rangeClosed(1, total).boxed().toList(), recorder.numbers);
            assertEquals(0, client.counters().snapshot().duplicates());
            assertEquals(0, client.counters().snapshot().gaps());
            assertTrue(recorder.states.stream().anyMatch(s -> s.startsWith("FALLING_BACK")), recorder.states::toString);
            return recorder;
        } finally {
            client.close().get(10, TimeUnit.SECONDS);
        }
    }

    private static InetSocketAddress socketOf(String url) {
        return new InetSocketAddress("127.0.0.1", Integer.parseInt(url.substring(url.lastIndexOf(':') + 1)));
    }
}
