package dev.fanfare.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanfare.feed.DemoFeedConfig;
import dev.fanfare.gateway.GatewayServer;
import dev.fanfare.gateway.config.GatewayConfig;
import dev.fanfare.gateway.testing.TestKafka;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.time.Duration;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import picocli.CommandLine;

/** {@code produce ticker} against a real gateway on a real Kafka broker. */
class ProduceCommandIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void producesTickerQuotesThatSubscribersSeeAndReportsThem() throws Exception {
        // Topics of its own: every ticker event this gateway sees comes from this produce run.
        try (GatewayServer gateway = GatewayServer.start(GatewayConfig.defaults().withPort(0)
                .withKafka(k -> k.withBootstrap(TestKafka.bootstrapServers()).withTopicPrefix(TestKafka.uniqueTopicPrefix()))
                .withDemoFeed(false))) {
            String url = "http://127.0.0.1:" + gateway.port();
            StringWriter out = new StringWriter();

            int exit = new CommandLine(new ProduceCommand()).setOut(new PrintWriter(out))
                    .setErr(new PrintWriter(new StringWriter()))
                    .execute("ticker", "--rate", "40", "--duration", "1s", "--no-bursts", "--url", url);

            assertEquals(0, exit, out::toString);
            Matcher summary = Pattern.compile("produce ticker: sent=(\\d+) failed=0 skipped=0 in [\\d.]+ s\\s*")
                    .matcher(out.toString());
            assertTrue(summary.matches(), out::toString);
            assertTrue(Integer.parseInt(summary.group(1)) >= 30, out::toString);

            // Each tick moves a random symbol: ask for all of them (one snapshot per symbol ticked).
            HttpRequest poll = HttpRequest.newBuilder(URI.create(url + "/poll?channel=ticker/*")).build();
            // Acknowledged by Kafka is not yet read by the gateway: wait for its reader to catch up.
            JsonNode events = await().atMost(Duration.ofSeconds(10)).until(() -> JSON.readTree(
                    HttpClient.newHttpClient().send(poll, HttpResponse.BodyHandlers.ofString()).body()).path("events"),
                    e -> e.size() > 0);
            for (JsonNode event : events) {
                String symbol = event.path("data").path("symbol").asText();
                assertTrue(DemoFeedConfig.DEFAULT_SYMBOLS.contains(symbol), event::toString);
                assertEquals("ticker/" + symbol, event.path("channel").asText(), event::toString);
            }
        }
    }
}
