package dev.fanfare.client.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanfare.client.style.ClientResources;
import dev.fanfare.gateway.cluster.Cluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Failures of a real cluster, one per test, on one cluster started for the class: a Kafka broker
 * process, redis-server, three packaged gateway nodes (own JVMs, leak detector paranoid) and nginx with
 * the shipped {@code deploy/nginx/fanfare.conf}. Clients of all four styles follow a channel through
 * nginx with the client library (its own reconnect and resume) and check the sequence numbers of what
 * they get. Each test leaves the cluster whole again, except the last (partitions added).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String PACKAGED = "../gateway/target/fanfare-gateway.jar:../gateway/target/lib/*";

    private static final List<String> unexpectedExits = new CopyOnWriteArrayList<>();
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static Cluster cluster;
    private static ClientResources resources;

    @BeforeAll
    static void start() throws Exception {
        cluster = Cluster.start(new Cluster.Options(3, 0, Files.createTempDirectory("fanfare-cluster-"),
                Path.of("../deploy/nginx/fanfare.conf"), List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC",
                        "-Dio.netty.leakDetection.level=paranoid"), List.of("--partitions", "2"), false,
                unexpectedExits::add, PACKAGED));
        resources = ClientResources.create(2);
    }

    @AfterAll
    static void stop() throws Exception {
        if (resources != null) {
            resources.close();
        }
        if (cluster != null) {
            cluster.close();
            for (Cluster.Node n : cluster.nodes()) {
                String log = Files.readString(n.log());
                assertTrue(!log.contains("LEAK:"), n.name() + " reported a buffer leak: see " + n.log());
            }
        }
    }

    // 1 and 5: kill -9 of a node under load.
    @Test
    @Order(1)
    void aKilledNodeLosesNothingAndItsViewersMoveToTheOtherNodes() throws Exception {
        String key = unique("kill");
        String channel = "demo/" + key;
        Cluster.Node publishVia = cluster.nodes().get(0);
        Cluster.Node victim = cluster.nodes().get(2);
        List<Follower> followers = Follower.start(resources, cluster.url(), channel, liveCursor(channel), 50);
        Follower viewerWatch = Follower.viewers(resources, cluster.url(), "viewers/demo:" + key);
        JsonNode before = awaitViewers(channel, 50);
        assertEquals(200, before.path("viewers").asInt(), before.toString());

        Publisher events = Publisher.start(() -> publish(publishVia.url(), channel));
        Clapper claps = Clapper.start(cluster.url(), "post-" + key);
        await().atMost(WAIT).until(() -> events.sent() >= 60 && claps.accepted() > 20);
        long killedAt = System.nanoTime();
        victim.kill();
        await().atMost(WAIT).until(() -> events.sent() >= 200);
        int published = events.stop();
        int[] clapped = claps.stop();

        await().atMost(WAIT).until(() -> followers.stream().allMatch(f -> f.numbers.size() >= published));
        for (Follower f : followers) {
            assertTrue(f.receivedExactly(published), "0 lost, 0 duplicated, in order: " + f.describe());
        }
        List<Long> moved = followers.stream().filter(f -> f.troubledAfter(killedAt)).map(f -> f.firstEventAfter(killedAt)).sorted().toList();
        assertTrue(!moved.isEmpty(), "some clients were on the killed node");
        System.out.printf("[cluster] kill -9 of %s: %d of %d clients moved; kill to first event on the new node: p50 %d ms,"
                        + " p99 %d ms, max %d ms%n", victim.name(), moved.size(), followers.size(), moved.get(moved.size() / 2) / 1_000_000,
                moved.get((int) Math.ceil(moved.size() * 0.99) - 1) / 1_000_000, moved.get(moved.size() - 1) / 1_000_000);

        // Every 202 counted exactly once; a clap whose node died before answering may or may not count.
        String post = claps.post;
        await().atMost(WAIT).until(() -> claps(post) >= clapped[0]);
        long counted = claps(post);
        assertTrue(counted <= clapped[0] + clapped[1], counted + " claps counted, " + clapped[0] + " answered 202, "
                + clapped[1] + " without an answer");

        // The dead node's viewers vanish within the TTL; the moved clients count on their new nodes.
        JsonNode after = awaitViewers(channel, 50);
        assertEquals(200, after.path("viewers").asInt(), after.toString());
        await().atMost(WAIT).until(() -> viewerWatch.lastViewers() == 200); // and pushed on viewers/demo:<key>
        followers.forEach(Follower::close);
        viewerWatch.close();
        victim.start();
    }

    // 2: a rolling restart with graceful drain.
    @Test
    @Order(2)
    void aRollingRestartLosesNothing() throws Exception {
        String channel = "demo/" + unique("roll");
        List<Follower> followers = Follower.start(resources, cluster.url(), channel, liveCursor(channel), 10);
        Publisher events = Publisher.start(() -> publish(cluster.url(), channel));
        for (Cluster.Node n : cluster.nodes()) {
            await().atMost(WAIT).until(() -> events.sent() >= 20);
            assertTrue(n.stop(), n.name() + " drained and stopped in time");
            n.start();
        }
        await().atMost(WAIT).until(() -> events.sent() >= 20);
        int published = events.stop();
        await().atMost(WAIT).until(() -> followers.stream().allMatch(f -> f.numbers.size() >= published));
        for (Follower f : followers) {
            assertTrue(f.receivedExactly(published), "0 lost, 0 duplicated: " + f.describe());
        }
        followers.forEach(Follower::close);
    }

    // 3: the broker stopped for 10 s.
    @Test
    @Order(3)
    void aStoppedBrokerIsReportedRefusedAtOnceAndCaughtUpOnceBack() throws Exception {
        String channel = "demo/" + unique("broker");
        String via = cluster.nodes().get(0).url();
        List<Follower> followers = Follower.start(resources, cluster.url(), channel, liveCursor(channel), 5);
        for (int i = 0; i < 20; i++) {
            publish(via, channel);
        }
        await().atMost(WAIT).until(() -> followers.stream().allMatch(f -> f.numbers.size() >= 20));
        long stoppedAt = System.nanoTime();
        cluster.kafka().stop();
        for (Cluster.Node n : cluster.nodes()) {
            await().atMost(Duration.ofSeconds(15)).until(() -> get(n.url() + "/health").statusCode() == 503);
            JsonNode health = JSON.readTree(get(n.url() + "/health").body());
            assertTrue(health.path("reason").asText().startsWith("kafka:"), health.toString());
        }
        long asked = System.nanoTime();
        HttpResponse<String> refusedPublish = post(cluster.url() + "/publish/" + channel, "{\"n\":-1}");
        HttpResponse<String> refusedClap = post(cluster.url() + "/claps/post-broker", "{\"user\":\"u1\"}");
        long answeredMillis = (System.nanoTime() - asked) / 1_000_000;
        assertEquals(503, refusedPublish.statusCode(), refusedPublish.body());
        assertEquals("unavailable", JSON.readTree(refusedPublish.body()).path("error").asText());
        assertEquals(503, refusedClap.statusCode(), refusedClap.body());
        assertTrue(answeredMillis < 5_000, "refused at once, not after the producer's timeout: " + answeredMillis + " ms");
        Duration rest = Duration.ofSeconds(10).minusNanos(System.nanoTime() - stoppedAt);
        if (!rest.isNegative()) {
            await().pollDelay(rest).atMost(rest.plusSeconds(5)).until(() -> true); // down for 10 s in all
        }
        cluster.kafka().start();
        for (Cluster.Node n : cluster.nodes()) {
            await().atMost(WAIT).until(() -> get(n.url() + "/health").statusCode() == 200);
        }
        for (int i = 20; i < 40; i++) {
            publish(via, channel, i);
        }
        await().atMost(WAIT).until(() -> followers.stream().allMatch(f -> f.numbers.size() >= 40));
        for (Follower f : followers) {
            assertTrue(f.receivedExactly(40), "everything before and after, once: " + f.describe());
            if (f.style == dev.fanfare.client.style.Style.SSE || f.style == dev.fanfare.client.style.Style.WS) {
                assertTrue(!f.troubledAfter(stoppedAt), "kept its connection: " + f.describe());
            }
        }
        assertTrue(unexpectedExits.isEmpty(), "no node needed a restart: " + unexpectedExits);
        followers.forEach(Follower::close);
    }

    // 4: Redis stopped and started again.
    @Test
    @Order(4)
    void aStoppedRedisRefusesClapsWhileEventsFlowAndCountsRecover() throws Exception {
        String key = unique("redis");
        String channel = "demo/" + key;
        String via = cluster.nodes().get(0).url();
        List<Follower> followers = Follower.start(resources, cluster.url(), channel, liveCursor(channel), 5);
        assertEquals(202, post(cluster.url() + "/claps/post-" + key, "{\"user\":\"u1\"}").statusCode());
        cluster.redis().stop();
        AtomicInteger acceptedMeanwhile = new AtomicInteger(); // the first claps may beat the pool to the news
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            int status = post(cluster.url() + "/claps/post-" + key, "{\"user\":\"u2\"}").statusCode();
            acceptedMeanwhile.addAndGet(status == 202 ? 1 : 0);
            return status == 503;
        });
        HttpResponse<String> like = put(cluster.url() + "/likes/post-" + key, "{\"user\":\"u2\"}");
        assertEquals(503, like.statusCode(), like.body());
        assertEquals("unavailable", JSON.readTree(like.body()).path("error").asText());
        for (int i = 0; i < 20; i++) {
            publish(via, channel, i);
        }
        await().atMost(WAIT).until(() -> followers.stream().allMatch(f -> f.numbers.size() >= 20));
        followers.forEach(f -> assertTrue(f.receivedExactly(20), "delivery unaffected: " + f.describe()));
        cluster.redis().start();
        await().atMost(WAIT).until(() -> post(cluster.url() + "/claps/post-" + key, "{\"user\":\"u3\"}").statusCode() == 202);
        await().atMost(WAIT).until(() -> claps("post-" + key) == 2 + acceptedMeanwhile.get());
        JsonNode viewers = awaitViewers(channel, 5);
        assertEquals(20, viewers.path("viewers").asInt(), viewers.toString());
        followers.forEach(Follower::close);
    }

    // 6: a stream topic gains partitions while the nodes run.
    @Test
    @Order(6)
    void partitionsAddedToAStreamTopicAreReported() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka().address()))) {
            admin.createPartitions(Map.of("fanfare.demo", NewPartitions.increaseTo(4))).all().get();
        }
        for (Cluster.Node n : cluster.nodes()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> get(n.url() + "/health").statusCode() == 503);
            JsonNode health = JSON.readTree(get(n.url() + "/health").body());
            assertTrue(health.path("partitions").asText().contains("fanfare.demo has 4 partitions, this node reads 2"),
                    health.toString());
            assertTrue(Files.readString(n.log()).contains("partitions changed: fanfare.demo"), "logged by " + n.name());
        }
    }

    // --- helpers ---------------------------------------------------------------------------------

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static final AtomicInteger sequence = new AtomicInteger();

    /** Publishes the next number; true when accepted. */
    private static boolean publish(String url, String channel) throws IOException, InterruptedException {
        int n = sequence.get();
        HttpResponse<String> r = post(url + "/publish/" + channel, "{\"n\":" + n + "}");
        if (r.statusCode() == 202) {
            sequence.incrementAndGet();
            return true;
        }
        return false;
    }

    private static void publish(String url, String channel, int n) throws IOException, InterruptedException {
        HttpResponse<String> r = post(url + "/publish/" + channel, "{\"n\":" + n + "}");
        assertEquals(202, r.statusCode(), r.body());
    }

    private static String liveCursor(String channel) throws IOException, InterruptedException {
        sequence.set(0);
        return JSON.readTree(get(cluster.url() + "/poll?channel=" + channel).body()).path("cursor").asText();
    }

    private static long claps(String post) throws IOException, InterruptedException {
        JsonNode events = JSON.readTree(get(cluster.url() + "/poll?channel=claps/" + post).body()).path("events");
        return events.isEmpty() ? 0 : events.get(events.size() - 1).path("data").path("claps").asLong();
    }

    /** Waits until the channel's viewer count says {@code perStyle} in every style; returns it. */
    private static JsonNode awaitViewers(String channel, int perStyle) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(WAIT).until(() -> {
            HttpResponse<String> r = get(cluster.url() + "/viewers?channel=" + channel);
            if (r.statusCode() != 200) {
                return false;
            }
            last[0] = JSON.readTree(r.body()).path("viewers").path(0);
            JsonNode s = last[0].path("styles");
            return s.path("sse").asInt() == perStyle && s.path("ws").asInt() == perStyle
                    && s.path("longpoll").asInt() == perStyle && s.path("poll").asInt() == perStyle;
        });
        return last[0];
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String url, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> put(String url, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
