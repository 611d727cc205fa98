package dev.fanfare.gateway.viewers;

import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.ErrorCode;
import dev.fanfare.gateway.core.EventPublisher;
import dev.fanfare.gateway.core.SnapshotSource;
import dev.fanfare.gateway.core.ViewerApi;
import dev.fanfare.gateway.core.ViewerCount;
import dev.fanfare.gateway.core.ViewerCounts;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Viewer counts across nodes: every second this node reports who watches what here (a heartbeat,
 * so a node that dies drops out within {@link #TTL}), and the one node that leads publishes the
 * counts that changed on {@code viewers/<stream>:<key>} (at most one update per channel per tick).
 * Reads ({@code GET /viewers}, snapshots of viewer channels) ask the store on a small executor of
 * their own, never on an event loop.
 */
public final class Viewers implements ViewerApi, SnapshotSource, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Viewers.class);
    /** A node's counts disappear this long after its last heartbeat; also the leader's lease. */
    public static final Duration TTL = Duration.ofSeconds(5);
    /** A poller counts while its latest poll (a long poll: its end) is this recent. */
    public static final Duration WINDOW = Duration.ofSeconds(10);
    public static final Duration TICK = Duration.ofSeconds(1);
    /** Every this many ticks a node rewrites its whole state (a Redis that restarted empty gets it back). */
    private static final int FULL_EVERY = 5;
    private static final Duration PUBLISH_WAIT = Duration.ofSeconds(5);

    private final ViewerStore store;
    private final String node;
    private final ScheduledExecutorService ticker;
    private final ExecutorService reads;
    private ViewerCounts local;
    private EventPublisher publisher;
    private Map<String, int[]> lastReported;
    private int ticks;
    private boolean storeDown;

    private Viewers(ViewerStore store, String node) {
        this.store = store;
        this.node = node;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "fanfare-viewers"));
        this.reads = new ThreadPoolExecutor(1, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(100),
                r -> daemon(r, "fanfare-viewers-read"), new ThreadPoolExecutor.AbortPolicy());
    }

    /** In Redis when {@code redis} is given, else in memory (one node). Reports nothing until {@link #start}. */
    public static Viewers create(URI redis, Duration timeout) {
        ViewerStore store = redis == null ? new InMemoryViewerStore(TTL, WINDOW, System::currentTimeMillis)
                : new RedisViewerStore(redis, timeout, TTL, WINDOW);
        return new Viewers(store, UUID.randomUUID().toString().substring(0, 8));
    }

    /** Starts reporting {@code local}'s counts, publishing on {@code publisher} while this node leads. */
    public void start(ViewerCounts local, EventPublisher publisher) {
        this.local = Objects.requireNonNull(local);
        this.publisher = Objects.requireNonNull(publisher);
        ticker.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
        log.info("viewer counts in {} (node {}: counts vanish {} s after a node's last heartbeat; pollers count for {} s)",
                store.describe(), node, TTL.toSeconds(), WINDOW.toSeconds());
    }

    private void tick() {
        List<ViewerCounts.Sighting> sightings = local.drainSightings();
        Map<String, int[]> streams = local.streams();
        boolean full = storeDown || ticks++ % FULL_EVERY == 0 || !same(streams, lastReported);
        try {
            boolean leads = store.report(node, full ? streams : null, sightings);
            lastReported = streams;
            if (storeDown) {
                log.info("viewer counts: {} answers again", store.describe());
                storeDown = false;
            }
            if (leads) {
                publishChanged();
            }
        } catch (ViewerStoreUnavailableException e) {
            if (!storeDown) {
                log.warn("viewer counts paused: {}", e.getMessage());
                storeDown = true;
            }
        } catch (RuntimeException e) {
            log.error("viewer counts: unexpected failure; trying again next tick", e);
        }
    }

    private void publishChanged() {
        List<ViewerCount> changed = store.changed();
        List<CompletableFuture<ViewerCount>> sent = new ArrayList<>(changed.size());
        for (ViewerCount c : changed) {
            ChannelName on = ViewerCounts.channelOf(ChannelName.parse(c.channel()));
            if (on == null) {
                store.published(c); // too long a name for a channel of its own: readable with GET /viewers only
                continue;
            }
            sent.add(publisher.publish(on, c.jsonBytes()).toCompletableFuture().thenApply(cursor -> c));
        }
        for (CompletableFuture<ViewerCount> f : sent) {
            try {
                store.published(f.get(PUBLISH_WAIT.toMillis(), TimeUnit.MILLISECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
                // Not marked: published again at the next tick.
            }
        }
    }

    private static boolean same(Map<String, int[]> a, Map<String, int[]> b) {
        if (b == null || a.size() != b.size()) {
            return false;
        }
        for (Map.Entry<String, int[]> e : a.entrySet()) {
            if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public CompletionStage<List<ViewerCount>> counts(List<ChannelName> channels) {
        List<String> names = channels.stream().map(ChannelName::toString).toList();
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return store.counts(names);
                } catch (ViewerStoreUnavailableException e) {
                    throw new ApiException(ErrorCode.UNAVAILABLE, "viewer counts cannot be read now: " + e.getMessage(), e);
                }
            }, reads);
        } catch (RejectedExecutionException busy) {
            return CompletableFuture.failedFuture(new ApiException(ErrorCode.UNAVAILABLE, "too many viewer count reads waiting"));
        }
    }

    @Override
    public boolean covers(ChannelName channel) {
        return ViewerCounts.watchedBy(channel) != null;
    }

    @Override
    public CompletionStage<byte[]> snapshot(ChannelName channel) {
        ChannelName watched = ViewerCounts.watchedBy(channel);
        return counts(List.of(watched)).handle((list, failure) -> failure == null ? list.get(0).jsonBytes() : null);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        reads.shutdownNow();
        try {
            ticker.awaitTermination(5, TimeUnit.SECONDS);
            if (local != null) {
                store.leave(node);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ViewerStoreUnavailableException e) {
            log.info("viewer counts of this node stay until their TTL: {}", e.getMessage());
        } finally {
            store.close();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
