package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.ErrorCode;
import dev.fanfare.gateway.core.Text;
import dev.fanfare.gateway.transport.ws.WebSocketEndpoint;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each aggregated request through the {@link Routes} table to its endpoint; what no route
 * answers is a page file (GET, HEAD) or a 404. One per connection: it remembers the long poll
 * parked on its connection, and SSE and WebSocket take the connection over (and remove the
 * router) once they answer.
 *
 * <p>A refusal ({@link ApiException}) is a 4xx with a JSON reason; anything else an endpoint
 * throws is a bug: one WARN line with the cause, and the client gets a 500 with a JSON reason.
 */
public final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> implements Request.Parking {

    private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);
    private static final RefusalLog refusals = new RefusalLog(log);

    /** What a connection past the node's limit may still ask. */
    static final String HEALTH = "/health";

    private final Routes routes;
    private final StaticFiles files;
    private final Access access;
    private ParkedRequest parked;
    /** When the request parked here times out; one per connection, moved per request (see {@link LazyTimer}). */
    private LazyTimer parkTimer;
    /** A request waits behind the one in flight: a long poll parked now must answer at once. */
    private boolean requestWaiting;
    /** The node is stopping: likewise. */
    private boolean stopping;

    HttpRouter(Routes routes, StaticFiles files, Access access) {
        super(false);
        this.routes = routes;
        this.files = files;
        this.access = access;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        parkTimer = new LazyTimer(ctx.executor(), this::answerParked);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        requestWaiting = false;
        parked = null;
        parkTimer.clear();
        try {
            DecoderResult decoded = req.decoderResult();
            if (decoded.isFailure()) {
                refuseUndecodable(ctx, decoded.cause());
                return;
            }
            route(ctx, req);
        } catch (RuntimeException e) {
            fail(ctx, req, keepAlive, e);
        } finally {
            req.release();
        }
    }

    /**
     * Answers a request that failed: a refusal ({@link ApiException}) with its status and JSON
     * reason, logged as a count; anything else as a bug: one WARN line with the cause, and a 500
     * with a JSON reason, after which the connection closes.
     */
    static void fail(ChannelHandlerContext ctx, FullHttpRequest req, boolean keepAlive, Throwable failure) {
        if (failure instanceof ApiException e) {
            refusals.refused(e.code().code(), ctx.channel().remoteAddress() + " " + req.method() + " "
                    + Text.quote(Credentials.redact(req.uri())) + ": " + e.code().status() + " " + e.getMessage());
            HttpResponses.send(ctx, keepAlive, HttpResponses.error(e));
            return;
        }
        log.warn("{} {} {}: the endpoint failed", ctx.channel().remoteAddress(), req.method(),
                Text.quote(Credentials.redact(req.uri())), failure);
        if (ctx.channel().isActive()) {
            HttpResponses.send(ctx, false, HttpResponses.error(ErrorCode.INTERNAL,
                    "internal error: the gateway could not answer this request"));
        }
    }

    private void route(ChannelHandlerContext ctx, FullHttpRequest req) {
        requireHttp11(req);
        Request request = new Request(ctx, req, this, access);
        HttpMethod method = req.method();
        if (access.addresses().trusts(Access.peer(ctx.channel()))) {
            access.connections().admitForwarded(ctx.channel(), request.client());
        }
        ApiException overLimit = HEALTH.equals(request.rawPath()) ? null : overLimit(ctx);
        if (overLimit != null) {
            if (!WebSocketEndpoint.PATH.equals(request.rawPath()) || !WebSocketEndpoint.isUpgrade(req)) {
                HttpResponses.send(ctx, false, HttpResponses.error(overLimit));
                return;
            }
            request.refuseConnection(overLimit); // a browser reads the reason of a close frame, not a 503's body
        }
        Routes.Route route = routes.find(request.rawPath());
        if (route == null) {
            FullHttpResponse file = HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method)
                    ? files.response(request.path()) : null;
            if (file == null) {
                throw new ApiException(ErrorCode.NOT_FOUND, "path: " + Text.quote(request.path()) + " (expected: "
                        + String.join(", ", routes.paths()) + " or a page file)");
            }
            request.answer(file);
            return;
        }
        Routes.Handler handler = route.handlers().get(method);
        if (handler == null) {
            FullHttpResponse refusal = HttpResponses.error(ErrorCode.METHOD_NOT_ALLOWED,
                    "method: " + method + " (expected: " + route.expected() + ")");
            refusal.headers().set(HttpHeaderNames.ALLOW, route.allow());
            refusals.refused(ErrorCode.METHOD_NOT_ALLOWED.code(), ctx.channel().remoteAddress() + " " + method + " "
                    + Text.quote(Credentials.redact(req.uri())) + ": 405");
            request.answer(refusal);
            return;
        }
        handler.handle(request);
    }

    /**
     * Why a connection past the node's limit, or its address's, is refused (503, Retry-After; a
     * WebSocket: 1013 after the handshake); null when it is not past one.
     */
    private ApiException overLimit(ChannelHandlerContext ctx) {
        if (ConnectionLimiter.isOverLimit(ctx.channel())) {
            return ApiException.retryAfter(ErrorCode.UNAVAILABLE, "connections: this node is at its limit (expected:"
                    + " retry later, or another node)", ConnectionLimiter.RETRY_AFTER_SECONDS);
        }
        if (AddressLimiter.isOverLimit(ctx.channel())) {
            return ApiException.retryAfter(ErrorCode.TOO_MANY_CONNECTIONS, "connections: more from this address than"
                    + " the " + access.connections().limit() + " this node takes (expected: fewer, or retry later)",
                    ConnectionLimiter.RETRY_AFTER_SECONDS);
        }
        return null;
    }

    /** HTTP/1.x only; an HTTP/1.1 request names exactly one Host (RFC 9112 section 3.2). */
    private static void requireHttp11(FullHttpRequest req) {
        HttpVersion version = req.protocolVersion();
        if (version.majorVersion() != 1) {
            throw new ApiException(ErrorCode.HTTP_VERSION_NOT_SUPPORTED,
                    "version: " + Text.quote(version.text()) + " (expected: HTTP/1.1 or HTTP/1.0)");
        }
        int hosts = req.headers().getAll(HttpHeaderNames.HOST).size();
        if (version.minorVersion() >= 1 && hosts != 1) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "host: " + (hosts == 0 ? "missing" : hosts + " headers")
                    + " (expected: exactly one Host header)");
        }
    }

    @Override
    public void park(ParkedRequest p, long timeoutNanos) {
        if (requestWaiting || stopping) {
            p.answerNow();
        } else {
            parked = p;
            parkTimer.setIn(timeoutNanos);
        }
    }

    /** The parked request answers now with what it has (one that answered already does nothing). */
    private void answerParked() {
        ParkedRequest p = parked;
        parked = null;
        if (p != null) {
            p.answerNow();
        }
    }

    private void refuseUndecodable(ChannelHandlerContext ctx, Throwable cause) {
        FullHttpResponse r;
        if (cause instanceof JsonHttpObjectAggregator.Refused refused) {
            r = HttpResponses.error(refused.code(), refused.getMessage());
        } else if (cause instanceof TooLongHttpLineException) {
            r = HttpResponses.error(ErrorCode.URI_TOO_LONG, "request line: too long (expected: a shorter URI)");
        } else if (cause instanceof TooLongHttpHeaderException) {
            r = HttpResponses.error(ErrorCode.HEADERS_TOO_LARGE, "headers: too large (expected: smaller headers)");
        } else {
            r = HttpResponses.error(ErrorCode.BAD_REQUEST,
                    "request: not valid HTTP/1.1 (" + cause.getClass().getSimpleName() + ")");
        }
        refusals.refused("undecodable", ctx.channel().remoteAddress() + ": " + cause);
        HttpResponses.send(ctx, false, r);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        parkTimer.stop();
        if (parked != null) {
            parked.cancel();
            parked = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == RequestQueue.WAITING) {
            requestWaiting = true;
        } else if (evt == Shutdown.INSTANCE) {
            stopping = true;
        }
        if (evt == Shutdown.INSTANCE || evt == RequestQueue.WAITING) {
            answerParked();
        }
        if (evt != RequestQueue.WAITING) {
            ctx.fireUserEventTriggered(evt);
        }
    }

    /**
     * A failure below the router (the socket, the codec). A peer that went away is routine; anything
     * else is logged once, answered 500 when the connection can still take it, and closed.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException || cause instanceof PrematureChannelClosureException) {
            // A peer that went away, also in the middle of a request: routine, not a fault of ours.
            log.debug("connection failed: {}", cause.toString());
        } else {
            log.warn("{}: connection failed", ctx.channel().remoteAddress(), cause);
            if (ctx.channel().isActive() && parked == null) {
                HttpResponses.send(ctx, false, HttpResponses.error(ErrorCode.INTERNAL,
                        "internal error: the gateway could not answer this request"));
                return;
            }
        }
        ctx.close();
    }
}
