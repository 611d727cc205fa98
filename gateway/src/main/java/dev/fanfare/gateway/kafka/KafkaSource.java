package dev.fanfare.gateway.kafka;

import dev.fanfare.gateway.core.FanoutHub;
import dev.fanfare.gateway.core.HealthCheck;
import dev.fanfare.gateway.core.RecordIntake;
import dev.fanfare.gateway.core.StreamLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of every stream topic on its own thread and hands the records to the
 * hub ({@link RecordIntake}). No consumer group: each node needs every event. A starting node reads the
 * latest {@code warmupRecords} of each partition first, so its rings can answer snapshots and
 * resumes at once.
 *
 * <p>A failure does not stop the node's ingestion for good: the source logs it, reports it on
 * {@link #health()}, waits (100 ms, doubling up to 10 s) and starts again with a new consumer at
 * the hub's positions, so nothing the hub has is read twice and nothing after it is skipped but
 * the record that failed (which would fail again).
 *
 * <p>Shut down like Kafka's own examples: a closed flag and {@link KafkaConsumer#wakeup()}.
 */
public final class KafkaSource implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaSource.class);
    private static final long BACKOFF_MIN_MILLIS = 100;
    private static final long BACKOFF_MAX_MILLIS = 10_000;

    private final Supplier<KafkaConsumer<byte[], byte[]>> consumers;
    private final StreamLayout layout;
    private final Map<String, Integer> streamOfTopic = new HashMap<>();
    private final List<TopicPartition> partitions = new ArrayList<>();
    private final long maxLag;
    private final long[] start;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean closed;
    /** Null while reading; else why not (a failure, until the source has read again). */
    private volatile String down;
    private volatile long lag;
    private volatile TopicPartition laggiest;
    /** Told, per record read, how many ms after its timestamp it was read: Kafka's own produce-to-consume. */
    private volatile LongConsumer readLatencyMillis = ms -> { };
    /** By global partition: records behind the log's end, and the newest record's timestamp (for the metrics). */
    private final java.util.concurrent.atomic.AtomicLongArray lagByPartition;
    private final java.util.concurrent.atomic.AtomicLongArray newestTimestamp;
    private Thread thread;

    /**
     * Connects, assigns all partitions and positions each at its warm-up start. Blocking: call at startup.
     *
     * @param maxLag records behind the end of a partition before {@link #health()} reports the node behind
     */
    public KafkaSource(String bootstrapServers, StreamLayout layout, int warmupRecords, long maxLag, String clientId) {
        this.layout = layout;
        this.maxLag = maxLag;
        this.consumers = () -> newConsumer(bootstrapServers, clientId);
        for (StreamLayout.Stream s : layout.streams()) {
            streamOfTopic.put(s.topic(), s.index());
            for (int i = 0; i < s.partitions(); i++) {
                partitions.add(new TopicPartition(s.topic(), i));
            }
        }
        this.start = new long[layout.totalPartitions()];
        this.lagByPartition = new java.util.concurrent.atomic.AtomicLongArray(layout.totalPartitions());
        this.newestTimestamp = new java.util.concurrent.atomic.AtomicLongArray(layout.totalPartitions());
        KafkaConsumer<byte[], byte[]> c = consumers.get();
        try {
            c.assign(partitions);
            Map<TopicPartition, Long> begin = c.beginningOffsets(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            for (TopicPartition tp : partitions) {
                long from = Math.max(begin.get(tp), end.get(tp) - warmupRecords);
                c.seek(tp, from);
                start[global(tp)] = from;
            }
        } catch (RuntimeException e) {
            c.close(Duration.ZERO);
            throw e;
        }
        this.consumer = c;
    }

    private static KafkaConsumer<byte[], byte[]> newConsumer(String bootstrapServers, String clientId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        // How long the broker holds a fetch that finds nothing new; a record arriving answers it at once
        // (fetch.min.bytes 1), so this sets only how often an idle node asks: 500 ms (Kafka's default)
        // took the reader's idle CPU from 0.57 % to 0.17 % of a core against 100 ms, and Kafka's own
        // produce-to-consume p50 stayed 0.6-0.9 ms (scripts/kafka-latency.jsh, docs/PERFORMANCE.md).
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaConsumer<>(p);
    }

    private int global(TopicPartition tp) {
        return layout.streams().get(streamOfTopic.get(tp.topic())).global(tp.partition());
    }

    /**
     * Where each record's read latency goes (its timestamp, set by the producer when it sent it, to
     * this reader's poll returning it): Kafka's share of a delivery, beside the node's own.
     */
    public void measureReads(LongConsumer millis) {
        readLatencyMillis = millis;
    }

    /** Per global partition, the offset this source starts at: the node knows nothing older. */
    public long[] start() {
        return start.clone();
    }

    /** Starts the reading thread, delivering to {@code hub}. */
    public synchronized void start(RecordIntake hub) {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        thread = new Thread(() -> run(hub), "fanfare-kafka-source");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(RecordIntake hub) {
        long backoff = BACKOFF_MIN_MILLIS;
        while (!closed) {
            try {
                read(hub);
            } catch (WakeupException | InterruptException e) {
                if (!closed) {
                    log.warn("Kafka source woken up unexpectedly; it starts again");
                }
            } catch (InterruptedException e) {
                if (!closed) {
                    log.warn("Kafka source interrupted unexpectedly; it starts again");
                }
            } catch (RuntimeException | Error e) {
                down = "stopped by " + e + "; restarting";
                log.error("Kafka source failed; it starts again in {} ms at the hub's positions", backoff, e);
            }
            closeConsumer();
            if (closed || !pause(backoff)) {
                return;
            }
            backoff = Math.min(backoff * 2, BACKOFF_MAX_MILLIS);
            try {
                consumer = resumeAt(hub.live());
            } catch (RuntimeException e) {
                down = "cannot start a consumer: " + e;
                log.error("Kafka source cannot start a consumer; it tries again", e);
            }
        }
    }

    private void read(RecordIntake hub) throws InterruptedException {
        KafkaConsumer<byte[], byte[]> c = consumer;
        while (!closed) {
            ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(500));
            measureLag(c);
            if (records.isEmpty()) {
                down = null;
                continue;
            }
            List<FanoutHub.Incoming> batch = new ArrayList<>(records.count());
            long now = System.currentTimeMillis();
            LongConsumer readLatency = readLatencyMillis;
            for (ConsumerRecord<byte[], byte[]> r : records) {
                readLatency.accept(now - r.timestamp());
                int stream = streamOfTopic.get(r.topic());
                batch.add(new FanoutHub.Incoming(stream, r.partition(), r.offset(), r.timestamp(), r.key(), r.value()));
                int g = layout.streams().get(stream).global(r.partition());
                if (r.timestamp() > newestTimestamp.get(g)) {
                    newestTimestamp.set(g, r.timestamp());
                }
            }
            hub.ingest(batch);
            down = null; // reading again: a failure before is over
        }
    }

    /** A new consumer positioned right after what the hub has. */
    private KafkaConsumer<byte[], byte[]> resumeAt(long[] positions) {
        KafkaConsumer<byte[], byte[]> c = consumers.get();
        try {
            c.assign(partitions);
            for (TopicPartition tp : partitions) {
                c.seek(tp, positions[global(tp)]);
            }
            return c;
        } catch (RuntimeException e) {
            c.close(Duration.ZERO);
            throw e;
        }
    }

    // From the consumer's last fetch: no request of its own.
    private void measureLag(KafkaConsumer<byte[], byte[]> c) {
        long most = 0;
        TopicPartition at = null;
        for (TopicPartition tp : partitions) {
            OptionalLong l = c.currentLag(tp);
            if (l.isPresent()) {
                lagByPartition.set(global(tp), l.getAsLong());
            }
            if (l.isPresent() && l.getAsLong() > most) {
                most = l.getAsLong();
                at = tp;
            }
        }
        lag = most;
        laggiest = at;
    }

    // Closing is asked for by interrupting this thread: the interrupt must not fail the close.
    private void closeConsumer() {
        boolean interrupted = Thread.interrupted();
        try {
            consumer.close(Duration.ofSeconds(1));
        } catch (RuntimeException e) {
            log.debug("Kafka consumer close: {}", e.toString());
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** Records the node is behind the end of global partition {@code g}, as of its last fetch. */
    public long lag(int g) {
        return lagByPartition.get(g);
    }

    /** The timestamp of the newest record read from global partition {@code g} (0: none yet). */
    public long newestTimestamp(int g) {
        return newestTimestamp.get(g);
    }

    /**
     * Whether this node is ingesting: down while the source waits to restart after a failure, or
     * when a partition is more than {@code maxLag} records behind its end.
     */
    public HealthCheck health() {
        return HealthCheck.of("ingest", true, () -> {
            String why = down;
            if (why == null && closed) {
                why = "stopped";
            }
            if (why == null && lag > maxLag) {
                why = "behind by " + lag + " records on " + laggiest + " (expected: at most " + maxLag + ")";
            }
            return why == null ? HealthCheck.Status.UP : HealthCheck.Status.down(why);
        });
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (thread == null) {
            consumer.close(Duration.ZERO);
            return;
        }
        consumer.wakeup();
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
