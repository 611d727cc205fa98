package dev.fanfare.gateway.transport.sse;

import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.DisconnectReason;
import dev.fanfare.gateway.core.Disconnects;
import dev.fanfare.gateway.core.Envelopes;
import dev.fanfare.gateway.core.Event;
import dev.fanfare.gateway.core.Json;
import dev.fanfare.gateway.core.PartitionSet;
import dev.fanfare.gateway.core.Shard;
import dev.fanfare.gateway.core.Style;
import dev.fanfare.gateway.core.Subscriber;
import dev.fanfare.gateway.transport.BatchWriter;
import dev.fanfare.gateway.transport.GracefulClose;
import dev.fanfare.gateway.transport.Shutdown;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SSE connection after its header: writes events (shared bytes), gap notices and heartbeats.
 * When the shard lets go of it (a slow client, the node stopping), the client reads why in
 * {@code event: disconnect} and reconnects with its Last-Event-ID, losing nothing. So it does when
 * the token it came with expires ({@code token_expired}): with a fresh token and its cursor.
 */
final class SseSession extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(SseSession.class);
    private static final ByteBuf HEARTBEAT = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer().writeBytes(": hb\n\n".getBytes(StandardCharsets.US_ASCII))).asReadOnly();

    private final Shard shard;
    private final Disconnects disconnects;
    private final long heartbeatNanos;
    /** The heartbeat event a client asked for (sent at once, then when due), or null: the comment. */
    private final ByteBuf heartbeatEvent;
    private final Instant expiresAt;
    private final Sink sink = new Sink();
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> heartbeat;
    private ScheduledFuture<?> expiry;
    private boolean wrote;
    private BatchWriter events;
    private boolean closing;

    /**
     * @param heartbeatNanos a comment goes out when nothing else did for this long. A timer of
     *                       our own rather than an IdleStateHandler: that one wraps every write's
     *                       promise to watch it, an allocation per delivered event.
     */
    SseSession(Shard shard, Disconnects disconnects, long heartbeatNanos, ByteBuf heartbeatEvent, Instant expiresAt) {
        this.shard = shard;
        this.disconnects = disconnects;
        this.heartbeatNanos = heartbeatNanos;
        this.heartbeatEvent = heartbeatEvent;
        this.expiresAt = expiresAt;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.events = new BatchWriter(ctx);
    }

    void start(List<ChannelName> channels, long[] from, int maxRate) {
        wrote = true;
        long period = Math.max(heartbeatNanos / 2, 1);
        heartbeat = ctx.executor().scheduleWithFixedDelay(this::heartbeatIfIdle, period, period, TimeUnit.NANOSECONDS);
        if (expiresAt != null) {
            expiry = ctx.executor().schedule(() -> end(DisconnectReason.TOKEN_EXPIRED),
                    Math.max(0, Duration.between(Instant.now(), expiresAt).toNanos()), TimeUnit.NANOSECONDS);
        }
        ctx.write(SseEndpoint.RETRY.duplicate(), ctx.voidPromise());
        if (heartbeatEvent != null) {
            ctx.write(heartbeatEvent.duplicate(), ctx.voidPromise());
        }
        shard.subscribe(sink, channels, from, maxRate);
        ctx.flush();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    // Runs every half heartbeat: silent for a whole check period means a comment is due, so no
    // stretch of silence exceeds the heartbeat.
    private void heartbeatIfIdle() {
        if (!wrote && !closing) {
            ctx.writeAndFlush((heartbeatEvent != null ? heartbeatEvent : HEARTBEAT).duplicate(), ctx.voidPromise());
        }
        wrote = false;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            shard.resume(sink);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == Shutdown.INSTANCE) {
            end(DisconnectReason.SHUTDOWN);
        }
        ReferenceCountUtil.release(evt);
    }

    /** The session ends on our side: it leaves the shard and the client reads why. */
    private void end(DisconnectReason reason) {
        shard.remove(sink);
        sink.disconnect(reason);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        shard.remove(sink);
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        if (expiry != null) {
            expiry.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("SSE connection failed: {}", cause.toString());
        } else {
            log.warn("SSE connection failed", cause);
        }
        ctx.close();
    }

    /** {@code event: disconnect} with the reason, as one frame. */
    static String disconnectFrame(DisconnectReason reason) {
        return "event: disconnect\ndata: " + Json.MAPPER.createObjectNode().put("reason", reason.code())
                .put("message", reason.message()).put("reconnect", reason.reconnect()) + "\n\n";
    }

    private final class Sink implements Subscriber {
        @Override
        public Style style() {
            return Style.SSE;
        }

        @Override
        public boolean beginBatch() {
            events.begin();
            return ctx.channel().isWritable();
        }

        @Override
        public int write(Event e, PartitionSet set, String cursor, boolean snapshot, long conflated) {
            return events.write(e, Envelopes.Format.SSE, set, cursor, snapshot, conflated);
        }

        @Override
        public void writeGap(List<ChannelName> channels, String cursor) {
            StringBuilder b = new StringBuilder("event: gap\nid: ").append(cursor)
                    .append("\ndata: {\"gap\":true,\"cursor\":\"").append(cursor).append("\",\"channels\":[");
            for (int i = 0; i < channels.size(); i++) {
                b.append(i > 0 ? ",\"" : "\"").append(channels.get(i)).append('"');
            }
            b.append("]}\n\n");
            ctx.write(ByteBufUtil.writeAscii(ctx.alloc(), b), ctx.voidPromise());
        }

        @Override
        public void endBatch(Runnable written) {
            wrote = true;
            events.end(written);
        }

        @Override
        public void disconnect(DisconnectReason reason) {
            if (closing) {
                return;
            }
            closing = true;
            disconnects.count(reason, "SSE " + ctx.channel().remoteAddress());
            GracefulClose.afterWriting(ctx, ByteBufUtil.writeAscii(ctx.alloc(), disconnectFrame(reason)), reason.code());
        }
    }
}
