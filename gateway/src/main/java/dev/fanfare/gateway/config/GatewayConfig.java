package dev.fanfare.gateway.config;

import dev.fanfare.gateway.core.RingLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything a gateway node is started with. Immutable; {@link #defaults()} gives the embedded
 * default, the {@code with...} methods and {@link #toBuilder()} derive variants.
 *
 * @param kafka          bootstrap servers of an external cluster, or null to run an embedded broker
 * @param dataDir        where the embedded broker keeps its data
 * @param topicPrefix    a stream {@code s} is the topic {@code topicPrefix + s}
 * @param partitions     partitions of topics the gateway creates
 * @param createTopics   create missing stream topics (always on with the embedded broker)
 * @param warmupRecords  per partition, how many of the latest records a starting node reads into its rings
 * @param maxBodyBytes   largest HTTP body or WebSocket message accepted
 * @param highWaterMark  outbound bytes queued on one connection before it counts as too slow
 * @param transport      Netty I/O transport (a native one falls back to the next available)
 */
public record GatewayConfig(
        String host,
        int port,
        String kafka,
        Path dataDir,
        String redis,
        List<String> streams,
        String topicPrefix,
        int partitions,
        boolean createTopics,
        int warmupRecords,
        RingLimits rings,
        int maxChannelsPerRequest,
        int maxChannelsPerConnection,
        int maxBodyBytes,
        int maxInitialLineBytes,
        int maxHeaderBytes,
        int highWaterMark,
        int lowWaterMark,
        Duration longPollDefault,
        Duration longPollMax,
        Duration sseHeartbeat,
        Duration wsPingInterval,
        Duration wsIdleTimeout,
        int ioThreads,
        Transport transport,
        boolean demoFeed) {

    public static final List<String> DEFAULT_STREAMS = List.of("ticker", "claps", "likes", "demo");

    public GatewayConfig {
        streams = List.copyOf(streams);
        require(port >= 0 && port <= 65535, "port", port, "0..65535");
        require(!streams.isEmpty(), "streams", streams, "at least one");
        require(partitions >= 1, "partitions", partitions, ">= 1");
        require(warmupRecords >= 0, "warmupRecords", warmupRecords, ">= 0");
        require(maxChannelsPerRequest >= 1, "maxChannelsPerRequest", maxChannelsPerRequest, ">= 1");
        require(maxChannelsPerConnection >= maxChannelsPerRequest, "maxChannelsPerConnection", maxChannelsPerConnection,
                ">= maxChannelsPerRequest");
        require(maxBodyBytes >= 1024, "maxBodyBytes", maxBodyBytes, ">= 1024");
        require(lowWaterMark > 0 && highWaterMark > lowWaterMark, "highWaterMark", highWaterMark, "> lowWaterMark > 0");
        require(!longPollMax.isNegative() && longPollDefault.compareTo(longPollMax) <= 0, "longPollDefault",
                longPollDefault, "<= longPollMax");
        require(ioThreads >= 0, "ioThreads", ioThreads, ">= 0 (0: one per core)");
    }

    private static void require(boolean ok, String name, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: " + expected + ")");
        }
    }

    /** The embedded default: port 8080, in-process Kafka under {@code .fanfare/}, demo feed on. */
    public static GatewayConfig defaults() {
        return new GatewayConfig("0.0.0.0", 8080, null, Path.of(".fanfare"), null, DEFAULT_STREAMS, "fanfare.", 4,
                true, 1000, RingLimits.DEFAULT, 32, 256, 64 * 1024, 4096, 8192, 256 * 1024, 128 * 1024,
                Duration.ofSeconds(25), Duration.ofSeconds(60), Duration.ofSeconds(15), Duration.ofSeconds(20),
                Duration.ofSeconds(60), 0, Transport.EPOLL, true);
    }

    public boolean embeddedKafka() {
        return kafka == null || kafka.isBlank();
    }

    public String topic(String stream) {
        return topicPrefix + stream;
    }

    public GatewayConfig withPort(int port) {
        return toBuilder().port(port).build();
    }

    public GatewayConfig withKafka(String kafka) {
        return toBuilder().kafka(kafka).build();
    }

    public GatewayConfig withDemoFeed(boolean demoFeed) {
        return toBuilder().demoFeed(demoFeed).build();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Mutable twin of the record, for deriving a config in a few named steps. */
    public static final class Builder {
        private String host;
        private int port;
        private String kafka;
        private Path dataDir;
        private String redis;
        private List<String> streams;
        private String topicPrefix;
        private int partitions;
        private boolean createTopics;
        private int warmupRecords;
        private RingLimits rings;
        private int maxChannelsPerRequest;
        private int maxChannelsPerConnection;
        private int maxBodyBytes;
        private int maxInitialLineBytes;
        private int maxHeaderBytes;
        private int highWaterMark;
        private int lowWaterMark;
        private Duration longPollDefault;
        private Duration longPollMax;
        private Duration sseHeartbeat;
        private Duration wsPingInterval;
        private Duration wsIdleTimeout;
        private int ioThreads;
        private Transport transport;
        private boolean demoFeed;

        private Builder(GatewayConfig c) {
            host = c.host;
            port = c.port;
            kafka = c.kafka;
            dataDir = c.dataDir;
            redis = c.redis;
            streams = c.streams;
            topicPrefix = c.topicPrefix;
            partitions = c.partitions;
            createTopics = c.createTopics;
            warmupRecords = c.warmupRecords;
            rings = c.rings;
            maxChannelsPerRequest = c.maxChannelsPerRequest;
            maxChannelsPerConnection = c.maxChannelsPerConnection;
            maxBodyBytes = c.maxBodyBytes;
            maxInitialLineBytes = c.maxInitialLineBytes;
            maxHeaderBytes = c.maxHeaderBytes;
            highWaterMark = c.highWaterMark;
            lowWaterMark = c.lowWaterMark;
            longPollDefault = c.longPollDefault;
            longPollMax = c.longPollMax;
            sseHeartbeat = c.sseHeartbeat;
            wsPingInterval = c.wsPingInterval;
            wsIdleTimeout = c.wsIdleTimeout;
            ioThreads = c.ioThreads;
            transport = c.transport;
            demoFeed = c.demoFeed;
        }

        public Builder host(String v) { host = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder kafka(String v) { kafka = v; return this; }
        public Builder dataDir(Path v) { dataDir = v; return this; }
        public Builder redis(String v) { redis = v; return this; }
        public Builder streams(List<String> v) { streams = v; return this; }
        public Builder topicPrefix(String v) { topicPrefix = v; return this; }
        public Builder partitions(int v) { partitions = v; return this; }
        public Builder createTopics(boolean v) { createTopics = v; return this; }
        public Builder warmupRecords(int v) { warmupRecords = v; return this; }
        public Builder rings(RingLimits v) { rings = v; return this; }
        public Builder maxChannelsPerRequest(int v) { maxChannelsPerRequest = v; return this; }
        public Builder maxChannelsPerConnection(int v) { maxChannelsPerConnection = v; return this; }
        public Builder maxBodyBytes(int v) { maxBodyBytes = v; return this; }
        public Builder maxInitialLineBytes(int v) { maxInitialLineBytes = v; return this; }
        public Builder maxHeaderBytes(int v) { maxHeaderBytes = v; return this; }
        public Builder highWaterMark(int v) { highWaterMark = v; return this; }
        public Builder lowWaterMark(int v) { lowWaterMark = v; return this; }
        public Builder longPollDefault(Duration v) { longPollDefault = v; return this; }
        public Builder longPollMax(Duration v) { longPollMax = v; return this; }
        public Builder sseHeartbeat(Duration v) { sseHeartbeat = v; return this; }
        public Builder wsPingInterval(Duration v) { wsPingInterval = v; return this; }
        public Builder wsIdleTimeout(Duration v) { wsIdleTimeout = v; return this; }
        public Builder ioThreads(int v) { ioThreads = v; return this; }
        public Builder transport(Transport v) { transport = v; return this; }
        public Builder demoFeed(boolean v) { demoFeed = v; return this; }

        public GatewayConfig build() {
            return new GatewayConfig(host, port, kafka, dataDir, redis, streams, topicPrefix, partitions, createTopics,
                    warmupRecords, rings, maxChannelsPerRequest, maxChannelsPerConnection, maxBodyBytes,
                    maxInitialLineBytes, maxHeaderBytes, highWaterMark, lowWaterMark, longPollDefault, longPollMax,
                    sseHeartbeat, wsPingInterval, wsIdleTimeout, ioThreads, transport, demoFeed);
        }
    }
}
