package dev.fanfare.gateway.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection after its last answer without losing that answer to a reset, as nginx's
 * {@code lingering_close} does: closing a socket with unread input makes the kernel send RST,
 * and a client still sending (a body it was refused, pipelined requests) may then never read the
 * answer. So the answer goes out, then a FIN (half close), then what the client still sends is
 * read and dropped, unparsed, until it closes its end, goes quiet for {@link #IDLE_MILLIS}, sends
 * more than {@link #MAX_BYTES}, or {@link #MAX_MILLIS} pass; then the socket closes.
 */
final class LingeringClose extends ChannelInboundHandlerAdapter {

    static final String NAME = "linger";
    static final long MAX_BYTES = 1 << 20;
    static final long IDLE_MILLIS = 2_000;
    static final long MAX_MILLIS = 5_000;

    /** Use as the listener of the last answer's write. */
    static final ChannelFutureListener AFTER_WRITE = f -> start(f.channel());

    private long discarded;
    private ScheduledFuture<?> idle;

    private LingeringClose() {
    }

    /** Half-closes {@code ch} and discards its input until one of the bounds closes it. */
    static void start(Channel ch) {
        if (!(ch instanceof DuplexChannel duplex) || !ch.isActive() || duplex.isOutputShutdown()) {
            ch.close();
            return;
        }
        if (ch.pipeline().get(NAME) == null) {
            ch.pipeline().addFirst(NAME, new LingeringClose());
        }
        duplex.shutdownOutput().addListener(f -> {
            if (!f.isSuccess()) {
                ch.close();
            }
        });
        ch.config().setAutoRead(true);
        ScheduledFuture<?> deadline = ch.eventLoop().schedule(() -> ch.close(), MAX_MILLIS, TimeUnit.MILLISECONDS);
        ch.closeFuture().addListener(f -> deadline.cancel(false));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        restartIdle(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof io.netty.buffer.ByteBuf b) {
            discarded += b.readableBytes();
        }
        ReferenceCountUtil.release(msg);
        if (discarded > MAX_BYTES) {
            ctx.close();
        } else {
            restartIdle(ctx);
        }
    }

    private void restartIdle(ChannelHandlerContext ctx) {
        if (idle != null) {
            idle.cancel(false);
        }
        idle = ctx.executor().schedule(() -> ctx.close(), IDLE_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (idle != null) {
            idle.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset while lingering: the client is gone
    }
}
