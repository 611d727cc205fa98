package dev.fanfare.gateway.kafka;

import java.util.Objects;

import org.apache.kafka.common.Uuid;

/**
 * What the gateway needs to know about one Kafka topic.
 *
 * @param name       the topic name, e.g. {@code fanfare.ticker}
 * @param topicId    Kafka's id for this incarnation of the topic; a topic deleted and created
 *                   again under the same name gets a new id (cursors use it as the epoch)
 * @param partitions the number of partitions
 */
public record TopicMeta(String name, Uuid topicId, int partitions) {
    public TopicMeta {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(topicId, "topicId");
        if (partitions <= 0) {
            throw new IllegalArgumentException("partitions: " + partitions + " (expected: > 0)");
        }
    }
}
