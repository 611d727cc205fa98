package dev.fanfare.gateway.kafka;

import dev.fanfare.gateway.core.FanoutHub;
import dev.fanfare.gateway.core.StreamLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of every stream topic on its own thread and hands the records to the
 * {@link FanoutHub}. No consumer group: each node needs every event. A starting node reads the
 * latest {@code warmupRecords} of each partition first, so its rings can answer snapshots and
 * resumes at once.
 *
 * <p>Shut down like Kafka's own examples: a closed flag and {@link KafkaConsumer#wakeup()}.
 */
public final class KafkaSource implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaSource.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final StreamLayout layout;
    private final Map<String, Integer> streamOfTopic = new HashMap<>();
    private final long[] start;
    private volatile boolean closed;
    private Thread thread;

    /** Connects, assigns all partitions and positions each at its warm-up start. Blocking: call at startup. */
    public KafkaSource(String bootstrapServers, StreamLayout layout, int warmupRecords, String clientId) {
        this.layout = layout;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumer = new KafkaConsumer<>(p);
        List<TopicPartition> all = new ArrayList<>();
        for (StreamLayout.Stream s : layout.streams()) {
            streamOfTopic.put(s.topic(), s.index());
            for (int i = 0; i < s.partitions(); i++) {
                all.add(new TopicPartition(s.topic(), i));
            }
        }
        this.start = new long[layout.totalPartitions()];
        try {
            consumer.assign(all);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(all);
            Map<TopicPartition, Long> end = consumer.endOffsets(all);
            for (TopicPartition tp : all) {
                long from = Math.max(begin.get(tp), end.get(tp) - warmupRecords);
                consumer.seek(tp, from);
                start[layout.stream(nameOf(tp)).global(tp.partition())] = from;
            }
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e;
        }
    }

    private String nameOf(TopicPartition tp) {
        return layout.streams().get(streamOfTopic.get(tp.topic())).name();
    }

    /** Per global partition, the offset this source starts at: the node knows nothing older. */
    public long[] start() {
        return start.clone();
    }

    /** Starts the reading thread, delivering to {@code hub}. */
    public synchronized void start(FanoutHub hub) {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        thread = new Thread(() -> run(hub), "fanfare-kafka-source");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(FanoutHub hub) {
        try {
            while (!closed) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    continue;
                }
                List<FanoutHub.Incoming> batch = new ArrayList<>(records.count());
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    batch.add(new FanoutHub.Incoming(streamOfTopic.get(r.topic()), r.partition(), r.offset(),
                            r.timestamp(), r.key(), r.value()));
                }
                hub.ingest(batch);
            }
        } catch (WakeupException e) {
            if (!closed) {
                log.error("Kafka source woken up unexpectedly; it stops", e);
            }
        } catch (RuntimeException e) {
            log.error("Kafka source failed; this node receives no more events", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (thread == null) {
            consumer.close(Duration.ZERO);
            return;
        }
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
