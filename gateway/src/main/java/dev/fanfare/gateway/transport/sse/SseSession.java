package dev.fanfare.gateway.transport.sse;

import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.Envelopes;
import dev.fanfare.gateway.core.Event;
import dev.fanfare.gateway.core.Shard;
import dev.fanfare.gateway.core.Subscriber;
import dev.fanfare.gateway.transport.GracefulClose;
import dev.fanfare.gateway.transport.Shutdown;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One SSE connection after its header: writes events (shared bytes), gap notices and heartbeats;
 * a client that falls behind the high-water mark is told why and disconnected; it reconnects with
 * its Last-Event-ID and loses nothing.
 */
final class SseSession extends ChannelInboundHandlerAdapter {

    private static final ByteBuf HEARTBEAT = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer().writeBytes(": hb\n\n".getBytes(StandardCharsets.US_ASCII))).asReadOnly();

    private final Shard shard;
    private final Sink sink = new Sink();
    private ChannelHandlerContext ctx;

    SseSession(Shard shard) {
        this.shard = shard;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    void start(List<ChannelName> channels, long[] from) {
        ctx.write(SseEndpoint.RETRY.duplicate(), ctx.voidPromise());
        shard.subscribe(sink, channels, from);
        ctx.flush();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.writeAndFlush(HEARTBEAT.duplicate(), ctx.voidPromise());
        } else if (evt == Shutdown.INSTANCE) {
            disconnect("shutdown", "the gateway is shutting down; reconnect with your Last-Event-ID");
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        shard.remove(sink);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void disconnect(String reason, String message) {
        shard.remove(sink);
        String frame = "event: disconnect\ndata: {\"reason\":\"" + reason + "\",\"message\":\"" + message + "\"}\n\n";
        GracefulClose.afterWriting(ctx, ByteBufUtil.writeAscii(ctx.alloc(), frame));
    }

    private final class Sink extends Subscriber {
        @Override
        protected boolean beginBatch() {
            if (ctx.channel().isWritable()) {
                return true;
            }
            disconnect("slow_consumer", "the client fell behind; reconnect with your Last-Event-ID");
            return false;
        }

        @Override
        protected void write(Event e, String cursor, boolean snapshot) {
            ctx.write(e.encode(ctx.alloc(), Envelopes.Format.SSE, cursor, snapshot), ctx.voidPromise());
        }

        @Override
        protected void writeGap(List<ChannelName> channels, String cursor) {
            StringBuilder b = new StringBuilder("event: gap\nid: ").append(cursor)
                    .append("\ndata: {\"gap\":true,\"cursor\":\"").append(cursor).append("\",\"channels\":[");
            for (int i = 0; i < channels.size(); i++) {
                b.append(i > 0 ? ",\"" : "\"").append(channels.get(i)).append('"');
            }
            b.append("]}\n\n");
            ctx.write(ByteBufUtil.writeAscii(ctx.alloc(), b), ctx.voidPromise());
        }

        @Override
        protected void endBatch() {
            ctx.flush();
        }
    }
}
