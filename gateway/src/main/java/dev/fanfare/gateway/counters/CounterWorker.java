package dev.fanfare.gateway.counters;

import dev.fanfare.gateway.kafka.TopicMeta;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import dev.fanfare.gateway.kafka.Producers;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds the actions topic into the counter store and publishes the totals. A member of the consumer group
 * {@code fanfare-counters} ({@link CountersConfig#groupId()}), so gateway nodes share the partitions, one
 * owner each. One thread of its own.
 *
 * <p>Exactly once, without Kafka transactions: each batch of a partition is applied in one atomic store call
 * together with the partition's applied offset, and actions at or below that offset are skipped. So the
 * store's offset, not Kafka's committed offset, says where a partition stands: a new owner seeks to it, and
 * the commit to Kafka (after applying) only serves tooling. A redelivery after a crash or a rebalance, or a
 * zombie owner, never counts twice; nothing is skipped.
 *
 * <p>While the store is unreachable the worker pauses its partitions, seeks back to the first unapplied
 * record and retries with exponential backoff (up to {@code retryBackoffMax}). If the store lost its state
 * (no offset where one was applied before), the partition is replayed from the start of the log.
 *
 * <p>Totals go to {@code fanfare.claps} and {@code fanfare.likes}, keyed by post, at most one update per
 * post per {@code coalesceInterval} ({@link TotalsCoalescer}). Shut down with {@link #close()}
 * ({@code wakeup()} and a closed flag, as KafkaConsumer's Javadoc describes).
 */
public final class CounterWorker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CounterWorker.class);
    private static final AtomicInteger WORKERS = new AtomicInteger();
    /** How long closing waits for the group to be left and the last totals to be sent (the store's offsets are the truth). */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final long RETRY_BACKOFF_MIN_NANOS = Duration.ofMillis(100).toNanos();
    /** Longest poll while nothing is due, so closing and retries are never far away. */
    private static final long MAX_POLL_NANOS = Duration.ofMillis(200).toNanos();
    /** Posts waiting for a totals publication before all are published at once. */
    private static final int MAX_WAITING_TOTALS = 100_000;
    private static final int MAX_POLL_RECORDS = 500;
    /** How often the store is asked whether it still holds the offsets applied, so lost data is rebuilt. */
    private static final long OFFSET_CHECK_NANOS = Duration.ofSeconds(1).toNanos();

    private final CounterStore store;
    private final CountersConfig config;
    private final TopicMeta actionsTopic;
    private final List<String> totalsTopics;
    private final KafkaConsumer<String, byte[]> consumer;
    private volatile long lag;
    private final KafkaProducer<String, byte[]> totalsProducer;
    private final TotalsCoalescer coalescer;
    private final Thread thread;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Posts whose totals Kafka did not take; re-read from the store and published again. */
    private final Set<String> unpublished = ConcurrentHashMap.newKeySet();
    private final long retryBackoffMaxNanos;

    // Worker thread only.
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private long retryBackoffNanos = RETRY_BACKOFF_MIN_NANOS;
    private long retryAt;
    private boolean backingOff;
    private long nextOffsetCheck = System.nanoTime() + OFFSET_CHECK_NANOS;

    private volatile int assignedPartitions;

    /**
     * @param actionsTopic the actions topic as it exists now (its id names the applied offsets in the store, so
     *        a recreated topic starts afresh)
     */
    public CounterWorker(CounterStore store, String bootstrapServers, CountersConfig config, TopicMeta actionsTopic) {
        this.store = store;
        this.config = config;
        this.actionsTopic = actionsTopic;
        this.totalsTopics = List.of(config.clapsTopic(), config.likesTopic());
        this.coalescer = new TotalsCoalescer(config.coalesceInterval().toNanos(), MAX_WAITING_TOTALS);
        this.retryBackoffMaxNanos = config.retryBackoffMax().toNanos();
        String name = "fanfare-counter-worker-" + WORKERS.incrementAndGet();
        this.consumer = new KafkaConsumer<>(consumerProperties(bootstrapServers, config.groupId(), name),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.totalsProducer = new KafkaProducer<>(Producers.reliable(bootstrapServers, name + "-totals", config.kafkaTimeout()),
                new StringSerializer(), new ByteArraySerializer());
        this.thread = new Thread(this::run, name);
    }

    /** Starts the worker's thread. */
    public void start() {
        if (!closed.get()) {
            thread.start();
        }
    }

    /** Partitions of the actions topic this worker owns now (for health and tests). */
    public int assignedPartitions() {
        return assignedPartitions;
    }

    /** Stops the worker: publishes waiting totals, commits, leaves the group, and waits for its thread. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (thread.getState() == Thread.State.NEW) {
            closeClients();
            return;
        }
        consumer.wakeup();
        if (Thread.currentThread() != thread) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        log.info("Counter worker {} consuming {} (group {}, store {})", thread.getName(), actionsTopic.name(),
                config.groupId(), store.describe());
        try {
            consumer.subscribe(List.of(actionsTopic.name()), new Rebalance());
            while (!closed.get()) {
                try {
                    runOnce();
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // A worker that gave up would leave its partitions' totals frozen while requests still get
                    // 202: log, back off and carry on from the store's offsets.
                    backOff("poll and apply", e);
                }
            }
        } catch (WakeupException e) {
            if (!closed.get()) {
                throw e;
            }
        } finally {
            shutDown();
        }
    }

    private void runOnce() {
        resumeWhenRetryIsDue();
        checkStoredOffsets();
        positionNewPartitions();
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofNanos(pollNanos()));
        measureLag();
        applyAll(records);
        republishUnpublished();
        publish(coalescer.takeDue(System.nanoTime()));
        commitApplied(false);
    }

    // From the consumer's last fetch, no request of its own.
    private void measureLag() {
        long sum = 0;
        for (TopicPartition tp : consumer.assignment()) {
            sum += consumer.currentLag(tp).orElse(0);
        }
        lag = sum;
    }

    /** Actions this worker's partitions hold that it has not read yet, as of its last fetch (for the metrics). */
    public long lag() {
        return lag;
    }

    private void shutDown() {
        try {
            publish(coalescer.takeAll(System.nanoTime()));
            try {
                commitApplied(true);
            } catch (WakeupException e) {
                commitApplied(true); // the wakeup of close() was still pending: it is spent now
            }
        } catch (RuntimeException e) {
            log.warn("Counter worker {}: final commit failed (the store's offsets still hold)", thread.getName(), e);
        } finally {
            closeClients();
            assignedPartitions = 0;
            log.info("Counter worker {} stopped", thread.getName());
        }
    }

    /** Closes the consumer (leaving the group) and the totals producer, each within {@link #CLOSE_TIMEOUT}. */
    private void closeClients() {
        consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
        totalsProducer.close(CLOSE_TIMEOUT);
    }

    /** Positions partitions just assigned at the store's applied offset (the truth), then lets them fetch. */
    private void positionNewPartitions() {
        if (backingOff) {
            return;
        }
        for (Map.Entry<TopicPartition, PartitionState> entry : partitions.entrySet()) {
            PartitionState state = entry.getValue();
            if (state.positioned) {
                continue;
            }
            TopicPartition partition = entry.getKey();
            long applied;
            try {
                applied = store.appliedOffset(storeKey(partition));
            } catch (RuntimeException e) {
                backOff("read the applied offset of " + partition, e);
                return;
            }
            if (applied < 0) {
                consumer.seekToBeginning(List.of(partition));
            } else {
                consumer.seek(partition, applied + 1);
            }
            state.positioned = true;
            state.offsetStored = applied >= 0;
            consumer.resume(List.of(partition));
        }
    }

    /**
     * A store that lost its data (Redis restarted without persistence) has no offsets where some were
     * applied: replay those partitions from the start of the log, even if no new action arrives to notice it.
     */
    private void checkStoredOffsets() {
        long now = System.nanoTime();
        if (backingOff || now - nextOffsetCheck < 0) {
            return;
        }
        nextOffsetCheck = now + OFFSET_CHECK_NANOS;
        for (Map.Entry<TopicPartition, PartitionState> entry : partitions.entrySet()) {
            PartitionState state = entry.getValue();
            if (!state.positioned || !state.offsetStored) {
                continue;
            }
            try {
                if (store.appliedOffset(storeKey(entry.getKey())) < 0) {
                    replayFromStart(entry.getKey(), state);
                }
            } catch (RuntimeException e) {
                backOff("check the applied offset of " + entry.getKey(), e);
                return;
            }
        }
    }

    private void replayFromStart(TopicPartition partition, PartitionState state) {
        log.warn("The counter store lost the applied offset of {} (its data was lost): replaying the partition "
                + "from the start of the log", partition);
        state.positioned = false;
        consumer.pause(List.of(partition));
    }

    private void applyAll(ConsumerRecords<String, byte[]> records) {
        List<TopicPartition> fetched = new ArrayList<>(records.partitions());
        for (int i = 0; i < fetched.size(); i++) {
            TopicPartition partition = fetched.get(i);
            PartitionState state = partitions.get(partition);
            if (state == null || !state.positioned) {
                continue; // revoked, or about to be positioned again: it will be fetched from the right place
            }
            List<ConsumerRecord<String, byte[]>> batch = records.records(partition);
            AppliedBatch applied;
            try {
                applied = store.apply(storeKey(partition), decode(batch), state.offsetStored);
            } catch (RuntimeException e) {
                // Nothing of this partition or the following ones was applied: fetch them again later.
                for (TopicPartition unapplied : fetched.subList(i, fetched.size())) {
                    if (partitions.containsKey(unapplied)) {
                        consumer.seek(unapplied, records.records(unapplied).get(0).offset());
                    }
                }
                backOff("apply actions of " + partition, e);
                return;
            }
            if (applied.offsetMissing()) {
                replayFromStart(partition, state);
                continue;
            }
            retryBackoffNanos = RETRY_BACKOFF_MIN_NANOS;
            state.offsetStored = true;
            state.commitOffset = applied.appliedThrough() + 1;
            long now = System.nanoTime();
            for (PostTotals totals : applied.totals()) {
                coalescer.offer(totals, now);
            }
        }
    }

    private List<LoggedAction> decode(List<ConsumerRecord<String, byte[]>> records) {
        List<LoggedAction> actions = new ArrayList<>(records.size());
        for (ConsumerRecord<String, byte[]> record : records) {
            CounterAction action;
            try {
                action = record.value() == null ? CounterAction.noop() : CounterAction.fromJson(record.value());
            } catch (IllegalArgumentException e) {
                log.warn("Skipping an undecodable action at {}-{}@{}: {}", record.topic(), record.partition(),
                        record.offset(), e.getMessage());
                action = CounterAction.noop();
            }
            actions.add(new LoggedAction(record.offset(), action));
        }
        return actions;
    }

    /** Totals Kafka did not take are published again, re-read from the store (so never older than sent). */
    private void republishUnpublished() {
        if (unpublished.isEmpty() || backingOff) {
            return;
        }
        for (String post : List.copyOf(unpublished)) {
            try {
                PostTotals totals = store.totals(post);
                unpublished.remove(post);
                coalescer.offer(totals, System.nanoTime());
            } catch (RuntimeException e) {
                backOff("read the totals of " + post, e);
                return;
            }
        }
    }

    private void publish(List<PostTotals> due) {
        for (PostTotals totals : due) {
            byte[] json = totals.toJson();
            for (String topic : totalsTopics) {
                totalsProducer.send(new ProducerRecord<>(topic, totals.post(), json), (metadata, failure) -> {
                    if (failure != null) {
                        log.warn("Totals of {} not published on {}: {}; retrying", totals.post(), topic,
                                failure.toString());
                        unpublished.add(totals.post());
                    }
                });
            }
        }
    }

    private void commitApplied(boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (Map.Entry<TopicPartition, PartitionState> entry : partitions.entrySet()) {
            PartitionState state = entry.getValue();
            if (state.commitOffset > state.committedOffset) {
                offsets.put(entry.getKey(), new OffsetAndMetadata(state.commitOffset));
                state.committedOffset = state.commitOffset;
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            consumer.commitSync(offsets, Duration.ofSeconds(5));
        } else {
            consumer.commitAsync(offsets, (committed, failure) -> {
                if (failure != null) {
                    log.debug("Commit of {} failed (the store's offsets still hold)", committed, failure);
                }
            });
        }
    }

    /** Pauses every partition and schedules the next attempt, backing off exponentially. */
    private void backOff(String what, RuntimeException e) {
        if (e instanceof WakeupException wakeup) {
            throw wakeup;
        }
        if (!(e instanceof CounterStoreUnavailableException)) {
            log.error("Counter worker {} could not {}; retrying", thread.getName(), what, e);
        } else {
            log.warn("Counter worker {} could not {}: {}; retrying in {} ms", thread.getName(), what,
                    e.getMessage(), retryBackoffNanos / 1_000_000);
        }
        consumer.pause(consumer.assignment());
        backingOff = true;
        retryAt = System.nanoTime() + retryBackoffNanos;
        retryBackoffNanos = Math.min(retryBackoffNanos * 2, retryBackoffMaxNanos);
    }

    private void resumeWhenRetryIsDue() {
        if (backingOff && System.nanoTime() - retryAt >= 0) {
            backingOff = false;
            List<TopicPartition> positioned = new ArrayList<>();
            partitions.forEach((partition, state) -> {
                if (state.positioned) {
                    positioned.add(partition);
                }
            });
            consumer.resume(positioned);
        }
    }

    private long pollNanos() {
        long now = System.nanoTime();
        long wait = Math.min(MAX_POLL_NANOS, coalescer.nanosUntilNextDue(now));
        if (backingOff) {
            wait = Math.min(wait, Math.max(0, retryAt - now));
        }
        return Math.max(wait, 1_000_000);
    }

    private String storeKey(TopicPartition partition) {
        return partition.topic() + ":" + actionsTopic.topicId() + ":" + partition.partition();
    }

    private static Properties consumerProperties(String bootstrapServers, String groupId, String clientId) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(MAX_POLL_RECORDS));
        // A node joining or leaving moves only the partitions that change owner, and the others learn of the
        // rebalance within a second rather than three: totals pause briefly, and only where they must.
        properties.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        properties.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
        return properties;
    }

    /** Group membership changes; runs on the worker thread inside {@code poll()}. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            // The next owner publishes from its own applies; publish ours now so none is held back.
            publish(coalescer.takeAll(System.nanoTime()));
            try {
                commitApplied(true);
            } catch (KafkaException e) {
                log.debug("Commit on revocation failed (the store's offsets still hold)", e);
            }
            revoked.forEach(partitions::remove);
            assignedPartitions = partitions.size();
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            for (TopicPartition partition : assigned) {
                partitions.put(partition, new PartitionState());
            }
            // Nothing is fetched until the partition is positioned at the store's offset.
            consumer.pause(assigned);
            assignedPartitions = partitions.size();
            log.info("Counter worker {} owns {}", thread.getName(), sorted(partitions.keySet()));
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            lost.forEach(partitions::remove);
            assignedPartitions = partitions.size();
        }
    }

    private static List<Integer> sorted(Set<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).sorted().toList();
    }

    /** Where the worker stands on one partition it owns. */
    private static final class PartitionState {
        /** Seeked to the store's applied offset since it was assigned (or since the store lost it). */
        boolean positioned;
        /** The store holds an applied offset for this partition, so its absence would mean lost data. */
        boolean offsetStored;
        long commitOffset = -1;
        long committedOffset = -1;
    }
}
