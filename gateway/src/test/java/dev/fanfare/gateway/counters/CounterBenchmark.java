package dev.fanfare.gateway.counters;

import dev.fanfare.gateway.core.Json;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanfare.gateway.testing.TestKafka;
import dev.fanfare.gateway.testing.TestRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Sustained claps per second through the whole counter path — {@link CounterService} (reservation in the
 * store, record in Kafka) → {@link CounterWorker} (atomic apply) → totals topic → a subscriber's consumer — and
 * the latency from the request to the first totals record that includes the clap.
 *
 * <p>Not part of the build (its name matches neither surefire's nor failsafe's patterns). Run it with
 * <pre>
 * mvn -o -pl gateway -am verify -Dit.test=CounterBenchmark -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     [-Dfanfare.bench.store=redis|memory] [-Dfanfare.bench.posts=128] [-Dfanfare.bench.seconds=20] \
 *     [-Dfanfare.bench.coalesceMs=50] [-Dfanfare.bench.requestThreads=16]
 * </pre>
 * Closed loop: one clap in flight per post ({@code posts} in flight in all), so the k-th accepted clap of a post
 * is the k-th in its partition, and "delivered" means a totals record of that post with {@code claps >= k}.
 * Everything runs in one JVM on a shared machine: the figures are what this machine sustains, not a bound.
 */
class CounterBenchmark {

    private static final Duration WARMUP = Duration.ofSeconds(5);
    private static final int CAP = 50;

    private final String storeKind = System.getProperty("fanfare.bench.store", "redis");
    private final int posts = Integer.getInteger("fanfare.bench.posts", 128);
    private final Duration measured = Duration.ofSeconds(Integer.getInteger("fanfare.bench.seconds", 20));
    private final Duration coalesce = Duration.ofMillis(Integer.getInteger("fanfare.bench.coalesceMs", 50));
    private final int requestThreads = Integer.getInteger("fanfare.bench.requestThreads",
            CountersConfig.defaults().requestThreads());

    private final Histogram requestMicros = new ConcurrentHistogram(60_000_000L, 3);
    private final Histogram deliveryMicros = new ConcurrentHistogram(60_000_000L, 3);
    private final Map<String, PostTrack> tracks = new ConcurrentHashMap<>();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile long measureFrom;
    private volatile long measureUntil;

    @Test
    void sustainedClapsEndToEnd() throws Exception {
        TestRedis redis = storeKind.equals("redis") ? TestRedis.start() : null;
        CountersConfig defaults = CountersConfig.defaults()
                .withTopicPrefix(TestKafka.uniqueTopicPrefix())
                .withCoalesceInterval(coalesce)
                .withRequestThreads(requestThreads);
        CountersConfig config = redis == null ? defaults : defaults.withRedis(redis.uri());
        try (Counters counters = Counters.start(config, TestKafka.bootstrapServers(), true)) {
            Thread subscriber = new Thread(() -> subscribe(config.clapsTopic()), "bench-subscriber");
            subscriber.start();
            long start = System.nanoTime();
            measureFrom = start + WARMUP.toNanos();
            measureUntil = measureFrom + measured.toNanos();
            for (int p = 0; p < posts; p++) {
                String post = "post-" + p;
                tracks.put(post, new PostTrack());
                clapOn(counters.service(), post);
            }
            await().atMost(WARMUP.plus(measured).plusSeconds(30)).until(() -> System.nanoTime() - measureUntil >= 0);
            running.set(false);
            long acceptedInWindow = tracks.values().stream().mapToLong(t -> t.acceptedInWindow).sum();
            await().atMost(Duration.ofSeconds(30)).until(
                    () -> tracks.values().stream().allMatch(PostTrack::allDelivered));
            subscriber.interrupt();
            subscriber.join();
            report(acceptedInWindow);
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    /** One clap on {@code post}; when answered, the next, until the run ends. */
    private void clapOn(CounterService service, String post) {
        if (!running.get()) {
            return;
        }
        PostTrack track = tracks.get(post);
        long k = track.issued + 1;
        String user = "u" + ((k - 1) / CAP);
        long started = System.nanoTime();
        service.clap(post, user, 1).whenComplete((ack, failure) -> {
            long now = System.nanoTime();
            if (failure == null) {
                accepted.incrementAndGet();
                track.accepted(k, started, now, inWindow(started));
                if (inWindow(started)) {
                    requestMicros.recordValue((now - started) / 1_000);
                }
            } else {
                refused.incrementAndGet();
            }
            clapOn(service, post);
        });
    }

    private boolean inWindow(long nanos) {
        return nanos - measureFrom >= 0 && nanos - measureUntil < 0;
    }

    private void subscribe(String topic) {
        try (KafkaConsumer<String, byte[]> consumer = CounterRig.newConsumer()) {
            List<TopicPartition> partitions = CounterRig.partitionsOf(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    PostTrack track = tracks.get(record.key());
                    if (track != null) {
                        track.delivered(claps(record.value()), now);
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            // Done.
        }
    }

    private static long claps(byte[] value) {
        try {
            JsonNode node = Json.MAPPER.readTree(value);
            return node.get("claps").longValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void report(long acceptedInWindow) {
        double seconds = measured.toNanos() / 1e9;
        String text = String.format("""
                Counter benchmark: store=%s, posts in flight=%d, request threads=%d, coalesce=%d ms,
                  measured %.0f s after %d s warm-up
                  sustained: %.0f claps/s accepted (%d in the window; %d refused in all)
                  request -> 202:            p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms
                  request -> totals record:  p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  (%d claps)
                """, storeKind, posts, requestThreads, coalesce.toMillis(), seconds, WARMUP.toSeconds(),
                acceptedInWindow / seconds, acceptedInWindow, refused.get(),
                ms(requestMicros, 50), ms(requestMicros, 99), ms(requestMicros, 99.9),
                ms(deliveryMicros, 50), ms(deliveryMicros, 99), ms(deliveryMicros, 99.9),
                deliveryMicros.getTotalCount());
        System.out.println(text);
    }

    private static double ms(Histogram histogram, double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1_000.0;
    }

    /** The claps of one post waiting to show in a totals record. */
    private final class PostTrack {
        /** Claps accepted so far; written by the one in-flight clap's completion only. */
        volatile long issued;
        long acceptedInWindow;
        private final ArrayDeque<long[]> waiting = new ArrayDeque<>();
        private long deliveredThrough;

        synchronized void accepted(long k, long started, long now, boolean measure) {
            issued = k;
            if (measure) {
                acceptedInWindow++;
            }
            if (k <= deliveredThrough) {
                record(started, now, measure);
            } else {
                waiting.addLast(new long[] {k, started, measure ? 1 : 0});
            }
        }

        synchronized void delivered(long claps, long now) {
            deliveredThrough = Math.max(deliveredThrough, claps);
            while (!waiting.isEmpty() && waiting.peekFirst()[0] <= claps) {
                long[] clap = waiting.removeFirst();
                record(clap[1], now, clap[2] == 1);
            }
        }

        synchronized boolean allDelivered() {
            return waiting.isEmpty();
        }

        private void record(long started, long now, boolean measure) {
            if (measure) {
                deliveryMicros.recordValue((now - started) / 1_000);
            }
        }
    }
}
