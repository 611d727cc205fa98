package dev.fanfare.gateway.kafka;

import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.ErrorCode;
import dev.fanfare.gateway.core.EventPublisher;
import dev.fanfare.gateway.core.HealthCheck;
import dev.fanfare.gateway.metrics.GatewayMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import dev.fanfare.gateway.core.FanoutHub;
import dev.fanfare.gateway.core.StreamLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes events to their stream's topic: idempotent, {@code acks=all}; the future completes
 * with the event's cursor once Kafka has acknowledged it.
 *
 * <p>{@link KafkaProducer#send} can block (metadata, full buffer), so sends run on one thread of
 * their own behind a bounded queue; a full queue fails the publish at once (503).
 */
public final class KafkaEventPublisher implements EventPublisher, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaEventPublisher.class);
    private static final long FAILURE_MEMORY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final KafkaProducer<byte[], byte[]> producer;
    private final FanoutHub hub;
    private final Function<String, String> topicOf;
    private final ThreadPoolExecutor sender;
    private final Timer latency;
    private final Counter accepted;
    private final Counter unavailable;
    /** Why the latest publish failed, while no publish has succeeded since; else null. */
    private volatile String lastFailure;
    private volatile long lastFailureNanos;

    public KafkaEventPublisher(String bootstrapServers, FanoutHub hub, Function<String, String> topicOf, int maxQueued,
                               GatewayMetrics metrics) {
        this.hub = hub;
        this.latency = metrics.publishLatency();
        this.accepted = metrics.publish("accepted");
        this.unavailable = metrics.publish(ErrorCode.UNAVAILABLE.code());
        this.topicOf = topicOf;
        this.producer = new KafkaProducer<>(Producers.reliable(bootstrapServers, "fanfare-publisher", Duration.ofSeconds(10)),
                new ByteArraySerializer(), new ByteArraySerializer());
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(maxQueued), r -> {
            Thread t = new Thread(r, "fanfare-publisher");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public CompletableFuture<String> publish(ChannelName channel, byte[] json) {
        CompletableFuture<String> result = new CompletableFuture<>();
        long started = System.nanoTime();
        StreamLayout.Stream stream = hub.layout().require(channel);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topicOf.apply(channel.stream()),
                channel.key().getBytes(StandardCharsets.UTF_8), json);
        try {
            sender.execute(() -> {
                try {
                    producer.send(record, (meta, error) -> {
                        if (error != null) {
                            notAcknowledged(channel, error, result);
                        } else {
                            lastFailure = null;
                            latency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                            accepted.increment();
                            result.complete(hub.cursorAfter(stream.global(meta.partition()), meta.offset()));
                        }
                    });
                } catch (RuntimeException e) {
                    notAcknowledged(channel, e, result);
                }
            });
        } catch (RejectedExecutionException e) {
            unavailable.increment();
            result.completeExceptionally(new ApiException(ErrorCode.UNAVAILABLE, "publish: queue full (expected: retry later)"));
        }
        return result;
    }

    private void notAcknowledged(ChannelName channel, Throwable error, CompletableFuture<String> result) {
        unavailable.increment();
        lastFailure = error.toString();
        lastFailureNanos = System.nanoTime();
        log.warn("publish to {} failed: {}", channel, error.toString());
        result.completeExceptionally(new ApiException(ErrorCode.UNAVAILABLE,
                "publish: Kafka did not acknowledge the event (expected: retry later)", error));
    }

    /**
     * Down while the latest publish failed and none has succeeded since (for up to a minute: with
     * no publish after that, nothing says it would still fail).
     */
    public HealthCheck health() {
        return HealthCheck.of("publish", true, () -> {
            String why = lastFailure;
            boolean recent = why != null && System.nanoTime() - lastFailureNanos < FAILURE_MEMORY_NANOS;
            return recent ? HealthCheck.Status.down("the latest publish failed: " + why) : HealthCheck.Status.UP;
        });
    }

    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
