package dev.fanfare.gateway.transport.ws;

import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.DisconnectReason;
import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.ErrorCode;
import dev.fanfare.gateway.core.Principal;
import dev.fanfare.gateway.transport.Caller;
import dev.fanfare.gateway.transport.CounterRequests;
import dev.fanfare.gateway.transport.PublishRequests;
import dev.fanfare.gateway.transport.GatewayServices;
import dev.fanfare.gateway.transport.Pipelines;
import dev.fanfare.gateway.transport.Request;
import dev.fanfare.gateway.transport.RequestParams;
import dev.fanfare.gateway.transport.poll.PollEndpoint;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /ws}: hands an upgrade request to Netty's WebSocket handshake and the connection to a
 * {@link WebSocketSession}. A bad subscription in the URL, credentials that do not do, or a
 * connection past a limit are reported after the handshake, with the close code of their
 * {@link DisconnectReason} (1008; 4001 for an expired token; 1013 for a connection limit) and the
 * reason, which a browser can read (it cannot read a 400's or a 503's body).
 */
public final class WebSocketEndpoint {

    public static final String PATH = "/ws";

    private final GatewayServices services;
    private final CounterRequests counters;
    private final PublishRequests publishes;

    public WebSocketEndpoint(GatewayServices services, CounterRequests counters, PublishRequests publishes) {
        this.services = services;
        this.counters = counters;
        this.publishes = publishes;
    }

    /** Whether {@code req} asks to become a WebSocket. */
    public static boolean isUpgrade(HttpRequest req) {
        return req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    public void handle(Request r) {
        ChannelHandlerContext ctx = r.ctx();
        FullHttpRequest req = r.http();
        if (!isUpgrade(req)) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "upgrade: missing (expected: a WebSocket upgrade request)");
        }
        RequestParams params = services.params();
        List<ChannelName> channels = List.of();
        long[] from = null;
        int maxRate = 0;
        ApiException refusal = r.connectionRefusal();
        Caller caller = new Caller(Principal.anonymous(Principal.Grants.NONE), r.client());
        if (refusal == null) {
            try {
                Map<String, List<String>> query = r.query();
                caller = r.caller();
                channels = params.channels(query.getOrDefault("channel", List.of()), false);
                caller.principal().requireSubscribe(channels);
                from = params.cursor(RequestParams.first(query, "cursor"));
                maxRate = PollEndpoint.maxRate(query);
            } catch (ApiException e) {
                refusal = e;
            }
        }
        int maxMessage = services.config().http().maxBodyBytes();
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(PATH)
                .checkStartsWith(true)
                .maxFramePayloadLength(maxMessage)
                .allowExtensions(false)
                .withUTF8Validator(true)
                .handleCloseFrames(false)
                // The session sends every close frame itself (see WebSocketSession#exceptionCaught):
                // Netty's own would close at once (1007/1009) or add a second frame, 1000 "Bye".
                .closeOnProtocolViolation(false)
                .sendCloseFrame(null)
                .dropPongFrames(false)
                .handshakeTimeoutMillis(10_000)
                .build();
        ChannelPipeline p = ctx.pipeline();
        long ping = services.config().webSocket().pingInterval().toMillis();
        Pipelines.toWebSocket(p, new ProtocolHandler(config), new WebSocketFrameAggregator(maxMessage),
                new IdleStateHandler(ping, 0, 0, TimeUnit.MILLISECONDS),
                new WebSocketSession(services, counters, publishes, caller, channels, from, maxRate, refusal));
        p.fireChannelRead(req.retain());
    }

    /**
     * Netty's protocol handler, except for three things it does differently:
     * <ul>
     *   <li>a frame the decoder refused (1007, 1009) is left to the session, which sends the close
     *       frame and closes a moment later; Netty's would close at once;</li>
     *   <li>a ping is answered only while the connection is writable; while it is not, only the
     *       latest ping is remembered and answered once it is (RFC 6455 section 5.5.3 allows it),
     *       so a client that pings and never reads cannot queue pongs without bound; one that goes
     *       on pinging is closed ({@link DisconnectReason#FLOODING});</li>
     *   <li>a close frame is left to the session, which checks its code.</li>
     * </ul>
     */
    private static final class ProtocolHandler extends WebSocketServerProtocolHandler {
        /** Pings that replaced an owed one, while the client did not read, before it counts as a flood. */
        static final int MAX_UNANSWERED_PINGS = 1000;
        private ByteBuf owedPong;
        private int unanswered;

        ProtocolHandler(WebSocketServerProtocolConfig config) {
            super(config);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) throws Exception {
            if (frame instanceof PingWebSocketFrame ping) {
                pong(ctx, ping.content());
                return;
            }
            super.decode(ctx, frame, out);
        }

        private void pong(ChannelHandlerContext ctx, ByteBuf payload) {
            if (ctx.channel().isWritable()) {
                unanswered = 0;
                ctx.writeAndFlush(new PongWebSocketFrame(payload.retain()), ctx.voidPromise());
                return;
            }
            if (owedPong != null) {
                owedPong.release();
                if (++unanswered == MAX_UNANSWERED_PINGS) {
                    ctx.fireUserEventTriggered(DisconnectReason.FLOODING);
                }
            }
            owedPong = payload.retain();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
            if (ctx.channel().isWritable() && owedPong != null) {
                ByteBuf payload = owedPong;
                owedPong = null;
                ctx.writeAndFlush(new PongWebSocketFrame(payload), ctx.voidPromise());
            }
            super.channelWritabilityChanged(ctx);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
            if (owedPong != null) {
                owedPong.release();
                owedPong = null;
            }
            super.handlerRemoved(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
            if (cause instanceof CorruptedWebSocketFrameException) {
                ctx.fireExceptionCaught(cause);
            } else {
                super.exceptionCaught(ctx, cause);
            }
        }
    }
}
