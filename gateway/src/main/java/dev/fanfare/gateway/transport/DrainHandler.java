package dev.fanfare.gateway.transport;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;

/**
 * Graceful drain for plain HTTP connections: counts requests that have not been answered yet, and
 * on {@link Shutdown} closes the connection only once they all are, so no client is left without
 * the answer to a request the gateway acted on (a clap that was counted, an event that was
 * published). Sits between the aggregator and the router, where it sees both.
 */
final class DrainHandler extends ChannelDuplexHandler {

    static final String NAME = "drain";

    private int unanswered;
    private boolean draining;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest) {
            unanswered++;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof FullHttpResponse && --unanswered == 0 && draining) {
            ctx.write(msg, promise.unvoid()).addListener(ChannelFutureListener.CLOSE);
            ctx.flush();
            return;
        }
        ctx.write(msg, promise);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == Shutdown.INSTANCE) {
            draining = true;
            if (unanswered == 0) {
                ctx.close();
                return;
            }
        }
        // The router answers a parked long poll now; its response then closes the connection here.
        ctx.fireUserEventTriggered(evt);
    }
}
