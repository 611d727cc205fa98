package dev.fanfare.client.network;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on loopback that makes the path to the gateway look like a real network: every connection's bytes
 * are delayed by half the round trip each way (with jitter) and capped in bandwidth ({@link LinkShape}), and a new
 * connection costs a round trip before its first byte, as TCP's handshake does. What {@code tc qdisc ... netem}
 * would do, in user space, for machines where netem is not available.
 *
 * <p>Runs on its own event loops, so the shaping does not wait on the measured clients' loops. Each connection
 * and its upstream share one loop; a {@link ShapedLane} per direction holds the bytes in flight.
 */
public final class ShapingProxy implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final EventLoopGroup loops;
    private final Channel server;
    private final LinkShape shape;

    private ShapingProxy(EventLoopGroup loops, Channel server, LinkShape shape) {
        this.loops = loops;
        this.server = server;
        this.shape = shape;
    }

    /** Listens on a free loopback port and forwards every connection to {@code target}, shaped. */
    public static ShapingProxy start(InetSocketAddress target, LinkShape shape, int threads) throws InterruptedException {
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(Math.max(1, threads),
                new DefaultThreadFactory("fanfare-netem", true), NioIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap()
                    .group(loops)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast("relay", new Downstream(target, shape));
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            return new ShapingProxy(loops, server, shape);
        } catch (InterruptedException | RuntimeException e) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public LinkShape shape() {
        return shape;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Either side of a connection: what it reads goes into the lane toward the other side. */
    private abstract static class Relay extends ChannelInboundHandlerAdapter {

        /** The lane bytes read here go into (null until it exists). */
        abstract ShapedLane inbound();

        @Override
        public final void channelRead(ChannelHandlerContext ctx, Object msg) {
            ShapedLane lane = inbound();
            if (msg instanceof ByteBuf bytes && lane != null) {
                lane.offer(bytes);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public final void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** The client's side of one connection: connects upstream after a round trip, then relays both ways. */
    private static final class Downstream extends Relay {

        private final InetSocketAddress target;
        private final LinkShape shape;
        private ShapedLane up;
        private ShapedLane down;
        private Channel upstream;

        Downstream(InetSocketAddress target, LinkShape shape) {
            this.target = target;
            this.shape = shape;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel client = ctx.channel();
            up = new ShapedLane(shape, client);
            // The handshake's round trip: nothing of the connection reaches the gateway before it.
            client.eventLoop().schedule(() -> connectUpstream(client), shape.rtt().toNanos(), TimeUnit.NANOSECONDS);
            ctx.fireChannelActive();
        }

        private void connectUpstream(Channel client) {
            if (!client.isActive()) {
                return;
            }
            ChannelFuture connect = new Bootstrap()
                    .group(client.eventLoop())
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            down = new ShapedLane(shape, ch);
                            down.connectTo(client);
                            ch.pipeline().addLast("relay", new Upstream(down, up, client));
                        }
                    })
                    .connect(target);
            connect.addListener((ChannelFuture f) -> {
                if (f.isSuccess()) {
                    upstream = f.channel();
                    up.connectTo(upstream);
                    client.config().setAutoRead(true);
                } else {
                    client.close();
                }
            });
        }

        @Override
        ShapedLane inbound() {
            return up;
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (up != null) {
                up.fromEnded();
            }
            if (down != null) {
                down.close();
            }
            if (upstream == null && up != null) {
                up.close();
            }
            ctx.fireChannelInactive();
        }
    }

    /** The gateway's side of one connection. */
    private static final class Upstream extends Relay {

        private final ShapedLane down;
        private final ShapedLane up;
        private final Channel client;

        Upstream(ShapedLane down, ShapedLane up, Channel client) {
            this.down = down;
            this.up = up;
            this.client = client;
        }

        @Override
        ShapedLane inbound() {
            return down;
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            down.fromEnded();
            up.close();
            if (!client.isActive()) {
                down.close();
            }
            ctx.fireChannelInactive();
        }
    }
}
