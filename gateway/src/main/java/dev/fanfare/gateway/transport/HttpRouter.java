package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.core.Text;
import dev.fanfare.gateway.transport.longpoll.LongPollEndpoint;
import dev.fanfare.gateway.transport.poll.PollEndpoint;
import dev.fanfare.gateway.transport.sse.SseEndpoint;
import dev.fanfare.gateway.transport.ws.WebSocketEndpoint;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each aggregated request by path to its endpoint. One per connection: it remembers the
 * long poll parked on its connection, and SSE and WebSocket take the connection over (and remove
 * the router) once they answer.
 */
public final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);

    private final Endpoints endpoints;
    private ParkedRequest parked;

    /** The endpoints, shared by every connection. */
    public record Endpoints(GatewayServices services, PollEndpoint poll, LongPollEndpoint longPoll, SseEndpoint sse,
                     WebSocketEndpoint ws, PublishEndpoint publish, HealthEndpoint health, List<Route> extra) {
        Endpoints(GatewayServices services, List<Route> extra) {
            this(services, new PollEndpoint(services), new LongPollEndpoint(services), new SseEndpoint(services),
                    new WebSocketEndpoint(services), new PublishEndpoint(services), new HealthEndpoint(services), extra);
        }
    }

    /** An endpoint added by another part of the gateway, for paths under {@code prefix}. */
    public interface Route {
        String prefix();

        /** @return false when the method is not one this route answers */
        boolean handle(ChannelHandlerContext ctx, FullHttpRequest req, String path);
    }

    HttpRouter(Endpoints endpoints) {
        super(false);
        this.endpoints = endpoints;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        try {
            if (parked != null) {
                parked.answerNow();
                parked = null;
            }
            DecoderResult decoded = req.decoderResult();
            if (decoded.isFailure()) {
                refuseUndecodable(ctx, decoded.cause());
                return;
            }
            route(ctx, req, keepAlive);
        } catch (ApiException e) {
            log.info("{} {} {}: {} {}", ctx.channel().remoteAddress(), req.method(), Text.quote(req.uri()),
                    e.status().code(), e.getMessage());
            HttpResponses.send(ctx, keepAlive, HttpResponses.error(e));
        } finally {
            req.release();
        }
    }

    private void route(ChannelHandlerContext ctx, FullHttpRequest req, boolean keepAlive) {
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String path = uri.path();
        Map<String, List<String>> query = uri.parameters();
        HttpMethod method = req.method();
        if (path.startsWith(PublishEndpoint.PREFIX)) {
            requireMethod(method, HttpMethod.POST);
            endpoints.publish().handle(ctx, req, path);
            return;
        }
        for (Route r : endpoints.extra()) {
            if (path.startsWith(r.prefix())) {
                if (!r.handle(ctx, req, path)) {
                    throw methodNotAllowed(method);
                }
                return;
            }
        }
        switch (path) {
            case "/poll" -> {
                requireMethod(method, HttpMethod.GET);
                endpoints.poll().handle(ctx, req, query);
            }
            case "/longpoll" -> {
                requireMethod(method, HttpMethod.GET);
                parked = endpoints.longPoll().handle(ctx, req, query);
            }
            case "/sse" -> {
                requireMethod(method, HttpMethod.GET);
                endpoints.sse().handle(ctx, req, query);
            }
            case WebSocketEndpoint.PATH -> {
                requireMethod(method, HttpMethod.GET);
                endpoints.ws().handle(ctx, req, query);
            }
            case "/health" -> {
                requireMethod(method, HttpMethod.GET);
                endpoints.health().handle(ctx, keepAlive);
            }
            default -> {
                FullHttpResponse file = HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method)
                        ? endpoints.services().staticFiles().response(path) : null;
                if (file == null) {
                    throw new ApiException(HttpResponseStatus.NOT_FOUND, "not_found",
                            "path: " + Text.quote(path) + " (expected: /poll, /longpoll, /sse, /ws, /publish/<channel>, /health or a page file)");
                }
                HttpResponses.send(ctx, keepAlive, file);
            }
        }
    }

    private static void requireMethod(HttpMethod actual, HttpMethod expected) {
        if (!expected.equals(actual)) {
            throw new ApiException(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                    "method: " + actual + " (expected: " + expected + ")");
        }
    }

    private static ApiException methodNotAllowed(HttpMethod actual) {
        return new ApiException(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                "method: " + actual + " (expected another method for this path)");
    }

    private void refuseUndecodable(ChannelHandlerContext ctx, Throwable cause) {
        FullHttpResponse r;
        if (cause instanceof TooLongHttpLineException) {
            r = HttpResponses.error(HttpResponseStatus.REQUEST_URI_TOO_LONG, "uri_too_long",
                    "request line: too long (expected: a shorter URI)");
        } else if (cause instanceof TooLongHttpHeaderException) {
            r = HttpResponses.error(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large",
                    "headers: too large (expected: smaller headers)");
        } else {
            r = HttpResponses.error(HttpResponseStatus.BAD_REQUEST, "bad_request",
                    "request: not valid HTTP/1.1 (" + cause.getClass().getSimpleName() + ")");
        }
        log.info("{} undecodable request: {}", ctx.channel().remoteAddress(), cause.toString());
        HttpResponses.send(ctx, false, r);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (parked != null) {
            parked.cancel();
            parked = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == Shutdown.INSTANCE && parked != null) {
            parked.answerNow();
            parked = null;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("connection failed: {}", cause.toString());
        ctx.close();
    }
}
