package dev.fanfare.client.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanfare.client.Main;
import dev.fanfare.client.cli.ExitCodes;
import dev.fanfare.client.style.ClientCounters;
import dev.fanfare.client.style.ClientResources;
import dev.fanfare.client.style.GatewayAddress;
import dev.fanfare.client.style.PermanentFailureException;
import dev.fanfare.client.style.StreamListener;
import dev.fanfare.client.style.Style;
import dev.fanfare.client.style.StyleClient;
import dev.fanfare.client.style.StyleClients;
import dev.fanfare.client.style.Subscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each style against a real gateway: receives what is published, and resumes after a restart with no duplicate. */
class SubscribeIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static GatewayFixture gateway;
    private static ClientResources resources;

    @BeforeAll
    static void startGateway() {
        gateway = new GatewayFixture();
        resources = ClientResources.create(2);
    }

    @AfterAll
    static void stop() {
        resources.close();
        gateway.close();
    }

    /** Collects the {@code data.n} of every event, in arrival order. */
    private static final class Collector implements StreamListener {
        final List<Integer> numbers = new CopyOnWriteArrayList<>();
        final List<JsonNode> envelopes = new CopyOnWriteArrayList<>();

        @Override
        public void onEvent(JsonNode envelope, long receivedNanos) {
            envelopes.add(envelope);
            numbers.add(envelope.path("data").path("n").asInt(-1));
        }
    }

    /** A started client of {@code style} on {@code channel} from the live end, polling every 100 ms. */
    private static StyleClient started(Style style, String channel, Collector collector) {
        Subscription subscription = Subscription.of(GatewayAddress.parse(gateway.url()), List.of(channel))
                .withPollInterval(Duration.ofMillis(100));
        StyleClient client = StyleClients.create(style, resources, subscription, collector);
        client.start();
        return client;
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void receivesAPublishedEventAndResumesAfterAGatewayRestartWithoutDuplicates(Style style) throws Exception {
        String channel = GatewayFixture.uniqueChannel("resume-" + style);
        Collector collector = new Collector();
        StyleClient client = started(style, channel, collector);
        try {
            client.ready().get(WAIT.toSeconds(), TimeUnit.SECONDS);

            gateway.publish(channel, "{\"n\":1}");
            await().atMost(WAIT).until(() -> collector.numbers.contains(1));
            String cursorBeforeRestart = client.cursor();

            gateway.restart();
            gateway.publish(channel, "{\"n\":2}");
            gateway.publish(channel, "{\"n\":3}");
            await().atMost(WAIT).until(() -> collector.numbers.size() >= 3);

            assertEquals(List.of(1, 2, 3), collector.numbers, "every event once, in order, none replayed");
            assertTrue(collector.envelopes.stream().noneMatch(e -> e.path("snapshot").asBoolean(false)),
                    "a resumed client gets news, not a snapshot of what it already has");
            assertTrue(client.counters().snapshot().connectionsOpened() >= 2, "the client reconnected");
            assertEquals(0, client.counters().snapshot().duplicates());
            assertEquals(0, client.counters().snapshot().gaps());
            assertTrue(!cursorBeforeRestart.equals(client.cursor()), "the cursor moved on");
        } finally {
            client.close().get(10, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void withAMaxRateTheLatestWinsMarkedWithHowManyItReplacedAndTheLastAlwaysArrives(Style style) throws Exception {
        String channel = GatewayFixture.uniqueChannel("rate-" + style);
        Collector collector = new Collector();
        Subscription subscription = Subscription.of(GatewayAddress.parse(gateway.url()), List.of(channel))
                .withCursor(gateway.liveCursor(channel)).withPollInterval(Duration.ofMillis(100)).withMaxRate(1);
        StyleClient client = StyleClients.create(style, resources, subscription, collector);
        client.start();
        try {
            client.ready().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            int published = 20;
            for (int n = 1; n <= published; n++) {
                gateway.publish(channel, "{\"n\":" + n + "}");
            }
            await().atMost(WAIT).until(() -> collector.numbers.contains(published));

            ClientCounters.Snapshot seen = client.counters().snapshot();
            assertTrue(collector.numbers.size() < published, "fewer events than published: " + collector.numbers);
            assertTrue(seen.conflated() > 0, "some came marked conflated");
            assertEquals(published, collector.numbers.size() + seen.replaced(),
                    "each event was received or replaced by one received: " + collector.envelopes);
            assertEquals(collector.envelopes.stream().mapToLong(e -> e.path("conflated").asLong(0)).sum(), seen.replaced());
            assertEquals(published, collector.numbers.get(collector.numbers.size() - 1), "the last is the latest");
            assertEquals(0, seen.duplicates());
        } finally {
            client.close().get(10, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void startsAtTheLiveEndWithTheLatestEventAsASnapshot(Style style) throws Exception {
        String channel = GatewayFixture.uniqueChannel("snap-" + style);
        gateway.publish(channel, "{\"n\":1}");
        gateway.publish(channel, "{\"n\":2}");
        // Kafka acknowledged both; wait until the gateway has read them too
        await().atMost(WAIT).until(() -> gateway.latest(channel).path("data").path("n").asInt() == 2);
        Collector fromLiveEnd = new Collector();
        StyleClient client = started(style, channel, fromLiveEnd);
        try {
            await().atMost(WAIT).until(() -> !fromLiveEnd.numbers.isEmpty());
            assertEquals(List.of(2), fromLiveEnd.numbers, "only the latest event, as a snapshot");
            assertTrue(fromLiveEnd.envelopes.get(0).path("snapshot").asBoolean(false));
        } finally {
            client.close().get(10, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void subscribeCommandPrintsEachEventAsOneJsonLineAndStopsAfterCount(Style style) throws Exception {
        String channel = GatewayFixture.uniqueChannel("cli-" + style);
        String cursor = gateway.liveCursor(channel);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("subscribe",
                "--url", gateway.url(), "--style", style.cliName(), "--channel", channel, "--cursor", cursor,
                "--interval", "100ms", "--count", "2"));

        gateway.publish(channel, "{\"n\":1}");
        gateway.publish(channel, "{\"n\":2}");

        assertEquals(ExitCodes.OK, exit.get(WAIT.toSeconds(), TimeUnit.SECONDS), err::toString);
        List<String> lines = out.toString().lines().toList();
        assertEquals(2, lines.size(), out::toString);
        for (int i = 0; i < 2; i++) {
            JsonNode envelope = JSON.readTree(lines.get(i));
            assertEquals(channel, envelope.get("channel").asText());
            assertEquals(i + 1, envelope.get("data").get("n").asInt());
            assertTrue(envelope.hasNonNull("cursor"));
        }
        assertTrue(err.toString().contains("subscribed"), err::toString);
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void aRefusedSubscriptionFailsForGoodInsteadOfRetrying(Style style) {
        StyleClient client = started(style, "nosuchstream/x", new Collector());
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> client.terminated().get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertInstanceOf(PermanentFailureException.class, failure.getCause());
        assertTrue(failure.getCause().getMessage().contains("bad_channel"), failure.getCause().getMessage());
    }

    @Test
    void subscribeCommandExitsWithFailureOnARefusedChannel() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute("subscribe", "--url", gateway.url(), "--style", "sse", "--channel", "nosuchstream/x", "-q");
        assertEquals(ExitCodes.FAILURE, code);
        assertTrue(err.toString().contains("bad_channel"), err::toString);
    }
}
