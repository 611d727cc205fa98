package dev.fanfare.gateway.kafka;

import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.CounterAck;
import dev.fanfare.gateway.core.CounterApi;
import dev.fanfare.gateway.core.ErrorCode;
import dev.fanfare.gateway.core.EventPublisher;
import dev.fanfare.gateway.core.HealthCheck;
import dev.fanfare.gateway.core.StreamLayout;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the Kafka cluster from a thread of its own: every second whether it answers, every ten
 * seconds whether a stream topic gained partitions this node does not read (it reads the partitions
 * it found at start). Both are {@code /health} checks; while Kafka does not answer, publishes and
 * claps handed through {@link #guard} are refused at once with 503 instead of waiting out the
 * producer's timeout.
 */
public final class BrokerWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BrokerWatch.class);
    private static final Duration PROBE_EVERY = Duration.ofSeconds(1);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final int PARTITIONS_EVERY = 10;

    private final TopicAdmin admin;
    private final StreamLayout layout;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fanfare-broker-watch");
        t.setDaemon(true);
        return t;
    });
    private volatile String down;
    private volatile String partitionsChanged;
    private int probes;

    public BrokerWatch(TopicAdmin admin, StreamLayout layout) {
        this.admin = admin;
        this.layout = layout;
        probe(); // known before the node serves
        thread.scheduleWithFixedDelay(this::probe, PROBE_EVERY.toMillis(), PROBE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void probe() {
        try {
            String why = admin.whyNotWritable(PROBE_TIMEOUT);
            if (why != null && down == null) {
                log.warn("Kafka is down ({}): publishes, claps and likes are refused with 503 until it answers", why);
            } else if (why == null && down != null) {
                log.info("Kafka answers again");
            }
            down = why;
            if (why == null && probes++ % PARTITIONS_EVERY == 0) {
                checkPartitions();
            }
        } catch (RuntimeException e) {
            down = e.toString();
        }
    }

    private void checkPartitions() {
        List<String> topics = layout.streams().stream().map(StreamLayout.Stream::topic).toList();
        Map<String, TopicMeta> now = admin.ensureTopics(topics, 1, false);
        String changed = null;
        for (StreamLayout.Stream s : layout.streams()) {
            TopicMeta m = now.get(s.topic());
            if (m != null && m.partitions() != s.partitions()) {
                changed = s.topic() + " has " + m.partitions() + " partitions, this node reads " + s.partitions()
                        + ": restart the node to read them all";
                break;
            }
        }
        if (changed != null && !changed.equals(partitionsChanged)) {
            log.error("partitions changed: {}", changed);
        }
        partitionsChanged = changed;
    }

    /** {@code kafka}: the cluster answers (critical). */
    public HealthCheck health() {
        return HealthCheck.of("kafka", true, () -> status(down));
    }

    /**
     * {@code partitions}: every stream topic has the partitions this node reads (critical: events on a
     * partition it does not read never reach its subscribers; a restart reads them).
     */
    public HealthCheck partitions() {
        return HealthCheck.of("partitions", true, () -> status(partitionsChanged));
    }

    private static HealthCheck.Status status(String why) {
        return why == null ? HealthCheck.Status.UP : HealthCheck.Status.down(why);
    }

    /** Why Kafka is down now, or null. */
    public String whyDown() {
        return down;
    }

    /** {@code publisher}, refusing at once while Kafka is down. */
    public EventPublisher guard(EventPublisher publisher) {
        return (channel, json) -> {
            String why = down;
            return why != null ? refused("publish", why) : publisher.publish(channel, json);
        };
    }

    /** {@code counters}, refusing claps, likes and unlikes at once while Kafka is down. */
    public CounterApi guard(CounterApi counters) {
        return new CounterApi() {
            @Override
            public int clapCap() {
                return counters.clapCap();
            }

            @Override
            public CompletionStage<CounterAck> clap(String post, String user, long count) {
                String why = down;
                return why != null ? refused("clap", why) : counters.clap(post, user, count);
            }

            @Override
            public CompletionStage<CounterAck> like(String post, String user) {
                String why = down;
                return why != null ? refused("like", why) : counters.like(post, user);
            }

            @Override
            public CompletionStage<CounterAck> unlike(String post, String user) {
                String why = down;
                return why != null ? refused("unlike", why) : counters.unlike(post, user);
            }

            @Override
            public CompletionStage<byte[]> totals(String post) {
                return counters.totals(post);
            }
        };
    }

    private static <T> CompletionStage<T> refused(String what, String why) {
        return CompletableFuture.failedFuture(new ApiException(ErrorCode.UNAVAILABLE,
                what + ": Kafka is " + why + " (expected: retry once /health is up)"));
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
