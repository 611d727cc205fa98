package dev.fanfare.gateway.counters;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanfare.gateway.core.Json;
import dev.fanfare.gateway.kafka.TopicMeta;
import dev.fanfare.gateway.testing.TestKafka;
import dev.fanfare.gateway.limits.ClientLimits;
import dev.fanfare.gateway.transport.CounterRequests;
import dev.fanfare.gateway.testing.TestRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The counter parts wired as {@link Counters} wires them, on the shared test broker and fresh topics, but with
 * workers a test can start and stop one by one.
 */
public final class CounterRig implements AutoCloseable {

    public final CountersConfig config;
    final CounterStore store;
    final TopicMeta actions;
    public final CounterService service;
    final CounterRequests requests;
    private final ThreadPoolExecutor executor;
    private final KafkaProducer<String, byte[]> producer;
    private final List<CounterWorker> workers = new ArrayList<>();
    private final List<AutoCloseable> readers = new ArrayList<>();

    private CounterRig(CountersConfig config) {
        this.config = config;
        this.actions = TestKafka.admin().ensureTopics(
                List.of(config.actionsTopic(), config.clapsTopic(), config.likesTopic()),
                config.actionsPartitions(), true).get(config.actionsTopic());
        this.store = Counters.newStore(config);
        this.executor = Counters.newRequestExecutor(config);
        this.producer = Counters.newActionsProducer(TestKafka.bootstrapServers(), config);
        this.service = new CounterService(store, producer, config.actionsTopic(), config.clapCap(), executor);
        this.requests = new CounterRequests(service, ClientLimits.none(), new dev.fanfare.gateway.metrics.GatewayMetrics());
    }

    /** A rig on fresh topics, counting in {@code redis} (null: in memory), with the default cap. */
    public static CounterRig start(TestRedis redis, int partitions) {
        return start(redis, partitions, CountersConfig.defaults().clapCap());
    }

    static CounterRig start(TestRedis redis, int partitions, int clapCap) {
        CountersConfig config = CountersConfig.defaults()
                .withTopicPrefix(TestKafka.uniqueTopicPrefix())
                .withActionsPartitions(partitions)
                .withClapCap(clapCap)
                .withRetryBackoffMax(Duration.ofMillis(500));
        return new CounterRig(redis == null ? config : config.withRedis(redis.uri()));
    }

    CounterWorker startWorker() {
        CounterWorker worker = new CounterWorker(store, TestKafka.bootstrapServers(), config, actions);
        workers.add(worker);
        worker.start();
        return worker;
    }

    /** Reads the totals published on {@code topic} (the claps or the likes topic). */
    TotalsReader totalsOn(String topic) {
        TotalsReader reader = new TotalsReader(topic);
        readers.add(reader);
        return reader;
    }

    @Override
    public void close() throws Exception {
        for (CounterWorker worker : workers) {
            worker.close();
        }
        for (AutoCloseable reader : readers) {
            reader.close();
        }
        executor.shutdown();
        executor.awaitTermination(10, TimeUnit.SECONDS);
        producer.close();
        store.close();
    }

    /** A consumer of the test broker, in no group. */
    public static KafkaConsumer<String, byte[]> newConsumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    public static List<TopicPartition> partitionsOf(KafkaConsumer<?, ?> consumer, String topic) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic)) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        return partitions;
    }

    /** The latest totals per post on one totals topic, read from its start. Use from one thread. */
    static final class TotalsReader implements AutoCloseable {

        private final KafkaConsumer<String, byte[]> consumer;
        private final Map<String, PostTotals> latest = new HashMap<>();
        private int records;

        private TotalsReader(String topic) {
            consumer = newConsumer();
            List<TopicPartition> partitions = partitionsOf(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** The latest totals of {@code post} read so far, after reading what has arrived. */
        PostTotals latest(String post) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                records++;
                PostTotals totals = parse(record.value());
                if (!totals.post().equals(record.key())) {
                    throw new AssertionError("totals of " + totals.post() + " under key " + record.key());
                }
                latest.put(record.key(), totals);
            }
            return latest.getOrDefault(post, new PostTotals(post, 0, 0));
        }

        int records() {
            return records;
        }

        private static PostTotals parse(byte[] value) {
            try {
                JsonNode node = Json.MAPPER.readTree(value);
                return new PostTotals(node.get("post").textValue(), node.get("claps").longValue(),
                        node.get("likes").longValue());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
