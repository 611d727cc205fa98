package dev.fanfare.gateway.counters;

import dev.fanfare.gateway.core.CachedHealthCheck;
import dev.fanfare.gateway.core.HealthCheck;
import dev.fanfare.gateway.kafka.TopicAdmin;
import dev.fanfare.gateway.kafka.TopicMeta;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import dev.fanfare.gateway.kafka.Producers;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claps and likes, assembled: the store (Redis, or memory when no Redis is configured), the request path
 * ({@link #service()}) and this node's {@link CounterWorker}. Start one per gateway node
 * with {@link #start}; {@link #close()} stops it.
 */
public final class Counters implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Counters.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration HEALTH_TTL = Duration.ofSeconds(1);

    private final CounterStore store;
    private final ThreadPoolExecutor requestExecutor;
    private final KafkaProducer<String, byte[]> actionsProducer;
    private final CounterService service;
    private final CounterWorker worker;
    private final HealthCheck health;

    private Counters(CounterStore store, ThreadPoolExecutor requestExecutor,
            KafkaProducer<String, byte[]> actionsProducer, CounterWorker worker, CountersConfig config) {
        this.store = store;
        this.requestExecutor = requestExecutor;
        this.actionsProducer = actionsProducer;
        this.worker = worker;
        this.service = new CounterService(store, actionsProducer, config.actionsTopic(), config.clapCap(),
                requestExecutor);
        // Events still flow while Redis is away: the store being down degrades the node, it does not fail it.
        this.health = new CachedHealthCheck("counters", false, HEALTH_TTL, () -> service.storeUp()
                .thenApply(up -> up ? HealthCheck.Status.UP : HealthCheck.Status.down("unreachable")));
    }

    /**
     * Connects the store and starts the worker, after checking the topics ({@code fanfare.actions},
     * {@code fanfare.claps}, {@code fanfare.likes}) exist, creating them when {@code createTopics}.
     * Blocks (Kafka admin calls): call it at startup, off any event loop. On a failure, whatever it
     * started is stopped again before the exception leaves.
     */
    public static Counters start(CountersConfig config, String bootstrapServers, boolean createTopics) {
        TopicMeta actions;
        try (TopicAdmin admin = new TopicAdmin(bootstrapServers)) {
            actions = admin.ensureTopics(List.of(config.actionsTopic(), config.clapsTopic(), config.likesTopic()),
                    config.actionsPartitions(), createTopics).get(config.actionsTopic());
        }
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            CounterStore store = newStore(config);
            started.push(store::close);
            ThreadPoolExecutor executor = newRequestExecutor(config);
            started.push(executor::shutdownNow);
            KafkaProducer<String, byte[]> producer = newActionsProducer(bootstrapServers, config);
            started.push(() -> producer.close(Duration.ZERO));
            CounterWorker worker = new CounterWorker(store, bootstrapServers, config, actions);
            started.push(worker);
            worker.start();
            return new Counters(store, executor, producer, worker, config);
        } catch (RuntimeException | Error e) {
            while (!started.isEmpty()) {
                try {
                    started.pop().close();
                } catch (Exception closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
    }

    /** The request path (clap, like, unlike, totals). */
    public CounterService service() {
        return service;
    }

    /** Actions not yet applied by this node's worker (its partitions, as of its last fetch). */
    public long workerLag() {
        return worker.lag();
    }

    /** Whether the store answers, asked at most once a second. */
    public HealthCheck health() {
        return health;
    }

    /** What holds the counts, for logs and health: {@code redis://host:port} or {@code in-memory}. */
    public String storeDescription() {
        return store.describe();
    }

    /** Stops the worker, then the request path: requests still running finish or fail, then the store closes. */
    @Override
    public void close() {
        worker.close();
        requestExecutor.shutdown();
        try {
            requestExecutor.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        actionsProducer.close(CLOSE_TIMEOUT);
        store.close();
    }

    /** The configured store: Redis when a URI is given, else memory (logged: one node only). */
    static CounterStore newStore(CountersConfig config) {
        if (config.redis() == null) {
            log.info("Claps and likes are counted in memory (no --redis): exact on this single node only; "
                    + "counts are rebuilt from Kafka at start. Give --redis redis://host:port to run several nodes.");
            return new InMemoryCounterStore(config.appliedMarkTtl(), CountersConfig.RELEASED_MARK_TTL);
        }
        // One connection per request thread, one for the worker, one to spare.
        CounterStore store = new RedisCounterStore(config.redis(), config.requestThreads() + 2, config.redisTimeout(),
                config.appliedMarkTtl(), CountersConfig.RELEASED_MARK_TTL);
        log.info("Claps and likes are counted in Redis at {}", store.describe());
        return store;
    }

    /** Bounded threads and queue for the request path's store calls and sends; a full queue means 503. */
    static ThreadPoolExecutor newRequestExecutor(CountersConfig config) {
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(config.requestThreads(), config.requestThreads(),
                0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(config.requestQueue()), runnable -> {
                    Thread thread = new Thread(runnable, "fanfare-counters-request-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.AbortPolicy());
        return executor;
    }

    /**
     * The producer of raw actions: idempotent, {@code acks=all}; a send fails within {@code kafkaTimeout}
     * (metadata wait plus delivery), so a request is never left hanging.
     */
    static KafkaProducer<String, byte[]> newActionsProducer(String bootstrapServers, CountersConfig config) {
        return new KafkaProducer<>(Producers.reliable(bootstrapServers, "fanfare-counters-actions", config.kafkaTimeout()),
                new StringSerializer(), new ByteArraySerializer());
    }
}
