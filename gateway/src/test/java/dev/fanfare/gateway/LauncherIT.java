package dev.fanfare.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The packaged gateway starts on its embedded default as {@code ./fanfare run} starts it: its own
 * JVM, the jar and {@code target/lib} as classpath (the package phase ran before this test), so a
 * dependency missing at run time fails here and not on a user's machine.
 */
class LauncherIT {

    private static final Pattern PAGE = Pattern.compile("Demo page: +http://localhost:(\\d+)/");

    @Test
    @Timeout(120)
    void packagedGatewayStartsWithEmbeddedKafkaServesThePageAndStopsOnSigterm() throws Exception {
        Path target = Path.of("target");
        assertTrue(Files.exists(target.resolve("fanfare-gateway.jar")), "package ran before integration tests");
        Path data = Files.createTempDirectory("launcher");
        Process p = new ProcessBuilder("java", "-Xmx512m", "-cp",
                target.resolve("fanfare-gateway.jar") + java.io.File.pathSeparator + target.resolve("lib") + "/*",
                "dev.fanfare.gateway.Main", "--port", "0", "--data-dir", data.toString())
                .redirectErrorStream(true).start();
        AtomicInteger port = new AtomicInteger();
        StringBuffer output = new StringBuffer();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    output.append(line).append('\n');
                    Matcher m = PAGE.matcher(line);
                    if (m.find()) {
                        port.set(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> port.get() > 0 || !p.isAlive());
            assertTrue(p.isAlive(), output::toString);
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://localhost:" + port.get();
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
            p.destroy();
        }
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "stops on SIGTERM");
    }
}
