package dev.fanfare.client.style;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What all clients of one process share: a few event-loop threads (thousands of connections each) and
 * one JSON mapper. Each client is pinned to one loop for its whole life, so its state needs no locks.
 *
 * <p>A separate one-thread control loop carries the load runs' publishing and one-off requests, so a
 * flood of deliveries on the client loops never delays the publisher's clock.
 */
public final class ClientResources implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final EventLoopGroup group;
    private final EventLoopGroup control;
    private final ObjectMapper json = new ObjectMapper();

    private ClientResources(int ioThreads) {
        // Daemon threads: Ctrl-C or the end of main never waits on an idle loop.
        this.group = new MultiThreadIoEventLoopGroup(ioThreads,
                new DefaultThreadFactory("fanfare-client", true), NioIoHandler.newFactory());
        this.control = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("fanfare-control", true), NioIoHandler.newFactory());
    }

    /** {@code ioThreads <= 0} means one per available core. */
    public static ClientResources create(int ioThreads) {
        return new ClientResources(ioThreads > 0 ? ioThreads : Runtime.getRuntime().availableProcessors());
    }

    /** A client loop, in turn. */
    public EventLoop nextLoop() {
        return group.next();
    }

    /** Every client loop (not the control loop). */
    public List<EventLoop> loops() {
        List<EventLoop> loops = new ArrayList<>();
        group.forEach(e -> loops.add((EventLoop) e));
        return loops;
    }

    /** The control loop: publishing and one-off requests. */
    public EventLoop controlLoop() {
        return control.next();
    }

    public ObjectMapper json() {
        return json;
    }

    /** A bootstrap on {@code loop}, bound to {@code localAddress} when it is not null. */
    Bootstrap bootstrap(EventLoop loop, InetAddress localAddress) {
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS);
        if (localAddress != null) {
            b.localAddress(new InetSocketAddress(localAddress, 0));
        }
        return b;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        control.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
