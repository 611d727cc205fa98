package dev.fanfare.gateway;

import dev.fanfare.feed.DemoFeed;
import dev.fanfare.feed.DemoFeedConfig;
import dev.fanfare.gateway.auth.Authenticators;
import dev.fanfare.gateway.config.GatewayConfig;
import dev.fanfare.gateway.config.Transport;
import dev.fanfare.gateway.core.Disconnects;
import dev.fanfare.gateway.core.Timers;
import dev.fanfare.gateway.metrics.GatewayMetrics;
import dev.fanfare.gateway.core.FanoutHub;
import dev.fanfare.gateway.core.HealthCheck;
import dev.fanfare.gateway.counters.Counters;
import dev.fanfare.gateway.counters.TotalsSnapshots;
import dev.fanfare.gateway.demo.GatewayFeedSink;
import dev.fanfare.gateway.core.SnapshotSource;
import dev.fanfare.gateway.core.StreamLayout;
import dev.fanfare.gateway.viewers.Viewers;
import dev.fanfare.gateway.kafka.BrokerWatch;
import dev.fanfare.gateway.kafka.EmbeddedKafkaBroker;
import dev.fanfare.gateway.kafka.KafkaEventPublisher;
import dev.fanfare.gateway.kafka.KafkaLogEnds;
import dev.fanfare.gateway.kafka.KafkaSource;
import dev.fanfare.gateway.kafka.TopicAdmin;
import dev.fanfare.gateway.kafka.TopicMeta;
import dev.fanfare.gateway.transport.Access;
import dev.fanfare.gateway.transport.ConnectionLimiter;
import dev.fanfare.gateway.transport.GatewayInitializer;
import dev.fanfare.gateway.transport.GatewayServices;
import dev.fanfare.gateway.transport.Pipelines;
import dev.fanfare.gateway.transport.RequestParams;
import dev.fanfare.gateway.transport.Shutdown;
import dev.fanfare.gateway.transport.StaticFiles;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway node: wires Kafka (embedded or external), the fan-out hub and the Netty server,
 * and takes them down in reverse order.
 */
