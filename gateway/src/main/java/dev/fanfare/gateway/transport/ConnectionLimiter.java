package dev.fanfare.gateway.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the node's client connections below what its file descriptors allow, so the Kafka
 * clients, the embedded broker and Redis always find one: a node that runs out takes its broker's
 * log directory offline and stops taking publishes.
 *
 * <p>Past {@link #limit()} a connection may still ask {@code /health}; anything else it asks is
 * answered 503 with the reason and {@code Retry-After} (a WebSocket upgrade: the handshake, then
 * close 1013 with the reason), and it is closed ({@link #isOverLimit}). Past the limit plus a
 * small grace, a connection is closed as soon as it is accepted, unanswered.
 */
@ChannelHandler.Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ConnectionLimiter.class);
    private static final AttributeKey<Boolean> OVER_LIMIT = AttributeKey.valueOf("fanfare.overLimit");
    /** Connections past the limit still read (to be told why, or to ask /health) before any is dropped unanswered. */
    static final int GRACE = 64;
    /** What a connection refused for a limit is told to wait ({@code Retry-After}). */
    static final long RETRY_AFTER_SECONDS = 5;

    private final int limit;
    private final AtomicInteger open = new AtomicInteger();
    private static final RefusalLog refusals = new RefusalLog(log);

    public ConnectionLimiter(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
        }
        this.limit = limit;
    }

    /**
     * The limit for this process: {@code configured} when set, else the file-descriptor limit less
     * those open now and a reserve (more when the broker runs in this process).
     */
    public static int limitFor(int configured, boolean embeddedBroker) {
        if (configured > 0) {
            return configured;
        }
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (!(os instanceof com.sun.management.UnixOperatingSystemMXBean unix)) {
            return 10_000;
        }
        long reserve = 256 + (embeddedBroker ? 1024 : 0);
        long derived = unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount() - reserve;
        return (int) Math.max(64, Math.min(Integer.MAX_VALUE - GRACE, derived));
    }

    public int limit() {
        return limit;
    }

    /** Client connections open now. */
    public int open() {
        return open.get();
    }

    /** Whether {@code ch} came past the limit: it is answered 503 for anything but {@code /health}. */
    static boolean isOverLimit(Channel ch) {
        return Boolean.TRUE.equals(ch.attr(OVER_LIMIT).get());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        int n = open.incrementAndGet();
        ctx.channel().closeFuture().addListener(f -> open.decrementAndGet());
        if (n > limit + GRACE) {
            refusals.refused("connection_limit", "connection dropped unanswered: " + n + " open, limit " + limit);
            ctx.close();
            return;
        }
        if (n > limit) {
            refusals.refused("connection_limit", "connection over the limit: " + n + " open, limit " + limit);
            ctx.channel().attr(OVER_LIMIT).set(true);
        }
        ctx.fireChannelActive();
    }
}
