package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.metrics.GatewayMetrics;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * {@code GET /metrics}: every metric in the Prometheus text format (version 0.0.4). The scrape
 * walks every meter, so it runs off the event loop.
 */
final class MetricsEndpoint {

    static final String PATH = "/metrics";
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final GatewayMetrics metrics;
    private final Executor blocking;

    MetricsEndpoint(GatewayMetrics metrics, Executor blocking) {
        this.metrics = metrics;
        this.blocking = blocking;
    }

    void handle(Request r) {
        r.then(CompletableFuture.supplyAsync(metrics::scrape, blocking), text -> {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(body));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE)
                    .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
            HttpUtil.setContentLength(res, body.length);
            r.answer(res);
        });
    }
}
