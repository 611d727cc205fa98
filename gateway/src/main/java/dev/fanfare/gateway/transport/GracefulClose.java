package dev.fanfare.gateway.transport;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection after a last message telling its client why (SSE {@code event: disconnect},
 * a WebSocket close frame). The message queues behind whatever the client has not read yet, so a
 * client that stopped reading would never get it written, and the connection with its queued bytes
 * would stay open for good: it is closed after a grace period even then.
 */
public final class GracefulClose {

    /** How long a client gets to read its backlog and the last message. */
    public static final long GRACE_MILLIS = 10_000;

    private GracefulClose() {
    }

    /** Writes {@code lastMessage}, then closes once it is written, or after the grace period. */
    public static void afterWriting(ChannelHandlerContext ctx, Object lastMessage) {
        ctx.writeAndFlush(lastMessage).addListener(ChannelFutureListener.CLOSE);
        ScheduledFuture<?> deadline = ctx.executor().schedule(() -> ctx.channel().close(), GRACE_MILLIS,
                TimeUnit.MILLISECONDS);
        ctx.channel().closeFuture().addListener(f -> deadline.cancel(false));
    }
}
