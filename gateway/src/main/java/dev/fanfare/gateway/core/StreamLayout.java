package dev.fanfare.gateway.core;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The streams a node serves and the partitions of their topics, numbered as one flat index space
 * ("global partition") so a position vector is a plain {@code long[]}.
 */
public final class StreamLayout {

    /** One stream: its Kafka topic, that topic's id and partition count, and its first global partition. */
    public record Stream(int index, String name, String topic, UUID topicId, int partitions, int base) {
        public int global(int partition) {
            return base + partition;
        }
    }

    private final List<Stream> streams;
    private final Map<String, Stream> byName = new HashMap<>();
    private final int totalPartitions;

    public StreamLayout(List<Stream> streams) {
        this.streams = List.copyOf(streams);
        int total = 0;
        for (int i = 0; i < this.streams.size(); i++) {
            Stream s = this.streams.get(i);
            if (s.index() != i || s.base() != total || s.partitions() < 1) {
                throw new IllegalArgumentException("stream " + s.name() + ": index/base/partitions out of order");
            }
            byName.put(s.name(), s);
            total += s.partitions();
        }
        totalPartitions = total;
    }

    /** Builds the layout from (name, topic, topic id, partitions) in the given order. */
    public static StreamLayout of(List<String> names, List<String> topics, List<UUID> ids, List<Integer> partitions) {
        var list = new java.util.ArrayList<Stream>();
        int base = 0;
        for (int i = 0; i < names.size(); i++) {
            list.add(new Stream(i, names.get(i), topics.get(i), ids.get(i), partitions.get(i), base));
            base += partitions.get(i);
        }
        return new StreamLayout(list);
    }

    public List<Stream> streams() {
        return streams;
    }

    /** The stream of that name, or null when this node does not serve it. */
    public Stream stream(String name) {
        return byName.get(name);
    }

    public int totalPartitions() {
        return totalPartitions;
    }

    /** Validates a channel against the served streams; throws with a reason naming the known streams. */
    public Stream require(ChannelName channel) {
        Stream s = byName.get(channel.stream());
        if (s == null) {
            throw new IllegalArgumentException("stream: " + Text.quote(channel.stream()) + " (expected one of: "
                    + String.join(", ", byName.keySet().stream().sorted().toList()) + ")");
        }
        return s;
    }

    /** Kafka's default partitioner for a non-null key (murmur2, positive), so a node knows a key's partition. */
    public static int partitionOf(byte[] key, int partitions) {
        return (murmur2(key) & 0x7fffffff) % partitions;
    }

    // Same function as org.apache.kafka.common.utils.Utils.murmur2; core depends on no Kafka classes.
    static int murmur2(byte[] data) {
        int length = data.length;
        int seed = 0x9747b28c;
        final int m = 0x5bd1e995;
        final int r = 24;
        int h = seed ^ length;
        int length4 = length / 4;
        for (int i = 0; i < length4; i++) {
            final int i4 = i * 4;
            int k = (data[i4] & 0xff) + ((data[i4 + 1] & 0xff) << 8) + ((data[i4 + 2] & 0xff) << 16) + ((data[i4 + 3] & 0xff) << 24);
            k *= m;
            k ^= k >>> r;
            k *= m;
            h *= m;
            h ^= k;
        }
        switch (length % 4) {
            case 3:
                h ^= (data[(length & ~3) + 2] & 0xff) << 16;
            case 2:
                h ^= (data[(length & ~3) + 1] & 0xff) << 8;
            case 1:
                h ^= data[length & ~3] & 0xff;
                h *= m;
            default:
        }
        h ^= h >>> 13;
        h *= m;
        h ^= h >>> 15;
        return h;
    }
}
