package dev.fanfare.gateway.counters;

import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.ErrorCode;
import dev.fanfare.gateway.core.Json;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanfare.gateway.counters.CounterRig.TotalsReader;
import dev.fanfare.gateway.testing.Callers;
import dev.fanfare.gateway.testing.TestKafka;
import dev.fanfare.gateway.testing.TestRedis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** Claps and likes end to end through the request path, Kafka, the worker and Redis (all real). */
class CounterWorkerIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String POST = "post-1";
    private static final int CLIENTS = 20;
    private static final int USERS = 40;

    private static TestRedis redis;
    private ExecutorService clients;

    @BeforeAll
    static void startRedis() {
        redis = TestRedis.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void emptyRedis() {
        redis.flushAll();
        clients = Executors.newFixedThreadPool(CLIENTS);
    }

    @AfterEach
    void stopClients() {
        clients.shutdownNow();
    }

    @Test
    void concurrentClapsAreCountedExactlyAcrossAWorkerRestartAndARebalance() throws Exception {
        int partitions = 3;
        // A cap of 100 keeps the claps flowing long enough for the rebalance to happen among them.
        try (CounterRig rig = CounterRig.start(redis, partitions, 100)) {
            // One post per partition, so whichever partition changes owner carries claps.
            List<String> posts = onePostPerPartition(partitions);
            CounterWorker first = rig.startWorker();
            Tally tally = new Tally();
            long allCaps = (long) posts.size() * USERS * rig.config.clapCap();
            CountDownLatch rebalanced = new CountDownLatch(1);
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                boolean http = c % 2 == 0;
                running.add(clients.submit(() -> {
                    // Until every user's cap is full: the phases below happen while claps flow.
                    while (tally.claps.get() < allCaps) {
                        if (tally.claps.get() >= allCaps * 85 / 100) {
                            // The rest once the rebalance is done, so claps also flow after it.
                            assertTrue(rebalanced.await(PATIENCE.toSeconds(), SECONDS));
                        }
                        int post = ThreadLocalRandom.current().nextInt(posts.size());
                        int user = ThreadLocalRandom.current().nextInt(USERS);
                        int count = 1 + ThreadLocalRandom.current().nextInt(2);
                        int status = clap(rig, http, posts.get(post), "u" + user, count);
                        tally.record(post * USERS + user, count, status);
                    }
                    return null;
                }));
            }

            await().atMost(PATIENCE).until(() -> tally.claps.get() >= allCaps / 4);
            first.close(); // actions pile up unapplied while no worker runs
            await().atMost(PATIENCE).until(() -> tally.claps.get() >= allCaps / 2);
            CounterWorker second = rig.startWorker();
            await().atMost(PATIENCE).until(() -> tally.claps.get() >= 2 * allCaps / 3);
            CounterWorker third = rig.startWorker(); // joins the group while claps flow: a rebalance
            await().atMost(PATIENCE).until(() -> second.assignedPartitions() > 0 && third.assignedPartitions() > 0);
            rebalanced.countDown();
            for (Future<?> client : running) {
                client.get(PATIENCE.toSeconds(), SECONDS);
            }

            assertEquals(0, tally.unavailable.get() + tally.other.get(), "every request got 202 or 409");
            assertEquals(allCaps, tally.claps.get(), "every cap is full");
            long perPost = (long) USERS * rig.config.clapCap();
            try (Jedis jedis = redis.connect()) {
                for (int post = 0; post < posts.size(); post++) {
                    String id = posts.get(post);
                    await().atMost(PATIENCE).until(() -> rig.store.totals(id).claps(), equalTo(perPost));
                    assertPublished(rig, new PostTotals(id, perPost, 0));
                    Map<String, String> reserved = jedis.hgetAll("claps:reserved:" + id);
                    for (int user = 0; user < USERS; user++) {
                        assertEquals(rig.config.clapCap(), tally.userClaps.get(post * USERS + user),
                                "claps accepted for u" + user + " on " + id);
                        assertEquals(String.valueOf(rig.config.clapCap()), reserved.get("u" + user),
                                "claps reserved for u" + user + " on " + id);
                    }
                }
            }
        }
    }

    /** Post ids that Kafka's default partitioner puts on partitions 0, 1, ... in that order. */
    private static List<String> onePostPerPartition(int partitions) {
        String[] posts = new String[partitions];
        int found = 0;
        for (int i = 1; found < partitions; i++) {
            String post = "post-" + i;
            int partition = Utils.toPositive(Utils.murmur2(post.getBytes(StandardCharsets.UTF_8))) % partitions;
            if (posts[partition] == null) {
                posts[partition] = post;
                found++;
            }
        }
        return List.of(posts);
    }

    @Test
    void workersThatBothApplyEveryActionStillCountItOnce() throws Exception {
        try (CounterRig rig = CounterRig.start(redis, 3)) {
            rig.startWorker();
            // A worker of another group applies the same partitions, as a zombie owner or a replay would.
            CountersConfig otherGroup = rig.config.withTopicPrefix(rig.config.topicPrefix() + "zombie.");
            TestKafka.admin().ensureTopics(List.of(otherGroup.clapsTopic(), otherGroup.likesTopic()), 1, true);
            try (CounterWorker zombie = new CounterWorker(rig.store, TestKafka.bootstrapServers(), otherGroup,
                    rig.actions);
                    KafkaProducer<String, byte[]> importer =
                            Counters.newActionsProducer(TestKafka.bootstrapServers(), rig.config)) {
                zombie.start();
                runConcurrently(200, i -> rig.service.clap(POST, "u" + (i % USERS), 1));
                runConcurrently(2 * USERS, i -> rig.service.like(POST, "u" + (i % USERS)));
                // Claps recorded without a reservation (an import): only the applied offset keeps them single.
                for (int i = 0; i < 100; i++) {
                    importer.send(new ProducerRecord<>(rig.config.actionsTopic(), POST,
                            CounterAction.clap(POST, "imported", 2, CounterAction.NO_RESERVATION).toJson()));
                }
                importer.flush();
                await().atMost(PATIENCE).until(() -> rig.store.totals(POST).claps(), equalTo(400L));
            }

            PostTotals expected = new PostTotals(POST, 400, USERS);
            assertEquals(expected, rig.store.totals(POST));
            assertPublished(rig, expected);
        }
    }

    @Test
    void likesAndUnlikesAreIdempotentUnderConcurrentDuplicates() throws Exception {
        try (CounterRig rig = CounterRig.start(redis, 3)) {
            rig.startWorker();
            runConcurrently(USERS * 3, i -> rig.service.like(POST, "u" + (i % USERS)));
            await().atMost(PATIENCE).until(() -> rig.store.totals(POST).likes(), equalTo((long) USERS));

            runConcurrently(USERS * 3, i -> i % USERS < USERS / 2
                    ? rig.service.unlike(POST, "u" + (i % USERS))
                    : rig.service.like(POST, "u" + (i % USERS)));
            runConcurrently(30, i -> rig.service.unlike(POST, "never-liked-" + (i % 10)));

            await().atMost(PATIENCE).until(() -> rig.store.totals(POST).likes(), equalTo((long) USERS / 2));
            assertPublished(rig, new PostTotals(POST, 0, USERS / 2));
            try (Jedis jedis = redis.connect()) {
                Set<String> likers = jedis.smembers("likes:users:" + POST);
                assertEquals(USERS / 2, likers.size());
                assertFalse(likers.contains("u0"));
                assertTrue(likers.contains("u" + (USERS - 1)));
            }
        }
    }

    @Test
    void redisDownMeans503sAndTheTotalsAreExactAfterItIsBack() throws Exception {
        try (CounterRig rig = CounterRig.start(redis, 3)) {
            rig.startWorker();
            Tally tally = new Tally();
            Set<String> likers = ConcurrentHashMap.newKeySet();
            AtomicBoolean down = new AtomicBoolean();
            AtomicInteger acceptedWhileDown = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                boolean http = c % 2 == 0;
                running.add(clients.submit(() -> {
                    while (!stop.get()) {
                        int user = ThreadLocalRandom.current().nextInt(400);
                        boolean downBefore = down.get();
                        int status;
                        if (ThreadLocalRandom.current().nextInt(4) == 0) {
                            status = status(rig.service.like(POST, "u" + user));
                            if (status == 202) {
                                likers.add("u" + user);
                            }
                            tally.record(-1, 0, status);
                        } else {
                            status = clap(rig, http, POST, "u" + user, 1);
                            tally.record(user, 1, status);
                        }
                        if (status == 202 && downBefore && down.get()) {
                            acceptedWhileDown.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }

            await().atMost(PATIENCE).until(() -> tally.accepted.get() >= 200);
            redis.stop();
            down.set(true);
            assertFalse(rig.service.storeUp().toCompletableFuture().get(30, SECONDS), "health sees Redis down");
            int unavailableBefore = tally.unavailable.get();
            await().atMost(PATIENCE).until(() -> tally.unavailable.get() >= unavailableBefore + 50);
            down.set(false);
            redis.restart();
            await().atMost(PATIENCE).until(() -> rig.service.storeUp().toCompletableFuture().get(30, SECONDS));
            int acceptedAfterRestart = tally.accepted.get();
            await().atMost(PATIENCE).until(() -> tally.accepted.get() >= acceptedAfterRestart + 200);
            stop.set(true);
            for (Future<?> client : running) {
                client.get(PATIENCE.toSeconds(), SECONDS);
            }

            assertEquals(0, acceptedWhileDown.get(), "no action accepted while Redis was down");
            assertEquals(0, tally.other.get(), "only 202, 409 and 503 answers");
            PostTotals expected = new PostTotals(POST, tally.claps.get(), likers.size());
            await().atMost(PATIENCE).until(() -> rig.store.totals(POST), equalTo(expected));
            assertPublished(rig, expected);
        }
    }

    @Test
    void totalsLostWithRedisDataAreRebuiltFromTheLog() throws Exception {
        try (CounterRig rig = CounterRig.start(redis, 3)) {
            rig.startWorker();
            List<String> posts = List.of("a", "b", "c", "d", "e", "f");
            for (String post : posts) {
                runConcurrently(20, i -> rig.service.clap(post, "u" + (i % 4), 2));
                rig.service.like(post, "u1").toCompletableFuture().get(30, SECONDS);
            }
            assertEquals(202, status(rig.service.clap("a", "full", rig.config.clapCap())));
            PostTotals expectedA = new PostTotals("a", 40 + rig.config.clapCap(), 1);
            await().atMost(PATIENCE).until(() -> rig.store.totals("a"), equalTo(expectedA));

            redis.crash();
            redis.restart();

            for (String post : posts) {
                PostTotals expected = post.equals("a") ? expectedA : new PostTotals(post, 40, 1);
                await().atMost(PATIENCE).ignoreExceptions().until(() -> rig.store.totals(post), equalTo(expected));
            }
            assertEquals(409, status(rig.service.clap("a", "full", 1)), "the cap is rebuilt too");
        }
    }

    private void assertPublished(CounterRig rig, PostTotals expected) {
        for (String topic : List.of(rig.config.clapsTopic(), rig.config.likesTopic())) {
            TotalsReader reader = rig.totalsOn(topic);
            await().atMost(PATIENCE).pollInSameThread().until(() -> reader.latest(expected.post()), equalTo(expected));
        }
    }

    private void runConcurrently(int requests, IntFunction<CompletionStage<?>>
            request) throws Exception {
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            int n = i;
            answers.add(clients.submit(() -> status(request.apply(n))));
        }
        for (Future<Integer> answer : answers) {
            assertEquals(202, answer.get(PATIENCE.toSeconds(), SECONDS));
        }
    }

    /** Claps through the HTTP glue or the WebSocket glue; the answer's HTTP status. */
    static int clap(CounterRig rig, boolean http, String post, String user, int count) throws Exception {
        if (http) {
            byte[] body = ("{\"user\":\"" + user + "\",\"count\":" + count + "}").getBytes(StandardCharsets.UTF_8);
            return rig.requests.clap(Callers.ANYONE, post, body).toCompletableFuture().get(30, SECONDS).status();
        }
        ObjectNode message = Json.MAPPER.createObjectNode().put("type", "clap").put("post", post)
                .put("user", user).put("count", count).put("id", "1");
        ObjectNode frame = rig.requests.websocket(Callers.ANYONE, message).toCompletableFuture().get(30, SECONDS);
        if (frame.get("type").textValue().equals("ack")) {
            return 202;
        }
        for (ErrorCode reason : ErrorCode.values()) {
            if (reason.code().equals(frame.get("code").textValue())) {
                return reason.status();
            }
        }
        throw new AssertionError("unexpected frame " + frame);
    }

    static int status(CompletionStage<?> answer) throws Exception {
        try {
            answer.toCompletableFuture().get(30, SECONDS);
            return 202;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ApiException rejection) {
                return rejection.code().status();
            }
            throw e;
        }
    }

    /** What the clients were answered. */
    private static final class Tally {
        final AtomicInteger requests = new AtomicInteger();
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger limited = new AtomicInteger();
        final AtomicInteger unavailable = new AtomicInteger();
        final AtomicInteger other = new AtomicInteger();
        final AtomicLong claps = new AtomicLong();
        final AtomicLongArray userClaps = new AtomicLongArray(400);

        void record(int user, int count, int status) {
            switch (status) {
                case 202 -> {
                    if (user >= 0) {
                        userClaps.addAndGet(user, count);
                        claps.addAndGet(count);
                    }
                    accepted.incrementAndGet();
                }
                case 409 -> limited.incrementAndGet();
                case 503 -> unavailable.incrementAndGet();
                default -> other.incrementAndGet();
            }
            requests.incrementAndGet();
        }

    }
}
