package dev.fanfare.gateway.counters;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of claps and likes (immutable; start from {@link #defaults()}).
 *
 * @param redis {@code redis://host:port} of the counter store, or null to keep counts in memory (one node)
 * @param topicPrefix as the gateway's: a topic is the prefix and a name, so {@code fanfare.} names
 *        {@code fanfare.actions} (raw actions), {@code fanfare.claps} and {@code fanfare.likes} (totals, the
 *        streams {@code claps} and {@code likes}), and the worker's consumer group {@code fanfare-counters}
 * @param actionsPartitions partitions of the actions topic when it has to be created; the unit of work the
 *        gateway nodes share
 * @param clapCap most claps one user may give one post, in total; also the most claps per request
 * @param coalesceInterval at most one totals update per post per interval
 * @param requestThreads threads running the request path's Redis calls (never an event loop)
 * @param requestQueue requests waiting for those threads; beyond it requests are refused with 503
 * @param kafkaTimeout how long recording an action in Kafka may take before the request fails with 503
 * @param redisTimeout connect and read timeout of one Redis call
 * @param retryBackoffMax longest pause of the worker between retries while Redis is unreachable
 */
public record CountersConfig(URI redis, String topicPrefix, int actionsPartitions, int clapCap,
        Duration coalesceInterval, int requestThreads, int requestQueue, Duration kafkaTimeout,
        Duration redisTimeout, Duration retryBackoffMax) {

    /** How long a released reservation is remembered: longer than any record waits in Kafka unapplied. */
    static final Duration RELEASED_MARK_TTL = Duration.ofDays(7);

    public CountersConfig {
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        requirePositive("actionsPartitions", actionsPartitions);
        requirePositive("clapCap", clapCap);
        requirePositive("requestThreads", requestThreads);
        requirePositive("requestQueue", requestQueue);
        requirePositive("coalesceInterval", coalesceInterval);
        requirePositive("kafkaTimeout", kafkaTimeout);
        requirePositive("redisTimeout", redisTimeout);
        requirePositive("retryBackoffMax", retryBackoffMax);
        if (redis != null && !"redis".equals(redis.getScheme()) && !"rediss".equals(redis.getScheme())) {
            throw new IllegalArgumentException("redis: " + redis + " (expected: redis://host:port)");
        }
    }

    /** In-memory store, topics {@code fanfare.*}, cap 50, 50 ms coalescing. */
    public static CountersConfig defaults() {
        return new CountersConfig(null, "fanfare.", 6, 50, Duration.ofMillis(50), 16, 1024, Duration.ofSeconds(10),
                Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    public CountersConfig withRedis(URI uri) {
        return new CountersConfig(uri, topicPrefix, actionsPartitions, clapCap, coalesceInterval, requestThreads,
                requestQueue, kafkaTimeout, redisTimeout, retryBackoffMax);
    }

    public CountersConfig withTopicPrefix(String prefix) {
        return new CountersConfig(redis, prefix, actionsPartitions, clapCap, coalesceInterval, requestThreads,
                requestQueue, kafkaTimeout, redisTimeout, retryBackoffMax);
    }

    public CountersConfig withActionsPartitions(int partitions) {
        return new CountersConfig(redis, topicPrefix, partitions, clapCap, coalesceInterval, requestThreads,
                requestQueue, kafkaTimeout, redisTimeout, retryBackoffMax);
    }

    public CountersConfig withClapCap(int cap) {
        return new CountersConfig(redis, topicPrefix, actionsPartitions, cap, coalesceInterval, requestThreads,
                requestQueue, kafkaTimeout, redisTimeout, retryBackoffMax);
    }

    public CountersConfig withRequestThreads(int threads) {
        return new CountersConfig(redis, topicPrefix, actionsPartitions, clapCap, coalesceInterval, threads,
                requestQueue, kafkaTimeout, redisTimeout, retryBackoffMax);
    }

    public CountersConfig withCoalesceInterval(Duration interval) {
        return new CountersConfig(redis, topicPrefix, actionsPartitions, clapCap, interval, requestThreads,
                requestQueue, kafkaTimeout, redisTimeout, retryBackoffMax);
    }

    public CountersConfig withRetryBackoffMax(Duration backoff) {
        return new CountersConfig(redis, topicPrefix, actionsPartitions, clapCap, coalesceInterval, requestThreads,
                requestQueue, kafkaTimeout, redisTimeout, backoff);
    }

    /**
     * The {@code --redis} option as a URI: null when absent or blank, else {@code redis://host:port}
     * (or {@code rediss://}).
     *
     * @throws IllegalArgumentException naming what is wrong with it
     */
    public static URI parseRedis(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String expected = " (expected: redis://host:port)";
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("redis: '" + text + "' is not a URI" + expected);
        }
        if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
            throw new IllegalArgumentException("redis: '" + text + "' has no redis:// scheme" + expected);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("redis: '" + text + "' names no host" + expected);
        }
        return uri;
    }

    public String actionsTopic() {
        return topicPrefix + "actions";
    }

    public String clapsTopic() {
        return topicPrefix + "claps";
    }

    public String likesTopic() {
        return topicPrefix + "likes";
    }

    /** {@code fanfare-counters} for the prefix {@code fanfare.}: the prefix without its trailing dot. */
    public String groupId() {
        String name = topicPrefix.endsWith(".") ? topicPrefix.substring(0, topicPrefix.length() - 1) : topicPrefix;
        return name + "-counters";
    }

    /**
     * How long an applied reservation is remembered: far longer than a produce can take to fail
     * ({@code max.block.ms} + {@code delivery.timeout.ms}), so a release racing with the worker sees it.
     */
    Duration appliedMarkTtl() {
        Duration tenProduces = kafkaTimeout.multipliedBy(10);
        return tenProduces.compareTo(Duration.ofMinutes(10)) > 0 ? tenProduces : Duration.ofMinutes(10);
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }

    private static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }
}
