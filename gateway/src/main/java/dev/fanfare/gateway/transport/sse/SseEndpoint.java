package dev.fanfare.gateway.transport.sse;

import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.Principal;
import dev.fanfare.gateway.core.Shard;
import dev.fanfare.gateway.core.Text;
import dev.fanfare.gateway.transport.GatewayServices;
import dev.fanfare.gateway.transport.Pipelines;
import dev.fanfare.gateway.transport.Request;
import dev.fanfare.gateway.transport.RequestParams;
import dev.fanfare.gateway.transport.poll.PollEndpoint;
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
    /**
     * {@code heartbeat=event}: the heartbeat as an event a browser's {@code EventSource} can see
     * (comments never reach its script), the first at once, so a client can tell a stream held back
     * by a buffering proxy from a quiet one. Carries the interval, so the client knows when the next is due.
     */
    private final ByteBuf eventHeartbeat;

    public SseEndpoint(GatewayServices services) {
        this.services = services;
        // Wraps an array: nothing to release when this node goes (a direct buffer per node would be reported
        // as a leak once the node is collected).
        this.eventHeartbeat = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(
                ("event: heartbeat\ndata: {\"interval\":" + services.config().sse().heartbeat().toMillis() + "}\n\n")
                        .getBytes(StandardCharsets.US_ASCII))).asReadOnly();
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
        int maxRate = PollEndpoint.maxRate(query);
        ByteBuf heartbeat = heartbeatOf(RequestParams.first(query, "heartbeat"));
        r.then(services.logEnds().check(cursor), from -> open(ctx, channels, from, maxRate, heartbeat, principal));
    }

    /** The heartbeat a request asks for: a comment (the default) or an event; null for the comment. */
    private ByteBuf heartbeatOf(String asked) {
        if (asked == null || asked.equals("comment")) {
            return null;
        }
        if (asked.equals("event")) {
            return eventHeartbeat;
        }
        throw ApiException.badParameter("heartbeat", Text.quote(asked), "comment or event");
    }

    private void open(ChannelHandlerContext ctx, List<ChannelName> channels, long[] from, int maxRate, ByteBuf heartbeat,
                      Principal principal) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE)
                .set("x-accel-buffering", "no");
        ctx.write(head, ctx.voidPromise());

        Shard shard = services.hub().shard(ctx.channel().eventLoop());
        SseSession session = new SseSession(shard, services.disconnects(), services.config().sse().heartbeat().toNanos(),
                heartbeat, principal.expiresAt());
        Pipelines.toSse(ctx.pipeline(), session);
        session.start(channels, from, maxRate);
    }
}
