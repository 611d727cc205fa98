package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.core.RepeatedLog;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection after a last message telling its client why (SSE {@code event: disconnect},
 * a WebSocket close frame). The message queues behind whatever the client has not read yet: a
 * client that reads again within the grace period gets it, then the connection closes. One that
 * does not is closed anyway when the grace period ends, and that its notice went undelivered is
 * counted and logged by reason ({@link RefusalLog}).
 */
public final class GracefulClose {

    private static final Logger log = LoggerFactory.getLogger(GracefulClose.class);
    private static final RepeatedLog undelivered = new RepeatedLog(log, "notice undelivered");

    /** How long a client gets to read its backlog and the last message. */
    public static final long GRACE_MILLIS = 10_000;

    private GracefulClose() {
    }

    /**
     * Writes {@code lastMessage}, then closes once it is written, or after the grace period.
     *
     * @param reason what the message says, for the count of notices a client never read
     */
    public static void afterWriting(ChannelHandlerContext ctx, Object lastMessage, String reason) {
        ChannelFuture written = ctx.writeAndFlush(lastMessage);
        written.addListener(f -> ctx.channel().close());
        ScheduledFuture<?> deadline = ctx.executor().schedule(() -> {
            if (!written.isDone()) {
                undelivered.occurred("disconnect", "the client of " + ctx.channel().remoteAddress()
                        + " did not read its notice '" + reason + "' within " + GRACE_MILLIS + " ms; closed without it");
            }
            ctx.channel().close();
        }, GRACE_MILLIS, TimeUnit.MILLISECONDS);
        ctx.channel().closeFuture().addListener(f -> deadline.cancel(false));
    }

    /** Notices never read since start (their client did not read within the grace period). */
    public static long undelivered() {
        return undelivered.count("disconnect");
    }
}
