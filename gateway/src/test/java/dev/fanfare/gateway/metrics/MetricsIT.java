package dev.fanfare.gateway.metrics;

import static dev.fanfare.gateway.testing.Deliveries.awaitEvents;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanfare.gateway.GatewayServer;
import dev.fanfare.gateway.testing.GatewayHttp;
import dev.fanfare.gateway.testing.Style;
import dev.fanfare.gateway.testing.StyleClient;
import dev.fanfare.gateway.testing.TestGateway;
import dev.fanfare.gateway.testing.TestPrometheus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code /metrics} as a real Prometheus server sees it: after traffic in all four styles its
 * query API has the per-style latency histogram and the subscription gauges, and
 * {@code promtool check metrics} accepts the exposition.
 */
@Timeout(180)
class MetricsIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Test
    void prometheusScrapesLatencyByStyleAndTheGaugesAndPromtoolAcceptsTheExposition() throws Exception {
        try (GatewayServer gateway = GatewayServer.start(TestGateway.config());
             TestPrometheus prometheus = TestPrometheus.scraping(gateway.port())) {
            GatewayHttp http = new GatewayHttp(gateway.port());
            String channel = "demo/metrics";
            List<StyleClient> clients = new ArrayList<>();
            try {
                String live = http.liveCursor(List.of(channel));
                for (Style style : Style.values()) {
                    StyleClient c = style.client(gateway.port());
                    c.start(List.of(channel), live);
                    clients.add(c);
                }
                for (int i = 1; i <= 20; i++) {
                    http.publish(channel, "{\"n\":" + i + "}");
                }
                clients.forEach(c -> awaitEvents(c, 20));

                await().atMost(PATIENCE).until(() -> styles(prometheus.query(
                        "sum by (style) (fanfare_delivery_latency_seconds_count) > 0")).containsAll(
                        Set.of("poll", "longpoll", "sse", "ws")));
                List<JsonNode> buckets = prometheus.query("fanfare_delivery_latency_seconds_bucket{style=\"sse\"}");
                assertTrue(buckets.size() > 5, "a histogram with buckets: " + buckets);
                await().atMost(PATIENCE).until(() -> styles(prometheus.query("fanfare_subscriptions > 0"))
                        .containsAll(Set.of("sse", "ws")));
                await().atMost(PATIENCE).until(() -> !prometheus.query("fanfare_connections > 0").isEmpty());
                await().atMost(PATIENCE).until(() -> styles(prometheus.query("fanfare_deliveries_total >= 20"))
                        .containsAll(Set.of("poll", "longpoll", "sse", "ws")));
                assertTrue(!prometheus.query("fanfare_ingest_lag_records").isEmpty(), "ingest lag by partition");
                assertTrue(!prometheus.query("fanfare_publish_latency_seconds_count > 0").isEmpty(), "publish latency");
                assertTrue(!prometheus.query("jvm_memory_used_bytes").isEmpty(), "JVM figures");
                assertTrue(!prometheus.query("netty_allocator_memory_used").isEmpty(), "Netty's buffer pools");
            } finally {
                clients.forEach(StyleClient::stop);
            }

            String exposition = http.get("/metrics").body();
            Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
            promtool.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
            promtool.getOutputStream().close();
            String said = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(promtool.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, promtool.exitValue(), "promtool check metrics: " + said);
        }
    }

    private static Set<String> styles(List<JsonNode> result) {
        Set<String> s = new TreeSet<>();
        result.forEach(r -> s.add(r.path("metric").path("style").asText()));
        return s;
    }
}