public final class GatewayServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);
    /** Longest a stop waits for answers owed; a Kafka send times out within 10 s. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(12);

    private final GatewayConfig config;
    private final List<AutoCloseable> closeInReverse = new ArrayList<>();
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final Disconnects disconnects = new Disconnects();
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel serverChannel;
    private ChannelGroup connections;
    private String bootstrapServers;
    private FanoutHub hub;
    private KafkaEventPublisher publisher;
    private Counters counters;
    private Viewers viewers;

    private GatewayServer(GatewayConfig config) {
        this.config = config;
    }

    /** Starts a node; on any failure everything started so far is stopped again. */
    public static GatewayServer start(GatewayConfig config) {
        GatewayServer s = new GatewayServer(config);
        try {
            s.startAll();
            return s;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            s.close();
            throw new IllegalStateException("interrupted while starting", e);
        } catch (RuntimeException | Error e) {
            // Errors too (a class missing at run time): a half-started broker must not keep the JVM alive.
            s.close();
            throw e;
        }
    }

    private void startAll() throws InterruptedException {
        closeInReverse.add(metrics); // last: its GC listener outlives the node otherwise
        GatewayConfig.Kafka kafka = config.kafka();
        if (kafka.embedded()) {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(kafka.dataDir().resolve("kafka"), 0);
            closeInReverse.add(broker);
            bootstrapServers = broker.bootstrapServers();
            log.info("embedded Kafka broker at {} (data in {})", bootstrapServers, broker.dataDir());
        } else {
            bootstrapServers = kafka.bootstrap();
        }
        boolean createTopics = kafka.createTopics() || kafka.embedded();
        TopicAdmin admin = new TopicAdmin(bootstrapServers);
        closeInReverse.add(admin);
        StreamLayout layout = layout(admin, createTopics);

        KafkaSource source = new KafkaSource(bootstrapServers, layout, kafka.warmupRecords(), kafka.maxIngestLag(),
                "fanfare-source-" + UUID.randomUUID());
        closeInReverse.add(source);
        counters = Counters.start(config.counters().withTopicPrefix(kafka.topicPrefix())
                .withActionsPartitions(kafka.partitions()), bootstrapServers, createTopics);
        closeInReverse.add(counters);
        viewers = Viewers.create(config.counters().redis(), Duration.ofSeconds(2));
        closeInReverse.add(viewers);
        IoChoice io = IoChoice.of(config.server().transport());
        boss = new MultiThreadIoEventLoopGroup(1, io.factory());
        workers = new MultiThreadIoEventLoopGroup(config.server().ioThreads(), io.factory());
        closeInReverse.add(this::stopLoopsThenHub);
        hub = new FanoutHub(layout, config.rings(), source.start(), workers, SnapshotSource.firstOf(new TotalsSnapshots(counters.service()), viewers),
                config.delivery(), metrics, Timers::of, PooledByteBufAllocator.DEFAULT);
        // The source stops before the loops (it may be waiting for one), the loops before the rings go.
        closeInReverse.add(source);
        metrics.bind(hub);
        metrics.bindIngest(layout, new GatewayMetrics.PartitionFigures() {
            @Override
            public long lag(int global) {
                return source.lag(global);
            }

            @Override
            public long newestTimestamp(int global) {
                return source.newestTimestamp(global);
            }
        });
        metrics.gauge("fanfare.actions.pending", "clap and like actions this node's counter worker has not applied yet",
                counters::workerLag);

        BrokerWatch watch = new BrokerWatch(admin, layout);
        closeInReverse.add(watch);
        publisher = new KafkaEventPublisher(bootstrapServers, hub, kafka::topic, 10_000, metrics);
        closeInReverse.add(publisher);
        viewers.start(hub.viewers(), watch.guard(publisher));
        ExecutorService blocking = new ThreadPoolExecutor(1, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(100),
                r -> daemon(r, "fanfare-blocking"), new ThreadPoolExecutor.AbortPolicy());
        closeInReverse.add(blocking::shutdownNow);
        connections = new DefaultChannelGroup("fanfare-connections", GlobalEventExecutor.INSTANCE);
        GatewayServices services = new GatewayServices(config, hub,
                new RequestParams(layout, hub.cursors(), config.http().maxChannelsPerRequest()), watch.guard(publisher),
                new KafkaLogEnds(admin, layout, hub::live, blocking), watch.guard(counters.service()), viewers,
                List.of(watch.health(), watch.partitions(), publisher.health(), source.health(), counters.health()), StaticFiles.load("web"),
                connections, disconnects, metrics, blocking, Access.of(config, Authenticators.of(config.auth())));

        ConnectionLimiter limiter = new ConnectionLimiter(
                ConnectionLimiter.limitFor(config.server().maxConnections(), kafka.embedded()));
        metrics.bindConnections(connections, Pipelines::kindOf, disconnects);
        metrics.gauge("fanfare.connections.limit", "client connections this node takes at most (--max-connections)",
                limiter::limit);
        log.info("taking at most {} client connections, {} from one address", limiter.limit(),
                config.limits().connectionsPerAddress() == 0 ? "any number" : config.limits().connectionsPerAddress());
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(io.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(config.http().lowWaterMark(), config.http().highWaterMark()))
                .childHandler(new GatewayInitializer(services, limiter));
        if (config.server().sendBufferBytes() > 0) {
            b.childOption(ChannelOption.SO_SNDBUF, config.server().sendBufferBytes());
        }
        serverChannel = b.bind(config.server().host(), config.server().port()).sync().channel();
        closeInReverse.add(this::stopServing);
        source.measureReads(metrics.readLatency());
        source.start(hub);
        if (config.demoFeed()) {
            DemoFeed feed = new DemoFeed(DemoFeedConfig.defaults(), new GatewayFeedSink(publisher, counters.service()));
            feed.start();
            closeInReverse.add(feed);
            log.info("demo feed running: ticker, claps and likes (turn off with --no-demo-feed)");
        }
        log.info("gateway listening on {}:{} ({} transport, streams {})", config.server().host(), port(), io.name(),
                kafka.streams());
    }

    /** The transport in use: its loop factory and server channel class. */
    private record IoChoice(String name, IoHandlerFactory factory, Class<? extends ServerChannel> serverChannel) {
        static IoChoice of(Transport wanted) {
            if ((wanted == Transport.AUTO || wanted == Transport.IO_URING) && IoUring.isAvailable()) {
                return new IoChoice("io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class);
            }
            if ((wanted == Transport.AUTO || wanted == Transport.EPOLL || wanted == Transport.IO_URING) && Epoll.isAvailable()) {
                return new IoChoice("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class);
            }
            return new IoChoice("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class);
        }
    }

    private StreamLayout layout(TopicAdmin admin, boolean createTopics) {
        GatewayConfig.Kafka kafka = config.kafka();
        List<String> topics = kafka.streams().stream().map(kafka::topic).toList();
        Map<String, TopicMeta> metas = admin.ensureTopics(topics, kafka.partitions(), createTopics);
        List<UUID> ids = new ArrayList<>();
        List<Integer> partitions = new ArrayList<>();
        for (String t : topics) {
            TopicMeta m = metas.get(t);
            Uuid id = m.topicId();
            ids.add(new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits()));
            partitions.add(m.partitions());
        }
        return StreamLayout.of(kafka.streams(), topics, ids, partitions);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public GatewayConfig config() {
        return config;
    }

    public FanoutHub hub() {
        return hub;
    }

    public Counters counters() {
        return counters;
    }

    /** This node's metrics. */
    public GatewayMetrics metrics() {
        return metrics;
    }

    public KafkaEventPublisher publisher() {
        return publisher;
    }

    /**
     * Drains: stops accepting, tells every connection the node is going (SSE disconnect event, WS
     * close 1001, HTTP close once in-flight requests are answered), waits for them, then closes
     * what is left.
     */
    private void stopServing() throws InterruptedException {
        serverChannel.close().sync();
        long start = System.nanoTime();
        log.info("stopping: draining {} connections (at most {} s)", connections.size(), DRAIN_TIMEOUT.toSeconds());
        connections.forEach(ch -> ch.eventLoop().execute(() -> ch.pipeline().fireUserEventTriggered(Shutdown.INSTANCE)));
        connections.newCloseFuture().await(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        int left = connections.size();
        connections.close().await(2, TimeUnit.SECONDS);
        log.info("drained in {} ms{}", (System.nanoTime() - start) / 1_000_000, left == 0 ? "" : "; closed " + left + " that were still open");
    }

    private void stopLoopsThenHub() {
        if (boss != null) {
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (hub != null) {
            hub.close();
        }
    }

    /** Stops everything that was started, newest first. Safe to call twice. */
    @Override
    public synchronized void close() {
        for (int i = closeInReverse.size() - 1; i >= 0; i--) {
            try {
                closeInReverse.get(i).close();
            } catch (Exception e) {
                log.warn("while stopping: {}", e.toString());
            }
        }
        if (!closeInReverse.isEmpty()) {
            closeInReverse.clear();
            log.info("stopped");
        }
    }
}
