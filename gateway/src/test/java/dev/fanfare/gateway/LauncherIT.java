package dev.fanfare.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanfare.gateway.core.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import dev.fanfare.gateway.auth.TokenIssuer;
import dev.fanfare.gateway.config.GatewayConfig;
import dev.fanfare.gateway.testing.GatewayProcess;
import dev.fanfare.gateway.testing.HotLoop;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    @Test
    @Timeout(120)
    void packagedGatewayStartsWithEmbeddedKafkaServesThePageAndStopsOnSigterm() throws Exception {
        List<String> options = new ArrayList<>(launcherRunOptions()); // as ./fanfare run starts it
        options.addAll(List.of("-Xmx512m", "-Dio.netty.leakDetection.level=paranoid"));
        GatewayProcess gateway = GatewayProcess.start(options, List.of());
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
            assertEquals(1, occurrences(gateway.output(), "auth: no key configured: anybody may subscribe, publish, clap"
                    + " and like as anyone"), "said once at start: " + gateway.output());
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

    @Test
    @Timeout(120)
    void withASecretInTheEnvironmentThePublicStreamsAreReadWithoutATokenAndTheRestNeedsOne() throws Exception {
        String secret = "a-secret-for-the-launcher-test-of-48-bytes-long";
        GatewayProcess gateway = GatewayProcess.start(List.of("-Xmx512m"), List.of("--no-demo-feed"),
                Map.of("FANFARE_JWT_SECRET", secret));
        try {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://localhost:" + gateway.port();
            assertEquals(200, get(http, base + "/poll?channel=ticker/*", null).statusCode(), "a default public stream");
            assertEquals(200, get(http, base + "/poll?channel=likes/post-1", null).statusCode(), "a default public stream");
            HttpResponse<String> refused = get(http, base + "/poll?channel=demo/x", null);
            assertEquals(401, refused.statusCode(), refused.body());
            String token = new TokenIssuer(GatewayConfig.Auth.DEFAULTS.withJwtSecret(secret), Clock.systemUTC())
                    .issue("alice", List.of("demo/*"), List.of(), Duration.ofMinutes(5));
            assertEquals(200, get(http, base + "/poll?channel=demo/x", token).statusCode());
            assertTrue(gateway.output().contains("auth: tokens required, checked with HS256 (--jwt-secret); public streams:"
                    + " ticker,claps,likes"), gateway::output);
            assertFalse(gateway.output().contains(secret), "the secret is never printed");
        } finally {
            assertTrue(gateway.stop(), "stops on SIGTERM");
        }
    }

    /**
     * The options {@code ./fanfare run} starts a node with leave Kafka's code to C1 and ours to C2
     * (deploy/jvm/compiler-directives.json): both run hot in a JVM started with them, calls not inlined
     * into the loop, so each is compiled on its own and {@code -XX:+PrintCompilation} says at which tier.
     */
    @Test
    @Timeout(120)
    void theRunOptionsLeaveKafkasCodeToC1AndOursToC2() throws Exception {
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(launcherRunOptions());
        command.addAll(List.of("-XX:+PrintCompilation", "-XX:CompileCommand=quiet",
                "-XX:CompileCommand=dontinline,org.apache.kafka.common.utils.Utils::murmur2",
                "-XX:CompileCommand=dontinline,dev.fanfare.gateway.testing.HotLoop::ours",
                "-cp", System.getProperty("java.class.path"), HotLoop.class.getName(), "2000"));
        Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, java.waitFor(), output);
        // PrintCompilation: time, compile id, flags, tier, method.
        assertTrue(tiers(output, "org.apache.kafka.common.utils.Utils::murmur2").contains(1), output);
        assertFalse(tiers(output, "org.apache.kafka.common.utils.Utils::murmur2").contains(4), output);
        assertTrue(tiers(output, "dev.fanfare.gateway.testing.HotLoop::ours").contains(4), output);
    }

    /**
     * {@code ./fanfare cds-archive} trains a node and archives the classes it loaded; a node started with
     * the archive and {@code -Xshare:on} (which refuses to start when the archive cannot be used) loads the
     * gateway's classes from it and serves.
     */
    @Test
    @Timeout(180)
    void aNodeStartsFromTheLaunchersClassDataSharingArchive() throws Exception {
        Path dir = Files.createTempDirectory("fanfare-cds-test-");
        Path archive = dir.resolve("node.jsa");
        Process launcher = new ProcessBuilder("../fanfare", "cds-archive", archive.toString()).redirectErrorStream(true).start();
        String said = new String(launcher.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, launcher.waitFor(), said + Files.readString(Path.of(archive + ".log")));
        assertTrue(Files.size(archive) > 1_000_000, "an archive: " + Files.size(archive) + " B");

        Path loaded = dir.resolve("class-load.log");
        List<String> options = new ArrayList<>(launcherRunOptions());
        options.addAll(List.of("-Xmx512m", "-Dio.netty.leakDetection.level=paranoid", "-Xshare:on",
                "-XX:SharedArchiveFile=" + archive, "-Xlog:class+load=info:file=" + loaded));
        GatewayProcess gateway = GatewayProcess.start(options, List.of("--no-demo-feed"));
        try {
            HttpResponse<String> health = get(HttpClient.newHttpClient(), "http://localhost:" + gateway.port() + "/health", null);
            assertEquals(200, health.statusCode(), health.body());
        } finally {
            assertTrue(gateway.stop(), "stops on SIGTERM");
        }
        String log = Files.readString(loaded);
        assertTrue(log.contains("dev.fanfare.gateway.GatewayServer source: shared objects file (top)"), "from the archive");
        assertTrue(log.contains("io.netty.channel.epoll.EpollSocketChannel source: shared objects file (top)"), "from the archive");
        try (var files = Files.list(dir)) {
            files.forEach(f -> f.toFile().delete());
        }
        Files.delete(dir);
    }

    /** NODE_JAVA_OPTS_DEFAULT of ../fanfare, expanded by bash as the launcher expands it. */
    private static List<String> launcherRunOptions() throws Exception {
        Process bash = new ProcessBuilder("bash", "-c",
                "ROOT=$1; eval \"$(grep -E '^(NODE_)?JAVA_OPTS_DEFAULT=' \"$ROOT/fanfare\")\"; echo \"$NODE_JAVA_OPTS_DEFAULT\"",
                "bash", Path.of("..").toAbsolutePath().normalize().toString()).redirectErrorStream(true).start();
        String options = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, bash.waitFor(), options);
        assertTrue(options.contains("-XX:CompilerDirectivesFile="), options);
        return List.of(options.split("\\s+"));
    }

    private static List<Integer> tiers(String printCompilation, String method) {
        Matcher m = Pattern.compile("^\\s*\\d+\\s+\\d+\\s+[%sbn! ]*(\\d)\\s+" + Pattern.quote(method) + " ", Pattern.MULTILINE)
                .matcher(printCompilation);
        List<Integer> tiers = new ArrayList<>();
        while (m.find()) {
            tiers.add(Integer.parseInt(m.group(1)));
        }
        return tiers;
    }

    private static HttpResponse<String> get(HttpClient http, String uri, String token) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(uri));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int occurrences(String text, String line) {
        return text.split(Pattern.quote(line), -1).length - 1;
    }
}
