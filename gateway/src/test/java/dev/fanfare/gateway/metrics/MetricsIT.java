package dev.fanfare.gateway.metrics;

import static dev.fanfare.gateway.testing.Deliveries.awaitEvents;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanfare.gateway.GatewayServer;
import dev.fanfare.gateway.core.Json;
import dev.fanfare.gateway.testing.GatewayHttp;
import dev.fanfare.gateway.testing.Style;
import dev.fanfare.gateway.testing.StyleClient;
import dev.fanfare.gateway.testing.TestGateway;
import dev.fanfare.gateway.testing.TestPrometheus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code /metrics} as a real Prometheus server sees it: after traffic in all four styles its
 * query API has the per-style latency histogram and the connection and subscription gauges; the
 * alert rules of deploy/ load and evaluate; every metric the dashboard and the rules query is
 * exposed; and {@code promtool check metrics} accepts the exposition.
 */
@Timeout(180)
class MetricsIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Path ALERTS = Path.of("../deploy/prometheus/fanfare-alerts.yml");
    private static final Path DASHBOARD = Path.of("../deploy/grafana/fanfare.json");
    /** A metric name in PromQL: ours, the JVM's, the process's, Netty's, the system's. */
    private static final Pattern METRIC = Pattern.compile("\\b((?:fanfare|jvm|process|netty|system)_[a-z0-9_]+)");

    @Test
    void prometheusScrapesLatencyByStyleAndTheGaugesAndPromtoolAcceptsTheExposition() throws Exception {
        try (GatewayServer gateway = GatewayServer.start(TestGateway.config());
             TestPrometheus prometheus = TestPrometheus.scraping(gateway.port(), ALERTS)) {
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
                await().atMost(PATIENCE).until(() -> styles(prometheus.query("fanfare_connections > 0"))
                        .containsAll(Set.of("sse", "ws", "http")));
                await().atMost(PATIENCE).until(() -> styles(prometheus.query("fanfare_deliveries_total >= 20"))
                        .containsAll(Set.of("poll", "longpoll", "sse", "ws")));
                assertTrue(!prometheus.query("fanfare_ingest_lag_records").isEmpty(), "ingest lag by partition");
                assertTrue(!prometheus.query("fanfare_publish_latency_seconds_count > 0").isEmpty(), "publish latency");
                assertTrue(!prometheus.query("fanfare_ingest_latency_seconds_count > 0").isEmpty(),
                        "Kafka's own produce-to-consume, per record read");
                assertTrue(!prometheus.query("fanfare_fanout_latency_seconds_count > 0").isEmpty(),
                        "the node's own fan-out time, per batch");
                assertTrue(!prometheus.query("jvm_memory_used_bytes").isEmpty(), "JVM figures");
                assertTrue(!prometheus.query("netty_allocator_memory_used").isEmpty(), "Netty's buffer pools");
            } finally {
                clients.forEach(StyleClient::stop);
            }

            // The alert rules load and evaluate (a rule naming what is not there, or malformed, is not "ok").
            await().atMost(PATIENCE).until(() -> {
                List<JsonNode> rules = prometheus.rules();
                return !rules.isEmpty() && rules.stream().allMatch(r -> r.path("health").asText().equals("ok"));
            });

            System.gc(); // the GC pause timer appears with the first collection
            String exposition = http.get("/metrics").body();
            // Every metric the dashboard and the alerts query is one the node exposes.
            Set<String> exposed = new TreeSet<>();
            exposition.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                    .forEach(l -> exposed.add(l.split("[{ ]", 2)[0]));
            Set<String> queried = new TreeSet<>();
            Json.MAPPER.readTree(DASHBOARD.toFile()).findValues("expr").forEach(e -> queried.addAll(metricsIn(e.asText())));
            queried.addAll(metricsIn(Files.readString(ALERTS)));
            queried.removeIf(exposed::contains);
            assertEquals(Set.of(), queried, "queried by deploy/ but not exposed");

            Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
            promtool.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
            promtool.getOutputStream().close();
            String said = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(promtool.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, promtool.exitValue(), "promtool check metrics: " + said);
        }
    }

    private static Set<String> metricsIn(String promql) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(promql);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static Set<String> styles(List<JsonNode> result) {
        Set<String> s = new TreeSet<>();
        result.forEach(r -> s.add(r.path("metric").path("style").asText()));
        return s;
    }
}
