package dev.fanfare.gateway.viewers;

import dev.fanfare.gateway.core.ViewerCount;
import dev.fanfare.gateway.core.ViewerCounts;
import dev.fanfare.gateway.counters.RedisCounterStore;
import dev.fanfare.gateway.counters.RedisScript;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Viewer counts in Redis (standalone: the scripts derive keys from channel names).
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><td>{@code viewers:nodes}</td><td>zset: node → its last heartbeat (Redis time, ms)</td></tr>
 *   <tr><td>{@code viewers:node:<node>}</td><td>hash {@code sse|<channel>}, {@code ws|<channel>} → subscribers on
 *       that node; expires {@code ttl} after the node's last heartbeat</td></tr>
 *   <tr><td>{@code viewers:polls:<style>:<channel>}</td><td>zset: viewer → counted until (ms); members older than
 *       the window are dropped</td></tr>
 *   <tr><td>{@code viewers:channels}</td><td>set: channels somebody watches or watched until the last count</td></tr>
 *   <tr><td>{@code viewers:published}</td><td>hash: channel → the count last published</td></tr>
 *   <tr><td>{@code viewers:leader}</td><td>the node that publishes; expires {@code ttl} after its last heartbeat</td></tr>
 * </table>
 *
 * A node's heartbeat and a count are one script each: O(channels reported) and O(channels × nodes), never
 * O(subscribers).
 */
final class RedisViewerStore implements ViewerStore {

    private static final RedisScript REPORT = RedisScript.load(RedisViewerStore.class, "report.lua");
    private static final RedisScript COUNT = RedisScript.load(RedisViewerStore.class, "count.lua");
    private static final List<String> REPORT_KEYS = List.of("viewers:nodes", "", "viewers:channels", "viewers:leader");
    private static final List<String> COUNT_KEYS = List.of("viewers:nodes", "viewers:channels", "viewers:published");
    /** Channels one leader's pass looks at (chosen at random when there are more). */
    private static final int CHANGED_PER_PASS = 10_000;

    private final JedisPooled redis;
    private final String described;
    private final String ttl;
    private final String window;

    RedisViewerStore(URI uri, Duration timeout, Duration ttl, Duration window) {
        this.redis = RedisCounterStore.pooled(uri, 4, timeout);
        this.described = uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
        this.ttl = Long.toString(ttl.toMillis());
        this.window = Long.toString(window.toMillis());
    }

    @Override
    public boolean report(String node, Map<String, int[]> streams, List<ViewerCounts.Sighting> sightings) {
        List<String> args = new ArrayList<>(List.of(node, ttl, window, streams == null ? "0" : "1"));
        if (streams == null) {
            args.add("0");
        } else {
            List<String> fields = new ArrayList<>();
            streams.forEach((channel, n) -> {
                if (n[0] != 0) {
                    fields.add("sse|" + channel);
                    fields.add(Integer.toString(n[0]));
                }
                if (n[1] != 0) {
                    fields.add("ws|" + channel);
                    fields.add(Integer.toString(n[1]));
                }
            });
            args.add(Integer.toString(fields.size() / 2));
            args.addAll(fields);
        }
        long now = System.currentTimeMillis();
        args.add(Integer.toString(sightings.size()));
        for (ViewerCounts.Sighting s : sightings) {
            args.add(s.style().label());
            args.add(s.viewer());
            args.add(Long.toString(Math.max(0, s.untilMillis() - now)));
            args.add(Integer.toString(s.channels().size()));
            args.addAll(s.channels());
        }
        List<String> keys = new ArrayList<>(REPORT_KEYS);
        keys.set(1, "viewers:node:" + node);
        return number(call("report viewers", () -> REPORT.run(redis, keys, args))) == 1;
    }

    @Override
    public List<ViewerCount> counts(List<String> channels) {
        List<String> args = new ArrayList<>(List.of(ttl, window, "channels"));
        args.addAll(channels);
        return parse(call("count viewers", () -> COUNT.run(redis, COUNT_KEYS, args)));
    }

    @Override
    public List<ViewerCount> changed() {
        return parse(call("count viewers", () -> COUNT.run(redis, COUNT_KEYS,
                List.of(ttl, window, "changed", Integer.toString(CHANGED_PER_PASS)))));
    }

    @Override
    public void published(ViewerCount c) {
        call("mark viewers published", () -> redis.hset("viewers:published", c.channel(),
                c.sse() + ":" + c.ws() + ":" + c.longpoll() + ":" + c.poll()));
    }

    @Override
    public void leave(String node) {
        call("remove a node's viewers", () -> {
            redis.zrem("viewers:nodes", node);
            return redis.del("viewers:node:" + node);
        });
    }

    @Override
    public String describe() {
        return described;
    }

    @Override
    public void close() {
        redis.close();
    }

    private <T> T call(String what, Supplier<T> operation) {
        try {
            return operation.get();
        } catch (JedisException e) {
            throw new ViewerStoreUnavailableException("Redis at " + described + " could not " + what + ": " + e.getMessage(), e);
        }
    }

    private static List<ViewerCount> parse(Object reply) {
        List<?> flat = (List<?>) reply;
        List<ViewerCount> out = new ArrayList<>(flat.size() / 5);
        for (int i = 0; i + 4 < flat.size(); i += 5) {
            out.add(new ViewerCount(text(flat.get(i)), number(flat.get(i + 1)), number(flat.get(i + 2)),
                    number(flat.get(i + 3)), number(flat.get(i + 4))));
        }
        return out;
    }

    private static long number(Object value) {
        return value instanceof Long n ? n : Long.parseLong(text(value).toLowerCase(Locale.ROOT));
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
    }
}
