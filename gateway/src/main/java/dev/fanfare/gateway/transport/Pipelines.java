package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.config.GatewayConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * The shapes a connection's pipeline takes, and the handler names, in one place. Every
 * connection starts as HTTP/1.1; SSE and WebSocket rebuild it once they take the connection over.
 */
public final class Pipelines {

    public static final String LIMITS = "limits";
    public static final String ADDRESS_LIMITS = "address-limits";
    public static final String TIMEOUTS = "timeouts";
    public static final String HTTP_CODEC = "http";
    public static final String AGGREGATOR = "aggregator";
    public static final String REQUESTS = "requests";
    public static final String ORIGIN = "origin";
    public static final String ROUTER = "router";
    public static final String SSE = "sse";
    public static final String WS_PROTOCOL = "ws-protocol";
    public static final String WS_AGGREGATOR = "ws-aggregator";
    public static final String WS_IDLE = "ws-idle";
    public static final String WS = "ws";
    public static final String WS_FRAMES = "ws-frames";

    /** {@link #WS_FRAMES}: handles nothing; its context is where a WebSocket session's event frames enter. */
    @ChannelHandler.Sharable
    private static final class FrameEntry extends ChannelHandlerAdapter {
    }

    private static final ChannelHandler FRAME_ENTRY = new FrameEntry();

    private Pipelines() {
    }

    /**
     * HTTP/1.1: time limits (slow or idle clients), codec, aggregator (bounded bodies), one request
     * at a time (and graceful stop), the origin rule (and CORS headers), router.
     */
    static void http(ChannelPipeline p, GatewayConfig.Http limits, Access access, HttpRouter router) {
        RequestTimeouts timeouts = new RequestTimeouts(limits.requestTimeout(), limits.idleTimeout());
        p.addLast(TIMEOUTS, timeouts);
        p.addLast(HTTP_CODEC, new HttpServerCodec(limits.maxInitialLineBytes(), limits.maxHeaderBytes(), 8192));
        p.addLast(AGGREGATOR, new JsonHttpObjectAggregator(limits.maxBodyBytes()));
        p.addLast(REQUESTS, new RequestQueue(timeouts));
        p.addLast(ORIGIN, new OriginCheck(access));
        p.addLast(ROUTER, router);
    }

    /**
     * After the SSE header: the HTTP handlers leave, so the session's shared bytes reach the
     * socket untouched (no chunking: the stream ends when the connection does).
     */
    /** What a connection is now, for the metrics: {@code sse} or {@code ws} once it streams, else {@code http}. */
    public static String kindOf(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        return p.get(SSE) != null ? "sse" : p.get(WS) != null ? "ws" : "http";
    }

    public static void toSse(ChannelPipeline p, ChannelHandler session) {
        p.addLast(SSE, session);
        p.remove(TIMEOUTS);
        p.remove(AGGREGATOR);
        p.remove(REQUESTS);
        p.remove(ORIGIN);
        p.remove(HTTP_CODEC);
        p.remove(ROUTER);
    }

    /**
     * For the upgrade: Netty's handshake and frame codec, the message aggregator, the ping timer
     * and the session take over from the router (the codec stays until the handshake replaces it).
     * First in the pipeline, {@link #WS_FRAMES}: the session writes its events' shared bytes, which are
     * whole frames already, from there, so they reach the socket without passing the idle timer, the
     * protocol handler and the frame encoder, which are there for the frames the session builds (its
     * replies, pings, closes: those go the whole way, and in the same order, as all of it is written
     * on the connection's loop).
     */
    public static void toWebSocket(ChannelPipeline p, ChannelHandler protocol, ChannelHandler aggregator,
                                   ChannelHandler idle, ChannelHandler session) {
        p.addFirst(WS_FRAMES, FRAME_ENTRY);
        p.addLast(WS_PROTOCOL, protocol);
        p.addLast(WS_AGGREGATOR, aggregator);
        p.addLast(WS_IDLE, idle);
        p.addLast(WS, session);
        p.remove(TIMEOUTS);
        p.remove(REQUESTS);
        p.remove(ORIGIN);
        p.remove(ROUTER);
    }
}
