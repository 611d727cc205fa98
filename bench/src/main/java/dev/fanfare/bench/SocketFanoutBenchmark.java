package dev.fanfare.bench;

import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.Disconnects;
import dev.fanfare.gateway.core.FanoutHub;
import dev.fanfare.gateway.core.RingLimits;
import dev.fanfare.gateway.core.Shard;
import dev.fanfare.gateway.core.SnapshotSource;
import dev.fanfare.gateway.transport.sse.SseSessions;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One event from ingest to {@code subscribers} sockets, and read: the hub on a gateway event loop (epoll,
 * as the gateway runs by default), each subscriber a loopback connection with the gateway's own SSE
 * session on it, a reader on a second loop draining every connection and counting whole SSE events.
 * One operation: ingest one batch on this thread (as the Kafka source does), then wait until every
 * subscriber has read it. Per delivery: the score divided by {@code subscribers} (its batches' events).
 *
 * <p>On loopback the sender's write also runs the receiver's TCP path, so the figure holds the kernel's
 * share of a delivery, as pushbench's CPU per delivery does; it leaves out HTTP, Kafka and the load
 * generator's parsing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SocketFanoutBenchmark {

    /** Heartbeats are not what is measured: one an hour. */
    private static final long HEARTBEAT_NANOS = TimeUnit.HOURS.toNanos(1);
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    @Param("1000")
    int subscribers;

    @Param("1")
    int batch;

    @Param({"epoll", "nio"})
    String transport;

    private EventLoopGroup gatewayLoop;
    private EventLoopGroup readerLoop;
    private FanoutHub hub;
    private Records records;
    private Channel server;
    private final List<Channel> clients = new ArrayList<>();
    private final Drain drain = new Drain();
    private long target;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        boolean epoll = transport.equals("epoll");
        if (epoll && !Epoll.isAvailable()) {
            throw new IllegalStateException("epoll: " + Epoll.unavailabilityCause());
        }
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> serverType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        Class<? extends Channel> clientType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        gatewayLoop = new MultiThreadIoEventLoopGroup(1, io);
        readerLoop = new MultiThreadIoEventLoopGroup(1, io);
        EventLoop loop = (EventLoop) gatewayLoop.next();
        hub = new FanoutHub(Records.LAYOUT, RingLimits.DEFAULT, new long[1], List.of(loop), SnapshotSource.NONE,
                PooledByteBufAllocator.DEFAULT);
        records = Records.fromZero();
        Shard shard = hub.shard(loop);
        Disconnects disconnects = new Disconnects();
        List<ChannelName> channel = List.of(ChannelName.parse(Records.CHANNEL));

        server = new ServerBootstrap().group(gatewayLoop).channel(serverType)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelHandler session = SseSessions.create(shard, disconnects, HEARTBEAT_NANOS);
                        ch.pipeline().addLast(session);
                        ch.eventLoop().execute(() -> SseSessions.start(session, channel, hub.live()));
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();

        Bootstrap connect = new Bootstrap().group(readerLoop).channel(clientType)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new Reader(drain));
                    }
                });
        for (int i = 0; i < subscribers; i++) {
            clients.add(connect.connect(server.localAddress()).sync().channel());
        }
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (loop.submit((Callable<Integer>) shard::subscribers).get() < subscribers) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(shard.subscribers() + " of " + subscribers + " subscribed");
            }
            Thread.sleep(10);
        }
        // Each session's first write is its retry: field, one SSE block; count from there.
        target = subscribers;
        awaitDrained();
    }

    @Benchmark
    public void ingestDeliverAndRead() throws InterruptedException, TimeoutException {
        target += (long) subscribers * batch;
        hub.ingest(records.next(batch));
        awaitDrained();
    }

    private void awaitDrained() throws InterruptedException, TimeoutException {
        drain.waiter = Thread.currentThread();
        drain.target = target;
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (drain.blocks.get() < target) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("read " + drain.blocks.get() + " of " + target + " SSE blocks; "
                        + "a subscriber was disconnected or the gateway loop stalled");
            }
            LockSupport.parkNanos(this, 100_000);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        for (Channel c : clients) {
            c.close();
        }
        server.close().sync();
        readerLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        gatewayLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        hub.close();
    }

    /** What all readers have read, counted in whole SSE blocks (each ends with an empty line). */
    private static final class Drain {
        final AtomicLong blocks = new AtomicLong();
        volatile Thread waiter;
        volatile long target;

        void add(long n) {
            if (blocks.addAndGet(n) >= target) {
                Thread w = waiter;
                if (w != null) {
                    LockSupport.unpark(w);
                }
            }
        }
    }

    /** One subscriber's reading end: counts the blank lines that end SSE blocks, even across reads. */
    private static final class Reader extends ChannelInboundHandlerAdapter {
        private final Drain drain;
        private boolean lastWasNewline;

        Reader(Drain drain) {
            this.drain = drain;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof ByteBuf b) {
                    drain.add(count(b));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private long count(ByteBuf b) {
            long n = 0;
            int i = b.readerIndex();
            int end = b.writerIndex();
            while (i < end) {
                int nl = ByteBufUtil.indexOf(b, i, end, (byte) '\n');
                if (nl < 0) {
                    lastWasNewline = false;
                    break;
                }
                if (lastWasNewline && nl == i) {
                    n++;
                    lastWasNewline = false;
                } else {
                    lastWasNewline = true;
                }
                i = nl + 1;
            }
            return n;
        }
    }
}
