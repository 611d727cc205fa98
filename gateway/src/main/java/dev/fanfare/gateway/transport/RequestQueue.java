package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.core.ErrorCode;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import java.util.ArrayDeque;

/**
 * One request at a time, answered in order, and a graceful drain, for plain HTTP connections.
 * Sits between the aggregator and the router, where it sees requests and answers both.
 *
 * <ul>
 *   <li>Pipelining: a request that arrives while another is being answered (or while the client
 *       has not read the answers it got) waits here, and the socket is not read meanwhile, so what
 *       waits is bounded by one read. The router hears of
 *       it ({@link #WAITING}) and answers a parked long poll at once. Past {@link #MAX_WAITING}
 *       requests, the rest are answered 503 in their turn, without being executed.</li>
 *   <li>Drain: on {@link Shutdown} the connection closes once every request it took is answered,
 *       so no client is left without the answer to something the gateway did (a clap counted, an
 *       event published).</li>
 * </ul>
 */
final class RequestQueue extends ChannelDuplexHandler {

    /** Fired to the router when a request waits behind the one in flight. */
    static final Object WAITING = new Object() {
        @Override
        public String toString() {
            return "RequestQueue.WAITING";
        }
    };
    /** Requests that may wait behind the one in flight; more are refused with 503 in their turn. */
    static final int MAX_WAITING = 128;

    /** A request answered 503 in its turn: only what its answer needs is kept. */
    private record Refused(boolean keepAlive) {
    }

    private final ArrayDeque<Object> waiting = new ArrayDeque<>();
    private final RequestTimeouts timeouts;
    private boolean inFlight;
    private boolean draining;
    private int queuedRequests;

    RequestQueue(RequestTimeouts timeouts) {
        this.timeouts = timeouts;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req)) {
            ctx.fireChannelRead(msg);
            return;
        }
        timeouts.received();
        if (!inFlight && waiting.isEmpty() && ctx.channel().isWritable()) {
            inFlight = true;
            ctx.fireChannelRead(req);
            return;
        }
        ctx.channel().config().setAutoRead(false);
        if (queuedRequests < MAX_WAITING) {
            queuedRequests++;
            waiting.add(req);
        } else {
            waiting.add(new Refused(HttpUtil.isKeepAlive(req)));
            req.release();
        }
        ctx.fireUserEventTriggered(WAITING);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof FullHttpResponse)) {
            ctx.write(msg, promise);
            return;
        }
        inFlight = false;
        if (waiting.isEmpty() && draining) {
            ctx.write(msg, promise.unvoid()).addListener(ChannelFutureListener.CLOSE);
            ctx.flush();
            return;
        }
        ctx.write(msg, promise);
        if (!waiting.isEmpty()) {
            // Not from inside this write: the next request's handler may write in turn.
            ctx.executor().execute(() -> next(ctx));
        } else {
            timeouts.answered();
            ctx.channel().config().setAutoRead(true);
        }
    }

    // A client that does not read its answers gets no more of them: the next request waits
    // until the connection is writable again, so answers never pile up in memory.
    private void next(ChannelHandlerContext ctx) {
        if (inFlight || waiting.isEmpty() || !ctx.channel().isActive() || !ctx.channel().isWritable()) {
            return;
        }
        Object next = waiting.poll();
        inFlight = true;
        if (next instanceof Refused refused) {
            HttpResponses.send(ctx, refused.keepAlive(), HttpResponses.error(ErrorCode.UNAVAILABLE,
                    "pipelining: over " + MAX_WAITING + " requests waiting on this connection; this one was not"
                            + " executed (expected: wait for answers before sending more)"));
            return;
        }
        queuedRequests--;
        if (!waiting.isEmpty()) {
            ctx.fireUserEventTriggered(WAITING);
        }
        ctx.fireChannelRead(next);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            next(ctx);
            if (waiting.isEmpty() && !inFlight) {
                ctx.channel().config().setAutoRead(true);
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == Shutdown.INSTANCE) {
            draining = true;
            if (!inFlight && waiting.isEmpty()) {
                ctx.close();
                return;
            }
        }
        // The router answers a parked long poll now; its response then closes the connection here.
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        // The connection became a stream (SSE, WebSocket) or closed: what waited is never answered,
        // and the stream reads again (to notice the client going).
        ctx.channel().config().setAutoRead(true);
        for (Object o; (o = waiting.poll()) != null; ) {
            if (o instanceof FullHttpRequest req) {
                req.release();
            }
        }
    }
}
