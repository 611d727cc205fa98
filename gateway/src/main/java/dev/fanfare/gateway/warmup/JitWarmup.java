package dev.fanfare.gateway.warmup;

import dev.fanfare.gateway.config.GatewayConfig;
import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.Authenticator;
import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.CounterAck;
import dev.fanfare.gateway.core.CounterApi;
import dev.fanfare.gateway.core.Disconnects;
import dev.fanfare.gateway.core.ErrorCode;
import dev.fanfare.gateway.core.FanoutHub;
import dev.fanfare.gateway.core.LogEnds;
import dev.fanfare.gateway.core.Shard;
import dev.fanfare.gateway.core.SnapshotSource;
import dev.fanfare.gateway.core.StreamLayout;
import dev.fanfare.gateway.core.Timers;
import dev.fanfare.gateway.core.ViewerApi;
import dev.fanfare.gateway.metrics.GatewayMetrics;
import dev.fanfare.gateway.transport.Access;
import dev.fanfare.gateway.transport.ConnectionLimiter;
import dev.fanfare.gateway.transport.GatewayInitializer;
import dev.fanfare.gateway.transport.GatewayServices;
import dev.fanfare.gateway.transport.RequestParams;
import dev.fanfare.gateway.transport.StaticFiles;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before a node listens, it serves a short private load through its own pipeline, so that the JIT has
 * compiled the delivery path before the first client comes and not while serving it (a cold node
 * spent a third of its CPU in the compiler, and twice Nchan's per delivery; docs/PERFORMANCE.md).
 *
 * <p>The load: SSE and WebSocket subscribers and long polls over loopback, from this process, on a
 * private hub on the node's own event loops, fed by HTTP publishes as clients publish, through the
 * node's HTTP, routing, session, encoding and write code. Nothing of it is the node's: its own
 * streams' topics (fresh ids, so no cursor of it is valid on the node), no counters, no viewers, its
 * own metrics, its own connections; the node's Kafka, Redis and clients see none of it, and when it
 * ends every connection, event and buffer of it is gone.
 *
 * <p>Events go one at a time: the next is published once every streaming subscriber has read the
 * last, so no subscriber falls behind and the warm-up never disconnects one. It stops at its budget
 * or after {@link #MAX_EVENTS}, whichever comes first; a node's start waits for it.
 */
public final class JitWarmup {

    private static final Logger log = LoggerFactory.getLogger(JitWarmup.class);
    /** Enough for C2 to take the per-event path too (its thresholds are some thousands of calls). */
    static final int MAX_EVENTS = 20_000;
    /** Subscribers by style, spread over {@link #CHANNELS}: ~250 deliveries per event. */
    static final int SSE = 250;
    static final int WS = 250;
    static final int LONG_POLLS = 100;
    static final int CHANNELS = 2;
    /** At most this many of the node's file descriptors (two per connection) for the warm-up. */
    private static final double SHARE_OF_FILES = 0.25;

    /** What a warm-up did. */
    public record Result(long events, long deliveries, long longPolls, Duration took, boolean budgetSpent) {
        public static final Result NONE = new Result(0, 0, 0, Duration.ZERO, false);
    }

    private JitWarmup() {
    }

    /**
     * Runs a warm-up of at most {@code budget} on {@code workers}; {@code bootstrap} is the node's own
     * server bootstrap for a child handler (its options, its loops, its transport). Never throws for
     * the load itself: a warm-up that cannot run is logged and skipped, the node starts anyway.
     */
    public static Result run(GatewayConfig node, EventLoopGroup workers, Executor blocking,
                             Function<ChannelHandler, ServerBootstrap> bootstrap, Duration budget) {
        return run(node, workers, blocking, bootstrap, budget, MAX_EVENTS);
    }

    /** As {@link #run(GatewayConfig, EventLoopGroup, Executor, Function, Duration)}, with at most {@code maxEvents}. */
    static Result run(GatewayConfig node, EventLoopGroup workers, Executor blocking,
                      Function<ChannelHandler, ServerBootstrap> bootstrap, Duration budget, int maxEvents) {
        if (budget.isZero() || maxEvents == 0) {
            return Result.NONE;
        }
        long start = System.nanoTime();
        int files = ConnectionLimiter.limitFor(0, false);
        double scale = Math.min(1.0, files * SHARE_OF_FILES / (2.0 * (SSE + WS + LONG_POLLS + 1)));
        Load load = new Load((int) (SSE * scale), (int) (WS * scale), (int) (LONG_POLLS * scale));
        try (Private p = new Private(node, workers, blocking)) {
            Channel server = bootstrap.apply(new GatewayInitializer(p.services, new ConnectionLimiter(Integer.MAX_VALUE / 2)))
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            try (WarmupClients clients = new WarmupClients((InetSocketAddress) server.localAddress(), p.channels)) {
                Result r = drive(p, clients, load, maxEvents, start, start + budget.toNanos());
                log.info("JIT warm-up before listening: {} events to {} SSE and {} WebSocket subscribers and {} long polls"
                                + " in {} ms, {} deliveries{} (--warmup 0s turns it off)",
                        r.events(), load.sse, load.ws, load.longPolls, r.took().toMillis(), r.deliveries(),
                        r.budgetSpent() ? ", its budget spent" : "");
                return r;
            } finally {
                server.close().sync();
                p.connections.close().await(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.NONE;
        } catch (Exception e) {
            log.warn("JIT warm-up skipped: {}", e.toString());
            return Result.NONE;
        }
    }

    private record Load(int sse, int ws, int longPolls) {
    }

    private static Result drive(Private p, WarmupClients clients, Load load, int maxEvents, long start, long deadline)
            throws InterruptedException {
        for (int i = 0; i < load.sse; i++) {
            clients.sse(i % CHANNELS);
        }
        for (int i = 0; i < load.ws; i++) {
            clients.webSocket(i % CHANNELS);
        }
        int[] perChannel = new int[CHANNELS];
        for (int i = 0; i < load.sse + load.ws; i++) {
            perChannel[i % CHANNELS]++;
        }
        if (!awaitSubscribers(p.hub, load.sse + load.ws, deadline)) {
            return new Result(0, 0, 0, Duration.ofNanos(System.nanoTime() - start), true);
        }
        log.debug("warm-up: {} streams subscribed after {} ms", load.sse + load.ws, (System.nanoTime() - start) / 1_000_000);
        for (int i = 0; i < load.longPolls; i++) {
            clients.longPoll(i % CHANNELS);
        }
        long expected = 0;
        int events = 0;
        boolean spent = false;
        while (events < maxEvents) {
            int c = events % CHANNELS;
            expected += perChannel[c];
            if (!clients.publish(c, events, deadline) || !clients.awaitStreamed(expected, deadline)) {
                spent = true;
                break;
            }
            events++;
            if (log.isDebugEnabled() && events % 500 == 0) {
                log.debug("warm-up: {} events after {} ms", events, (System.nanoTime() - start) / 1_000_000);
            }
        }
        return new Result(events, clients.streamed() + clients.longPolled(), clients.longPolls(),
                Duration.ofNanos(System.nanoTime() - start), spent);
    }

    /** Until {@code n} subscribers are registered with the hub's shards (read on their loops). */
    private static boolean awaitSubscribers(FanoutHub hub, int n, long deadline) throws InterruptedException {
        while (System.nanoTime() < deadline) {
            int total = 0;
            for (Shard s : hub.shards()) {
                try {
                    total += ((EventLoop) s.loop()).submit((java.util.concurrent.Callable<Integer>) s::subscribers).get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
            if (total >= n) {
                return true;
            }
            Thread.sleep(5);
        }
        return false;
    }

    /** The warm-up's own hub, publisher, metrics and connections, and what it closes at the end. */
    private static final class Private implements AutoCloseable {
        final FanoutHub hub;
        final GatewayServices services;
        final ChannelGroup connections = new DefaultChannelGroup("fanfare-warmup", GlobalEventExecutor.INSTANCE);
        final List<ChannelName> channels = new ArrayList<>();
        private final ExecutorService ingest = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fanfare-warmup-ingest");
            t.setDaemon(true);
            return t;
        });
        private final GatewayMetrics metrics = new GatewayMetrics();

        Private(GatewayConfig node, EventLoopGroup workers, Executor blocking) {
            GatewayConfig.Kafka k = node.kafka();
            List<String> streams = k.streams();
            List<String> topics = streams.stream().map(s -> "fanfare-warmup." + s).toList();
            List<UUID> ids = streams.stream().map(s -> UUID.randomUUID()).toList();
            List<Integer> partitions = streams.stream().map(s -> k.partitions()).toList();
            StreamLayout layout = StreamLayout.of(streams, topics, ids, partitions);
            String stream = streams.contains("demo") ? "demo" : streams.get(0);
            for (int i = 0; i < CHANNELS; i++) {
                channels.add(ChannelName.parse(stream + "/jit-" + i)); // no "warmup" in it: the clients count that word
            }
            hub = new FanoutHub(layout, node.rings(), new long[layout.totalPartitions()], workers, SnapshotSource.NONE,
                    node.delivery(), metrics, Timers::of, PooledByteBufAllocator.DEFAULT);
            // Open to loopback: no tokens, no origins, no limits (the load is many connections from one address).
            GatewayConfig open = node
                    .withAuth(a -> a.withJwtSecret(null).withJwtPublicKey(null).withJwks(null).withAllowedOrigins(List.of()))
                    .withLimits(l -> l.withConnectionsPerAddress(0).withExempt(List.of("127.0.0.0/8", "::1/128")));
            services = new GatewayServices(open, hub, new RequestParams(layout, hub.cursors(), node.http().maxChannelsPerRequest()),
                    new LocalPublisher(hub, ingest), LogEnds.NONE, NO_COUNTERS, NO_VIEWERS, List.of(), StaticFiles.NONE,
                    connections, new Disconnects(), metrics, blocking, Access.of(open, Authenticator.OPEN));
        }

        @Override
        public void close() {
            ingest.shutdownNow();
            hub.close();
            metrics.close();
        }
    }

    private static <T> CompletionStage<T> unavailable() {
        return CompletableFuture.failedFuture(new ApiException(ErrorCode.UNAVAILABLE, "not during the warm-up"));
    }

    private static final ViewerApi NO_VIEWERS = channels -> unavailable();

    private static final CounterApi NO_COUNTERS = new CounterApi() {
        @Override
        public int clapCap() {
            return 0;
        }

        @Override
        public CompletionStage<CounterAck> clap(String post, String user, long count) {
            return unavailable();
        }

        @Override
        public CompletionStage<CounterAck> like(String post, String user) {
            return unavailable();
        }

        @Override
        public CompletionStage<CounterAck> unlike(String post, String user) {
            return unavailable();
        }

        @Override
        public CompletionStage<byte[]> totals(String post) {
            return unavailable();
        }
    };
}
