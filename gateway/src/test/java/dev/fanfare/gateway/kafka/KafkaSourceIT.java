package dev.fanfare.gateway.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanfare.gateway.core.FanoutHub;
import dev.fanfare.gateway.core.HealthCheck;
import dev.fanfare.gateway.core.RecordIntake;
import dev.fanfare.gateway.core.StreamLayout;
import dev.fanfare.gateway.testing.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The node's reader on a real broker: it starts again after a failure instead of stopping for
 * good, and {@code /health}'s ingest check says so meanwhile, and when the node falls behind.
 */
@Timeout(120)
class KafkaSourceIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    /** What the source handed over, by offset, and a way to make it fail or wait. */
    private static final class Intake implements RecordIntake {
        final List<Long> offsets = new ArrayList<>();
        final long[] live = new long[1];
        final AtomicInteger calls = new AtomicInteger();
        volatile int failFirst;
        volatile CountDownLatch holdOn = new CountDownLatch(0);
        volatile int holdFromCall = Integer.MAX_VALUE;
        /** When set, its health is noted at every batch (right after the poll that read it). */
        volatile KafkaSource watch;
        private final List<HealthCheck.Status> seen = new ArrayList<>();

        @Override
        public void ingest(List<FanoutHub.Incoming> records) throws InterruptedException {
            int call = calls.incrementAndGet();
            KafkaSource w = watch;
            if (w != null) {
                HealthCheck.Status h = health(w);
                synchronized (this) {
                    seen.add(h);
                }
            }
            if (call <= failFirst) {
                throw new IllegalStateException("simulated failure " + call);
            }
            if (call >= holdFromCall) {
                holdOn.await();
            }
            synchronized (this) {
                for (FanoutHub.Incoming r : records) {
                    offsets.add(r.offset());
                    live[0] = Math.max(live[0], r.offset() + 1);
                }
            }
        }

        @Override
        public synchronized long[] live() {
            return live.clone();
        }

        synchronized List<Long> offsets() {
            return List.copyOf(offsets);
        }

        synchronized List<HealthCheck.Status> seen() {
            return List.copyOf(seen);
        }
    }

    private static StreamLayout layout(String topic) {
        TopicMeta meta = TestKafka.createTopic(topic, 1);
        return StreamLayout.of(List.of("demo"), List.of(topic),
                List.of(new UUID(meta.topicId().getMostSignificantBits(), meta.topicId().getLeastSignificantBits())),
                List.of(1));
    }

    private static void produce(String topic, int count) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "k".getBytes(StandardCharsets.UTF_8),
                        ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private static HealthCheck.Status health(KafkaSource source) {
        return source.health().check().toCompletableFuture().join();
    }

    @Test
    void aFailureRestartsTheSourceWhereTheHubStandsAndHealthSaysSoUntilItReadsAgain() throws Exception {
        String topic = TestKafka.uniqueTopicPrefix() + "demo";
        StreamLayout layout = layout(topic);
        Intake intake = new Intake();
        intake.failFirst = 1;
        CountDownLatch released = new CountDownLatch(1);
        intake.holdOn = released;
        intake.holdFromCall = 2; // the first call after the restart waits for the test
        try (KafkaSource source = new KafkaSource(TestKafka.bootstrapServers(), layout, 0, 1_000_000, "test-source")) {
            assertTrue(health(source).up());
            source.start(intake);
            produce(topic, 5);
            await().atMost(PATIENCE).until(() -> intake.calls.get() >= 2);
            HealthCheck.Status meanwhile = health(source);
            assertFalse(meanwhile.up(), "down while the source has not read again");
            assertTrue(meanwhile.detail().contains("simulated failure 1"), meanwhile.detail());

            released.countDown();
            await().atMost(PATIENCE).until(() -> intake.offsets().size() >= 5);
            await().atMost(PATIENCE).until(() -> health(source).up());
            produce(topic, 3);
            await().atMost(PATIENCE).until(() -> intake.offsets().size() >= 8);
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L), intake.offsets(),
                    "the failed batch is read again, nothing twice, nothing skipped");
        }
    }

    @Test
    void aSourceBehindByMoreThanTheAllowedLagIsReportedDown() throws Exception {
        String topic = TestKafka.uniqueTopicPrefix() + "demo";
        StreamLayout layout = layout(topic);
        Intake intake = new Intake();
        CountDownLatch released = new CountDownLatch(1);
        intake.holdOn = released;
        intake.holdFromCall = 1;
        try (KafkaSource source = new KafkaSource(TestKafka.bootstrapServers(), layout, 0, 100, "test-source")) {
            intake.watch = source;
            source.start(intake);
            produce(topic, 1);
            await().atMost(PATIENCE).until(() -> intake.calls.get() >= 1); // the reader waits on its first batch
            produce(topic, 3000);
            intake.holdFromCall = Integer.MAX_VALUE;
            released.countDown();
            await().atMost(PATIENCE).until(() -> intake.offsets().size() == 3001);
            assertTrue(intake.seen().stream().anyMatch(h -> !h.up() && h.detail().startsWith("behind by ")),
                    "reported behind while catching up: " + intake.seen());
            await().atMost(PATIENCE).until(() -> health(source).up());
        }
    }
}
