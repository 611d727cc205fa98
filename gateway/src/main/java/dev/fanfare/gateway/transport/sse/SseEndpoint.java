package dev.fanfare.gateway.transport.sse;

import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.Principal;
import dev.fanfare.gateway.core.Shard;
import dev.fanfare.gateway.transport.GatewayServices;
import dev.fanfare.gateway.transport.Pipelines;
import dev.fanfare.gateway.transport.Request;
import dev.fanfare.gateway.transport.RequestParams;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /sse}: answers with an event stream and turns the connection into an SSE session.
 *
 * <p>The body has neither length nor chunking: it ends when the connection does, as SSE allows.
 * After the header is written the HTTP codec leaves the pipeline, so each event's shared bytes go
 * to the socket untouched.
 */
public final class SseEndpoint {

    static final ByteBuf RETRY = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer().writeBytes("retry: 2000\n\n".getBytes(StandardCharsets.US_ASCII))).asReadOnly();

    private final GatewayServices services;

    public SseEndpoint(GatewayServices services) {
        this.services = services;
    }

    /** Validates, answers with the stream header and hands the connection to an {@link SseSession}. */
    public void handle(Request r) {
        ChannelHandlerContext ctx = r.ctx();
        FullHttpRequest req = r.http();
        Map<String, List<String>> query = r.query();
        RequestParams params = services.params();
        List<ChannelName> channels = params.channels(query);
        Principal principal = r.caller().principal();
        principal.requireSubscribe(channels);
        String lastEventId = req.headers().get("Last-Event-ID");
        long[] cursor = params.cursor(lastEventId != null && !lastEventId.isEmpty() ? lastEventId
                : RequestParams.first(query, "cursor"));
        r.then(services.logEnds().check(cursor), from -> open(ctx, channels, from, principal));
    }

    private void open(ChannelHandlerContext ctx, List<ChannelName> channels, long[] from, Principal principal) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE)
                .set("x-accel-buffering", "no");
        ctx.write(head, ctx.voidPromise());

        Shard shard = services.hub().shard(ctx.channel().eventLoop());
        SseSession session = new SseSession(shard, services.config().sse().heartbeat().toNanos(), principal.expiresAt());
        Pipelines.toSse(ctx.pipeline(), session);
        session.start(channels, from);
    }
}
