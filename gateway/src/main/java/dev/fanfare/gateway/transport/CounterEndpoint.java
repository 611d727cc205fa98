package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.counters.CounterRequests;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

/**
 * {@code POST /claps/<post>}, {@code PUT|DELETE /likes/<post>}: hands the request to the counters
 * (which answer off the event loop) and writes their answer back on the connection's loop.
 */
public final class CounterEndpoint implements HttpRouter.Route {

    private final String prefix;
    private final CounterRequests counters;

    public CounterEndpoint(String prefix, CounterRequests counters) {
        this.prefix = prefix;
        this.counters = counters;
    }

    @Override
    public String prefix() {
        return prefix;
    }

    @Override
    public boolean handle(ChannelHandlerContext ctx, FullHttpRequest req, String path) {
        String method = req.method().name();
        if (!CounterRequests.allows(method, path)) {
            return false;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        counters.http(method, path, ByteBufUtil.getBytes(req.content())).thenAcceptAsync(reply ->
                HttpResponses.send(ctx, keepAlive, HttpResponses.json(HttpResponseStatus.valueOf(reply.status()),
                        Unpooled.wrappedBuffer(reply.body()))), ctx.executor());
        return true;
    }
}
