package dev.fanfare.gateway.counters;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Counters in Redis, each operation one Lua script (atomic on the server).
 *
 * <p>Keys: {@code counters:offsets} (hash partition → last applied offset), {@code counters:post:<post>}
 * (hash {@code claps}, {@code likes}), {@code likes:users:<post>} (set of users who like the post),
 * {@code claps:reserved:<post>} (hash user → reserved claps), {@code claps:rsv:<id>} (reservation state:
 * its count while pending, {@code a} applied, {@code r} released) and {@code claps:rsv:seq}. The scripts
 * name per-post keys they derive themselves, so this store needs a standalone Redis (not Redis Cluster).
 *
 * <p>For counts to survive a Redis restart, run Redis with persistence (AOF). If Redis loses its data anyway,
 * the worker notices the missing offsets and rebuilds the totals by replaying the actions topic.
 */
public final class RedisCounterStore implements CounterStore {

    private static final String OFFSETS = "counters:offsets";
    private static final String RESERVATION_SEQ = "claps:rsv:seq";
    private static final String RESERVATION_PREFIX = "claps:rsv:";
    private static final RedisScript RESERVE = RedisScript.load("reserve.lua");
    private static final RedisScript RELEASE = RedisScript.load("release.lua");
    private static final RedisScript APPLY = RedisScript.load("apply.lua");

    private final JedisPooled redis;
    private final String described;
    private final String appliedMarkTtlSeconds;
    private final String releasedMarkTtlSeconds;

    /**
     * @param uri {@code redis://[user:password@]host:port[/database]}
     * @param maxConnections pool size; borrowers wait at most {@code timeout} for a connection
     * @param timeout connect and read timeout of each call
     * @param appliedMarkTtl how long an applied reservation is remembered: longer than a produce can take, so
     *        a release racing with the worker learns the clap was counted
     * @param releasedMarkTtl how long a released reservation is remembered: longer than a record can wait in
     *        Kafka before the worker applies it
     */
    public RedisCounterStore(URI uri, int maxConnections, Duration timeout, Duration appliedMarkTtl,
            Duration releasedMarkTtl) {
        this.redis = pooled(uri, maxConnections, timeout);
        this.described = uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
        this.appliedMarkTtlSeconds = Long.toString(Math.max(1, appliedMarkTtl.toSeconds()));
        this.releasedMarkTtlSeconds = Long.toString(Math.max(1, releasedMarkTtl.toSeconds()));
    }

    /** A pool of at most {@code maxConnections} to {@code uri}; borrowers and calls wait at most {@code timeout}. */
    public static JedisPooled pooled(URI uri, int maxConnections, Duration timeout) {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(maxConnections);
        pool.setMaxIdle(maxConnections);
        pool.setMinIdle(0);
        pool.setMaxWait(timeout);
        // Connections broken by a Redis restart are found within a second instead of failing one request each.
        pool.setTestWhileIdle(true);
        pool.setTimeBetweenEvictionRuns(Duration.ofSeconds(1));
        int millis = Math.toIntExact(timeout.toMillis());
        return new JedisPooled(pool, uri, millis, millis);
    }

    @Override
    public ClapReservation reserveClaps(String post, String user, int count, int cap) {
        // Not repeated on failure: a reservation whose answer was lost may have been made.
        List<?> reply = callOnce("reserve claps", () -> (List<?>) RESERVE.run(redis,
                List.of("claps:reserved:" + post, RESERVATION_SEQ),
                List.of(user, Integer.toString(count), Integer.toString(cap), RESERVATION_PREFIX)));
        return new ClapReservation(number(reply.get(0)), number(reply.get(1)));
    }

    @Override
    public ReleaseOutcome releaseClaps(String post, String user, long reservationId) {
        String outcome = text(call("release claps", () -> RELEASE.run(redis,
                List.of(RESERVATION_PREFIX + reservationId, "claps:reserved:" + post),
                List.of(user, releasedMarkTtlSeconds))));
        return switch (outcome) {
            case "released" -> ReleaseOutcome.RELEASED;
            case "applied" -> ReleaseOutcome.ALREADY_APPLIED;
            default -> ReleaseOutcome.UNKNOWN;
        };
    }

