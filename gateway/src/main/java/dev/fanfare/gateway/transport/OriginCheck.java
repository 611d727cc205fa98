package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.core.ErrorCode;
import dev.fanfare.gateway.core.Text;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code Origin} rule of a plain HTTP connection, between the request queue and the router
 * (so it sees one request and then its answer):
 * <ul>
 *   <li>a request from an origin that is not allowed is answered 403 {@code forbidden} and goes no
 *       further: a page elsewhere cannot open a WebSocket, publish or clap with its visitor's
 *       cookie, nor read a stream;</li>
 *   <li>the answer to a request from an allowed origin carries the CORS headers that let the
 *       page read it (with credentials), whatever endpoint wrote it.</li>
 * </ul>
 * A request without {@code Origin} (not from a browser's cross-origin machinery) passes as it is.
 * Leaves with the other HTTP handlers when the connection becomes a stream.
 */
final class OriginCheck extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(OriginCheck.class);
    private static final RefusalLog refusals = new RefusalLog(log);
    /** What a page may read of an answer besides the simple headers. */
    static final String EXPOSED = "Retry-After";

    private final Access access;
    /** The allowed origin of the request being answered, or null. */
    private String origin;

    OriginCheck(Access access) {
        this.access = access;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req)) {
            ctx.fireChannelRead(msg);
            return;
        }
        String o = req.headers().get(HttpHeaderNames.ORIGIN);
        origin = null;
        if (o == null || req.decoderResult().isFailure()) {
            ctx.fireChannelRead(req);
            return;
        }
        if (!access.origins().allows(o, access.host(ctx.channel(), req))) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            refusals.refused("origin", ctx.channel().remoteAddress() + " " + req.method() + " "
                    + Text.quote(Credentials.redact(req.uri())) + " from " + Text.quote(o));
            req.release();
            HttpResponses.send(ctx, keepAlive, HttpResponses.error(ErrorCode.FORBIDDEN, "origin: " + Text.quote(o)
                    + " (expected: an allowed origin: " + access.origins().describe() + ")"));
            return;
        }
        origin = o;
        ctx.fireChannelRead(req);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (origin != null && msg instanceof HttpResponse r) {
            HttpHeaders h = r.headers();
            h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
            h.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED);
            h.add(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
        }
        ctx.write(msg, promise);
    }
}
