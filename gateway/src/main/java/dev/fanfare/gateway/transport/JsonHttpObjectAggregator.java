package dev.fanfare.gateway.transport;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;

/** Netty's aggregator, answering an oversized body with our JSON error instead of an empty 413. */
final class JsonHttpObjectAggregator extends HttpObjectAggregator {

    JsonHttpObjectAggregator(int maxContentLength) {
        super(maxContentLength);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        ctx.writeAndFlush(HttpResponses.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too_large",
                        "body: over " + maxContentLength() + " bytes (expected: at most " + maxContentLength() + ")"))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
