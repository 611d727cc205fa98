package dev.fanfare.gateway.counters;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanfare.gateway.GatewayServer;
import dev.fanfare.gateway.config.GatewayConfig;
import dev.fanfare.gateway.testing.TestKafka;
import dev.fanfare.gateway.testing.TestRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Claps over real HTTP and WebSocket connections to two gateway nodes sharing Kafka and Redis: node
 * B's counter worker joins the group mid-run, node A (and its worker) stops mid-run. The total must
 * equal exactly the claps that got a 202 or an ack, and no user may pass the cap.
 */
class ClapsAcrossNodesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CAP = 50;
    private static final int USERS = 40;
    private static final int CLIENTS = 20;
    private static TestRedis redis;

    @BeforeAll
    static void startRedis() {
        redis = TestRedis.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    private static GatewayServer node(String prefix) throws Exception {
        java.nio.file.Path dataDir = Files.createTempDirectory("node");
        return GatewayServer.start(GatewayConfig.defaults().withPort(0).withKafka(k -> k.withBootstrap(TestKafka.bootstrapServers())
                .withTopicPrefix(prefix).withPartitions(2).withDataDir(dataDir))
                .withCounters(c -> c.withRedis(redis.uri())).withDemoFeed(false));
    }

    /** One client: claps for its share of users through one node, over HTTP or its WebSocket. */
    private static final class Clapper {
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        final boolean overWebSocket;
        final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        final AtomicInteger ids = new AtomicInteger();
        WebSocket ws;
        /** The node closed (or broke) the current socket: a message sent now is never answered. */
        volatile boolean socketClosed;

        Clapper(boolean overWebSocket) {
            this.overWebSocket = overWebSocket;
        }

        /** Claps {@code count} for {@code user} through {@code port}: the count accepted (0 when refused). */
        int clap(int port, String post, String user, int count) throws Exception {
            String body = JSON.createObjectNode().put("user", user).put("count", count).toString();
            if (!overWebSocket) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/claps/" + post))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(20)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertTrue(r.statusCode() == 202 || r.statusCode() == 409 || r.statusCode() == 503, r.body());
                return r.statusCode() == 202 ? count : 0;
            }
            if (ws == null) {
                socketClosed = false;
                ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new WebSocket.Listener() {
                    final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            try {
                                JsonNode m = JSON.readTree(text.toString());
                                CompletableFuture<JsonNode> f = pending.remove(m.path("id").asText());
                                if (f != null) {
                                    f.complete(m);
                                }
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                            text.setLength(0);
                        }
                        socket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
                        socketClosed = true;
                        failPending(new java.io.IOException("closed " + code + " " + reason));
                        return null;
                    }

                    @Override
                    public void onError(WebSocket socket, Throwable error) {
                        socketClosed = true;
                        failPending(new java.io.IOException(error));
                    }
                }).get(5, TimeUnit.SECONDS);
            }
            String id = Integer.toString(ids.incrementAndGet());
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            pending.put(id, answer);
            ws.sendText(JSON.createObjectNode().put("type", "clap").put("post", post).put("user", user)
                    .put("count", count).put("id", id).toString(), true).get(5, TimeUnit.SECONDS);
            // The node's close may have arrived while this clap was on its way: the node drops a
            // message read after its close frame, so it stays unanswered (and uncounted).
            if (socketClosed) {
                failPending(new java.io.IOException("closed while sending"));
            }
            JsonNode m = answer.get(20, TimeUnit.SECONDS);
            String type = m.path("type").asText();
            assertTrue(type.equals("ack") || m.path("code").asText().matches("clap_limit|unavailable"), m.toString());
            return type.equals("ack") ? count : 0;
        }

        // Only requests sent after the node's last ack can be pending here: the node never read them.
        void failPending(java.io.IOException e) {
            pending.values().forEach(f -> f.completeExceptionally(e));
            pending.clear();
        }

        void closeSocket() {
            if (ws != null) {
                ws.abort();
                ws = null;
            }
        }
    }

    @Test
    void totalIsExactlyTheAcceptedClapsWhileAWorkerJoinsAndAnotherStops() throws Exception {
        String prefix = TestKafka.uniqueTopicPrefix();
        String post = "post-" + System.nanoTime();
        GatewayServer a = node(prefix);
        AtomicReference<GatewayServer> b = new AtomicReference<>();
        AtomicInteger target = new AtomicInteger(a.port());
        Map<String, AtomicInteger> acceptedByUser = new ConcurrentHashMap<>();
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger requests = new AtomicInteger();
        LinkedBlockingQueue<String> work = new LinkedBlockingQueue<>();
        // Each user claps until refused: 1..7 at a time, so the cap is hit mid-request for many.
        for (int round = 0; round < 20; round++) {
            for (int u = 0; u < USERS; u++) {
                work.add("user-" + u);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            Future<?>[] clients = new Future<?>[CLIENTS];
            for (int c = 0; c < CLIENTS; c++) {
                Clapper clapper = new Clapper(c % 2 == 1);
                int seed = c;
                clients[c] = pool.submit(() -> {
                    int n = seed;
                    for (String user; (user = work.poll()) != null; n++) {
                        int port = target.get();
                        int count = 1 + n % 7;
                        int got;
                        try {
                            got = clapper.clap(port, post, user, count);
                        } catch (java.io.IOException | java.util.concurrent.ExecutionException e) {
                            clapper.closeSocket(); // node A went away under this client: the clap may or may not count
                            work.add(user);
                            continue;
                        }
                        accepted.addAndGet(got);
                        acceptedByUser.computeIfAbsent(user, k -> new AtomicInteger()).addAndGet(got);
                        if (requests.incrementAndGet() == 150) {
                            b.set(node(prefix)); // a second worker joins the group
                        }
                        if (requests.get() == 300 && b.get() != null && target.compareAndSet(a.port(), b.get().port())) {
                            a.close(); // the first node and its worker stop
                        }
                    }
                    clapper.closeSocket();
                    return null;
                });
            }
            for (Future<?> f : clients) {
                f.get(3, TimeUnit.MINUTES);
            }
            assertTrue(requests.get() >= 300, "the run must span the join and the stop");
            for (var e : acceptedByUser.entrySet()) {
                assertTrue(e.getValue().get() <= CAP, e.getKey() + " got " + e.getValue() + " claps accepted");
            }
            GatewayServer last = b.get();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                HttpResponse<String> poll = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + last.port() + "/poll?channel=claps/" + post)).build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonNode events = JSON.readTree(poll.body()).path("events");
                assertEquals(accepted.get(), events.get(events.size() - 1).path("data").path("claps").asLong(), poll.body());
            });
        } finally {
            pool.shutdownNow();
            a.close();
            if (b.get() != null) {
                b.get().close();
            }
        }
    }
}