    @Override
    public AppliedBatch apply(String partition, List<LoggedAction> actions, boolean requireStoredOffset) {
        List<String> args = new ArrayList<>(3 + actions.size() * 6);
        args.add(partition);
        args.add(requireStoredOffset ? "1" : "0");
        args.add(appliedMarkTtlSeconds);
        for (LoggedAction logged : actions) {
            CounterAction action = logged.action();
            args.add(Long.toString(logged.offset()));
            args.add(action.type().wireName());
            args.add(action.post());
            args.add(action.user());
            args.add(Integer.toString(action.count()));
            args.add(Long.toString(action.reservation()));
        }
        List<?> reply = call("apply actions", () -> (List<?>) APPLY.run(redis, List.of(OFFSETS), args));
        if (!"ok".equals(text(reply.get(0)))) {
            return AppliedBatch.missingOffset();
        }
        List<PostTotals> totals = new ArrayList<>((reply.size() - 2) / 3);
        for (int i = 2; i + 2 < reply.size(); i += 3) {
            totals.add(new PostTotals(text(reply.get(i)), number(reply.get(i + 1)), number(reply.get(i + 2))));
        }
        return new AppliedBatch(false, number(reply.get(1)), List.copyOf(totals));
    }

    @Override
    public long appliedOffset(String partition) {
        String offset = call("read applied offset", () -> redis.hget(OFFSETS, partition));
        return offset == null ? -1 : Long.parseLong(offset);
    }

    @Override
    public PostTotals totals(String post) {
        List<String> values = call("read totals", () -> redis.hmget("counters:post:" + post, "claps", "likes"));
        return new PostTotals(post, parseOrZero(values.get(0)), parseOrZero(values.get(1)));
    }

    @Override
    public void ping() {
        call("ping", redis::ping);
    }

    @Override
    public String describe() {
        return described;
    }

    @Override
    public void close() {
        redis.close();
    }

    /**
     * Runs an idempotent Redis call, once more if the connection fails: a pooled connection broken by a Redis
     * restart fails on its first use, and repeating an idempotent call is harmless.
     */
    private <T> T call(String what, Supplier<T> operation) {
        try {
            return callOnce(what, operation);
        } catch (CounterStoreUnavailableException e) {
            if (!(e.getCause() instanceof JedisConnectionException)) {
                throw e;
            }
            return callOnce(what, operation);
        }
    }

    /** Runs one Redis call, turning "Redis is not there (or not ready)" into the store's unavailable error. */
    private <T> T callOnce(String what, Supplier<T> operation) {
        try {
            return operation.get();
        } catch (JedisDataException e) {
            if (isTransient(e)) {
                throw unavailable(what, e);
            }
            throw new IllegalStateException("Redis refused to " + what + ": " + e.getMessage(), e);
        } catch (JedisException e) {
            throw unavailable(what, e);
        }
    }

    private CounterStoreUnavailableException unavailable(String what, Exception e) {
        return new CounterStoreUnavailableException(
                "Redis at " + described + " could not " + what + ": " + e.getMessage(), e);
    }

    /** Errors a Redis gives while starting, loading its data or stuck in a long script: worth a retry. */
    private static boolean isTransient(JedisDataException e) {
        String message = String.valueOf(e.getMessage());
        return message.startsWith("LOADING") || message.startsWith("BUSY") || message.startsWith("MASTERDOWN")
                || message.startsWith("TRYAGAIN");
    }

    private static long number(Object value) {
        if (value instanceof Long number) {
            return number;
        }
        return Long.parseLong(text(value));
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
    }

    private static long parseOrZero(String value) {
        return value == null ? 0 : Long.parseLong(value);
    }
}
