package dev.fanfare.gateway.kafka;

import dev.fanfare.gateway.core.ChannelName;
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

/**
 * Publishes events to their stream's topic: idempotent, {@code acks=all}; the future completes
 * with the event's cursor once Kafka has acknowledged it.
 *
 * <p>{@link KafkaProducer#send} can block (metadata, full buffer), so sends run on one thread of
 * their own behind a bounded queue; a full queue fails the publish at once ({@link Overloaded}).
 */
public final class KafkaEventPublisher implements AutoCloseable {

    /** The publish queue is full: the client should retry later. */
    public static final class Overloaded extends RuntimeException {
        Overloaded() {
            super("publish queue full", null, false, false);
        }
    }

    private final KafkaProducer<byte[], byte[]> producer;
    private final FanoutHub hub;
    private final Function<String, String> topicOf;
    private final ThreadPoolExecutor sender;

    public KafkaEventPublisher(String bootstrapServers, FanoutHub hub, Function<String, String> topicOf, int maxQueued) {
        this.hub = hub;
        this.topicOf = topicOf;
        this.producer = new KafkaProducer<>(Producers.reliable(bootstrapServers, "fanfare-publisher", Duration.ofSeconds(10)),
                new ByteArraySerializer(), new ByteArraySerializer());
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(maxQueued), r -> {
            Thread t = new Thread(r, "fanfare-publisher");
            t.setDaemon(true);
            return t;
        });
    }

    /** Sends {@code json} (already normalized) on {@code channel}; completes with the event's cursor. */
    public CompletableFuture<String> publish(ChannelName channel, byte[] json) {
        CompletableFuture<String> result = new CompletableFuture<>();
        StreamLayout.Stream stream = hub.layout().require(channel);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topicOf.apply(channel.stream()),
                channel.key().getBytes(StandardCharsets.UTF_8), json);
        try {
            sender.execute(() -> {
                try {
                    producer.send(record, (meta, error) -> {
                        if (error != null) {
                            result.completeExceptionally(error);
                        } else {
                            result.complete(hub.cursorAfter(stream.global(meta.partition()), meta.offset()));
                        }
                    });
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new Overloaded());
        }
        return result;
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
