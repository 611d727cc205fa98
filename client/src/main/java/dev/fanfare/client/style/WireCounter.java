package dev.fanfare.client.style;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * First handler of every client pipeline: counts the bytes read from and written to the socket (what
 * actually crossed the wire, HTTP headers and framing included) and the connections opened and held.
 */
final class WireCounter extends ChannelDuplexHandler {

    static final String NAME = "wire-counter";

    private final ClientCounters counters;

    WireCounter(ClientCounters counters) {
        this.counters = counters;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        counters.connectionOpened();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        counters.connectionClosed();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            counters.bytesReceived(buf.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf) {
            counters.bytesSent(buf.readableBytes());
        } else if (msg instanceof ByteBufHolder holder) {
            counters.bytesSent(holder.content().readableBytes());
        }
        ctx.write(msg, promise);
    }
}
