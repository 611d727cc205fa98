package dev.fanfare.gateway.kafka;

import dev.fanfare.gateway.core.StreamLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeLogDirsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.util.internal.ThreadExecutorMap;

/**
 * Blocking topic housekeeping on one Kafka Admin client: makes sure the gateway's topics exist
 * and tells their ids and partition counts, and checks that the cluster answers.
 *
 * <p>Every method blocks on the network (bounded by a timeout), so call it at startup or from a
 * worker thread, never from a Netty event loop; it refuses to run on one.
 */
public final class TopicAdmin implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);

    /** How long one {@link #ensureTopics} call may take in all, by default. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_REPLICATION_FACTOR = 3;
    /** Pause between describes while a topic another node just created becomes visible here. */
    private static final long VISIBILITY_RETRY_MILLIS = 100;

    private final Admin admin;
    private final String bootstrapServers;
    private final Duration callTimeout;

    /** An admin for the cluster at {@code bootstrapServers} with {@link #DEFAULT_CALL_TIMEOUT}. */
    public TopicAdmin(String bootstrapServers) {
        this(bootstrapServers, DEFAULT_CALL_TIMEOUT);
    }

    /** An admin for the cluster at {@code bootstrapServers}; each call gives up after {@code callTimeout}. */
    public TopicAdmin(String bootstrapServers, Duration callTimeout) {
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        this.callTimeout = Objects.requireNonNull(callTimeout, "callTimeout");
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("callTimeout: " + callTimeout + " (expected: > 0)");
        }
        int timeoutMs = Math.toIntExact(callTimeout.toMillis());
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs));
    }

    /**
     * Looks up {@code topics} and, when {@code createMissing}, creates those that do not exist
     * with {@code partitions} partitions and a replication factor of min(3, brokers). A topic
     * that exists keeps the partition count it has; the result tells it.
     *
     * @return each topic's metadata, keyed by name, in the order given
     * @throws IllegalStateException if topics are missing and {@code createMissing} is false
     *                               (the message names them), or Kafka fails or does not answer in time
     */
    public Map<String, TopicMeta> ensureTopics(Collection<String> topics, int partitions, boolean createMissing) {
        requireNotOnEventLoop();
        if (partitions <= 0) {
            throw new IllegalArgumentException("partitions: " + partitions + " (expected: > 0)");
        }
        Set<String> names = new LinkedHashSet<>(topics);
        long deadline = System.nanoTime() + callTimeout.toNanos();
        Map<String, TopicMeta> found = new LinkedHashMap<>();
        List<String> missing = describe(names, found, deadline);
        if (!missing.isEmpty()) {
            if (!createMissing) {
                throw new IllegalStateException("Kafka topics missing at " + bootstrapServers + ": "
                        + String.join(", ", missing) + " (create them, or let the gateway create them)");
            }
            List<String> createdElsewhere = create(missing, partitions, found, deadline);
            awaitVisible(createdElsewhere, found, deadline);
        }
        Map<String, TopicMeta> inOrder = new LinkedHashMap<>();
        names.forEach(name -> inOrder.put(name, found.get(name)));
        return inOrder;
    }

    /**
     * Why the cluster cannot take writes, as far as one round trip tells: unreachable, or a broker's
     * log directory offline (a broker that ran out of file descriptors takes its directory offline
     * and refuses every produce until restarted). Null when it looks able. Blocks up to
     * {@code timeout}; meant for health checks run off the event loop.
     */
    public String whyNotWritable(Duration timeout) {
        requireNotOnEventLoop();
        int timeoutMs = Math.toIntExact(Math.max(1, timeout.toMillis()));
        try {
            var nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs)).nodes()
                    .get(timeoutMs, TimeUnit.MILLISECONDS);
            var brokers = nodes.stream().map(Node::id).toList();
            try {
                var dirs = admin.describeLogDirs(brokers, new DescribeLogDirsOptions()
                        .timeoutMs(timeoutMs)).allDescriptions().get(timeoutMs, TimeUnit.MILLISECONDS);
                for (var broker : dirs.entrySet()) {
                    for (var dir : broker.getValue().entrySet()) {
                        if (dir.getValue().error() != null) {
                            return "log directory " + dir.getKey() + " offline on broker " + broker.getKey()
                                    + " (" + dir.getValue().error().getClass().getSimpleName() + ")";
                        }
                    }
                }
            } catch (ExecutionException notAllowed) {
                // Describing log directories needs a permission a client may lack: reachable is all we know.
                log.debug("log directories not described: {}", notAllowed.getCause().toString());
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (ExecutionException | TimeoutException e) {
            return "unreachable";
        }
    }

    /**
     * The end offset (the next offset to be written) of every partition of the layout, by global
     * partition. Blocks up to {@code timeout}; never on an event loop.
     */
    public long[] endOffsets(StreamLayout layout, Duration timeout) {
        requireNotOnEventLoop();
        Map<TopicPartition, OffsetSpec> ask = new LinkedHashMap<>();
        for (var s : layout.streams()) {
            for (int p = 0; p < s.partitions(); p++) {
                ask.put(new TopicPartition(s.topic(), p),
                        OffsetSpec.latest());
            }
        }
        int timeoutMs = Math.toIntExact(Math.max(1, timeout.toMillis()));
        try {
            var answer = admin.listOffsets(ask, new ListOffsetsOptions().timeoutMs(timeoutMs))
                    .all().get(timeoutMs, TimeUnit.MILLISECONDS);
            long[] ends = new long[layout.totalPartitions()];
            for (var s : layout.streams()) {
                for (int p = 0; p < s.partitions(); p++) {
                    ends[s.global(p)] = answer.get(new TopicPartition(s.topic(), p)).offset();
                }
            }
            return ends;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking Kafka for end offsets", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer end offsets: " + e, e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }

    /** Puts every existing topic of {@code names} into {@code found}; returns the missing ones. */
    private List<String> describe(Collection<String> names, Map<String, TopicMeta> found, long deadline) {
        Map<String, KafkaFuture<TopicDescription>> descriptions = admin
                .describeTopics(names, new DescribeTopicsOptions().timeoutMs(remainingMillis(deadline)))
                .topicNameValues();
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            try {
                TopicDescription description = await(descriptions.get(name), deadline, "describing topic " + name);
                found.put(name, new TopicMeta(name, description.topicId(), description.partitions().size()));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw failed("describing topic " + name, e);
                }
                missing.add(name);
            }
        }
        return missing;
    }

    /**
     * Creates {@code names}, putting each created topic into {@code found}. Returns those another
     * client created first (a gateway node starting at the same time).
     */
    private List<String> create(List<String> names, int partitions, Map<String, TopicMeta> found, long deadline) {
        short replicationFactor = replicationFactor(deadline);
        List<NewTopic> newTopics = names.stream().map(name -> new NewTopic(name, partitions, replicationFactor)).toList();
        CreateTopicsResult result = admin.createTopics(newTopics, new CreateTopicsOptions().timeoutMs(remainingMillis(deadline)));
        List<String> createdElsewhere = new ArrayList<>();
        for (String name : names) {
            String what = "creating topic " + name;
            try {
                await(result.values().get(name), deadline, what);
                found.put(name, new TopicMeta(name, await(result.topicId(name), deadline, what),
                        await(result.numPartitions(name), deadline, what)));
                log.info("Created Kafka topic {} ({} partitions, replication factor {})", name, partitions, replicationFactor);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw failed(what, e);
                }
                createdElsewhere.add(name);
            }
        }
        return createdElsewhere;
    }

    /**
     * A topic another client just created may not be in this broker's metadata yet; describe
     * it again until it is, within the call's deadline.
     */
    private void awaitVisible(List<String> names, Map<String, TopicMeta> found, long deadline) {
        List<String> pending = names;
        while (!pending.isEmpty()) {
            pending = describe(pending, found, deadline);
            if (pending.isEmpty()) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new IllegalStateException("Kafka at " + bootstrapServers + " reported topics as existing but never described them: "
                        + String.join(", ", pending));
            }
            try {
                Thread.sleep(VISIBILITY_RETRY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for topics " + pending, e);
            }
        }
    }

    private short replicationFactor(long deadline) {
        try {
            int brokers = await(admin.describeCluster(new DescribeClusterOptions().timeoutMs(remainingMillis(deadline))).nodes(),
                    deadline, "describing the cluster").size();
            return (short) Math.max(1, Math.min(MAX_REPLICATION_FACTOR, brokers));
        } catch (ExecutionException e) {
            throw failed("describing the cluster", e);
        }
    }

    private <T> T await(KafkaFuture<T> future, long deadline, String what) throws ExecutionException {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while " + what, e);
        } catch (TimeoutException e) {
            throw timedOut(what, e);
        }
    }

    private IllegalStateException failed(String what, ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return timedOut(what, cause);
        }
        return new IllegalStateException("Kafka at " + bootstrapServers + ": " + what + " failed: " + cause, cause);
    }

    private IllegalStateException timedOut(String what, Throwable cause) {
        return new IllegalStateException("Kafka at " + bootstrapServers + " did not answer within "
                + callTimeout.toSeconds() + " s while " + what, cause);
    }

    private static int remainingMillis(long deadline) {
        return (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    private static void requireNotOnEventLoop() {
        if (ThreadExecutorMap.currentExecutor() != null) {
            throw new IllegalStateException("TopicAdmin blocks on Kafka; call it off the event loop");
        }
    }
}
