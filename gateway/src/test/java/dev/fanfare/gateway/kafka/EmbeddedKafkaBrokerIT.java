package dev.fanfare.gateway.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerIT {
    private static final String TOPIC = "fanfare.restart";

    @TempDir
    Path dataDir;

    @Test
    void keepsTopicsAndRecordsAcrossRestartOnTheSameDirectory() throws Exception {
        int port;
        TopicMeta before;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, 0);
             TopicAdmin admin = new TopicAdmin(broker.bootstrapServers())) {
            port = Integer.parseInt(broker.bootstrapServers().substring(broker.bootstrapServers().lastIndexOf(':') + 1));
            assertTrue(port > 0, broker.bootstrapServers());
            before = admin.ensureTopics(List.of(TOPIC), 1, true).get(TOPIC);
            produce(broker.bootstrapServers(), "ACME", "{\"price\":1}");
            assertEquals(List.of("ACME={\"price\":1}"), readAll(broker.bootstrapServers(), 1));
        }

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, port);
             TopicAdmin admin = new TopicAdmin(broker.bootstrapServers())) {
            assertEquals("127.0.0.1:" + port, broker.bootstrapServers());
            assertEquals(before, admin.ensureTopics(List.of(TOPIC), 1, false).get(TOPIC));
            assertEquals(List.of("ACME={\"price\":1}"), readAll(broker.bootstrapServers(), 1));
        }
    }

    @Test
    void refusesASecondBrokerOnTheSameDirectory() {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, 0);
             TopicAdmin admin = new TopicAdmin(broker.bootstrapServers())) {
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> EmbeddedKafkaBroker.start(dataDir, 0).close());
            assertTrue(refused.getMessage().contains("in use by another broker"), refused.getMessage());
            assertNull(admin.whyNotWritable(Duration.ofSeconds(10)), "the first broker keeps serving");
        }
    }

    @Test
    void aFatalKafkaErrorCannotEndTheHostJvm() {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, 0);
             TopicAdmin admin = new TopicAdmin(broker.bootstrapServers())) {
            // What the broker does on a fatal error; without the guard the test JVM would die here.
            Exit.halt(1, "simulated fatal error");
            Exit.exit(1, "simulated fatal error");

            assertNull(admin.whyNotWritable(Duration.ofSeconds(10)));
        }
    }

    private static void produce(String bootstrapServers, String key, String value) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(TOPIC, key, value)).get();
        }
    }

    /** Reads partition 0 from the beginning until {@code expected} records arrived. */
    private static List<String> readAll(String bootstrapServers, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<String> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(TOPIC, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    received.add(record.key() + "=" + record.value());
                }
                return received.size() >= expected;
            });
        }
        return received;
    }
}
