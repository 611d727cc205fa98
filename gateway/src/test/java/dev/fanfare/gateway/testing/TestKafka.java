package dev.fanfare.gateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import dev.fanfare.gateway.kafka.EmbeddedKafkaBroker;
import dev.fanfare.gateway.kafka.TopicAdmin;
import dev.fanfare.gateway.kafka.TopicMeta;

/**
 * The one real Kafka broker of a test JVM: started on first use in a temporary directory, shared
 * by every test class of the JVM, stopped and deleted when the JVM exits.
 *
 * <p>Tests share the broker, so each names its topics from {@link #uniqueTopicPrefix()} (or
 * otherwise uniquely) rather than relying on an empty cluster.
 */
public final class TestKafka {
    private static final AtomicInteger topicCounter = new AtomicInteger();
    private static EmbeddedKafkaBroker broker;
    private static TopicAdmin admin;

    private TestKafka() {
    }

    /** {@code bootstrap.servers} of the shared broker, starting it if needed. */
    public static String bootstrapServers() {
        return broker().bootstrapServers();
    }

    /** A {@link TopicAdmin} on the shared broker; owned by TestKafka, do not close it. */
    public static synchronized TopicAdmin admin() {
        if (admin == null) {
            admin = new TopicAdmin(bootstrapServers());
        }
        return admin;
    }

    /** A prefix no other test in this JVM gets, e.g. {@code "t7-1a2b3c4d."}. */
    public static String uniqueTopicPrefix() {
        return "t" + topicCounter.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    }

    /** Creates {@code topic} with {@code partitions} partitions (or finds it) and returns its metadata. */
    public static TopicMeta createTopic(String topic, int partitions) {
        return admin().ensureTopics(List.of(topic), partitions, true).get(topic);
    }

    private static synchronized EmbeddedKafkaBroker broker() {
        if (broker == null) {
            Path dir = createTempDir();
            broker = EmbeddedKafkaBroker.start(dir, 0);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(dir), "test-kafka-stop"));
        }
        return broker;
    }

    private static synchronized void stop(Path dir) {
        if (admin != null) {
            admin.close();
        }
        broker.close();
        deleteRecursively(dir);
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("fanfare-test-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // Best effort at JVM exit: a leftover temp directory is harmless.
        }
    }
}
