package dev.fanfare.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanfare.gateway.core.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import dev.fanfare.gateway.testing.GatewayProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The packaged gateway starts on its embedded default as {@code ./fanfare run} starts it: its own
 * JVM, the jar and {@code target/lib} as classpath (the package phase ran before this test), so a
 * dependency missing at run time fails here and not on a user's machine.
 */
class LauncherIT {

    @Test
    @Timeout(120)
    void packagedGatewayStartsWithEmbeddedKafkaServesThePageAndStopsOnSigterm() throws Exception {
        GatewayProcess gateway = GatewayProcess.start(List.of("-Xmx512m"), List.of());
        try {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://localhost:" + gateway.port();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("<title>"), "the demo page");
            // The demo feed runs by default: ticker snapshots appear.
            await().atMost(Duration.ofSeconds(30)).until(() -> http.send(
                    HttpRequest.newBuilder(URI.create(base + "/poll?channel=ticker/*")).build(),
                    HttpResponse.BodyHandlers.ofString()).body().contains("\"channel\":\"ticker/"));
        } finally {
            assertTrue(gateway.stop(), "stops on SIGTERM");
        }
    }

    @Test
    @Timeout(120)
    void withLogFormatJsonEveryLogLineIsOneJsonObject() throws Exception {
        GatewayProcess gateway = GatewayProcess.start(List.of("-Xmx512m"), List.of("--log-format", "json", "--no-demo-feed"));
        try {
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + gateway.port()
                    + "/sse?channel=no-such-stream/x")).build(), HttpResponse.BodyHandlers.ofString()); // a refusal, logged
            await().atMost(Duration.ofSeconds(30)).until(() -> gateway.output().contains("refused (bad_channel)"));
        } finally {
            assertTrue(gateway.stop(), "stops on SIGTERM");
        }
        // The banner goes to standard output as text; every log line (standard error) is JSON.
        List<String> logLines = gateway.output().lines().filter(l -> l.startsWith("{")).toList();
        assertTrue(logLines.size() > 5, gateway::output);
        for (String line : logLines) {
            JsonNode json = Json.MAPPER.readTree(line);
            assertTrue(json.hasNonNull("ts") && json.hasNonNull("level") && json.hasNonNull("logger")
                    && json.hasNonNull("message"), line);
        }
        List<String> text = gateway.output().lines()
                .filter(l -> !l.startsWith("{") && !l.isBlank() && !l.startsWith("Fanfare is up") && !l.startsWith("  ")).toList();
        assertEquals(List.of(), text, "nothing logged as text");
    }
}
