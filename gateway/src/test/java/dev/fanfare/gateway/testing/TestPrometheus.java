package dev.fanfare.gateway.testing;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanfare.gateway.core.Json;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real Prometheus server (Debian's {@code prometheus}) on a free port, scraping one target's
 * {@code /metrics} every second, and its query API.
 */
public final class TestPrometheus implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final Path directory;
    private final int port;
    private final Process process;

    private TestPrometheus(Path directory, int port, Process process) {
        this.directory = directory;
        this.port = port;
        this.process = process;
    }

    /**
     * Starts Prometheus scraping {@code 127.0.0.1:targetPort/metrics} as job {@code fanfare},
     * evaluating these rule files, and waits until it is up.
     */
    public static TestPrometheus scraping(int targetPort, Path... ruleFiles) {
        try {
            Path dir = Files.createTempDirectory("fanfare-prometheus-");
            StringBuilder rules = new StringBuilder();
            for (Path f : ruleFiles) {
                rules.append(rules.isEmpty() ? "" : ", ").append('\'').append(f.toAbsolutePath()).append('\'');
            }
            Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    rule_files: [%s]
                    scrape_configs:
                      - job_name: fanfare
                        metrics_path: /metrics
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(rules, targetPort));
            int port = freePort();
            Process p = new ProcessBuilder("prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            TestPrometheus prometheus = new TestPrometheus(dir, port, p);
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly, "test-prometheus-killer"));
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> !p.isAlive() || prometheus.ready());
            if (!p.isAlive()) {
                throw new IllegalStateException("prometheus exited: " + Files.readString(dir.resolve("prometheus.log")));
            }
            return prometheus;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run prometheus (apt-get install prometheus)", e);
        }
    }

    private boolean ready() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    }

    /** The rules loaded, from {@code /api/v1/rules}: each with {@code name}, {@code health}, {@code lastError}. */
    public List<JsonNode> rules() {
        JsonNode answer = get("/api/v1/rules");
        List<JsonNode> rules = new java.util.ArrayList<>();
        answer.path("data").path("groups").forEach(g -> g.path("rules").forEach(rules::add));
        return rules;
    }

    private JsonNode get(String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The result vector of an instant query (each element: {@code metric} labels and {@code value}). */
    public List<JsonNode> query(String promql) {
        JsonNode answer = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        if (!"success".equals(answer.path("status").asText())) {
            throw new AssertionError("query " + promql + " failed: " + answer);
        }
        return Json.MAPPER.convertValue(answer.path("data").path("result"),
                Json.MAPPER.getTypeFactory().constructCollectionType(List.class, JsonNode.class));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            // A leftover temp directory is harmless.
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
