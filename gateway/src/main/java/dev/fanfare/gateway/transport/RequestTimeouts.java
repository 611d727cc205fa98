package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.core.ErrorCode;
import dev.fanfare.gateway.core.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Time limits of a plain HTTP connection, first in its pipeline so it sees bytes before the codec:
 * <ul>
 *   <li>a request must arrive whole within the request timeout of its first byte, or the client
 *       gets a 408 and the connection closes (a slow head or body: slowloris);</li>
 *   <li>a connection that owes no answer and receives nothing is closed after the idle timeout.</li>
 * </ul>
 * While a request is being answered (a long poll may take a minute) neither runs; the
 * {@link RequestQueue} says when requests arrive whole and when every answer is out. Leaves with
 * the other HTTP handlers when the connection becomes a stream.
 */
final class RequestTimeouts extends ChannelInboundHandlerAdapter {

    private static final ByteBuf TIMED_OUT = timedOut();

    private enum State { IDLE, RECEIVING, BUSY }

    private final long requestNanos;
    private final long idleNanos;
    private ChannelHandlerContext ctx;
    private State state = State.IDLE;
    private boolean bytesWhileBusy;
    /** Each set when its state starts and cleared when it ends, without a task per request (see {@link LazyTimer}). */
    private LazyTimer requestTimer;
    private LazyTimer idleTimer;

    RequestTimeouts(Duration request, Duration idle) {
        this.requestNanos = request.toNanos();
        this.idleNanos = idle.toNanos();
    }

    private static ByteBuf timedOut() {
        byte[] body = Replies.error(ErrorCode.REQUEST_TIMEOUT,
                "request: not received whole in time (expected: the whole request, promptly)").toString()
                .getBytes(StandardCharsets.UTF_8);
        byte[] head = ("HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\ncontent-length: "
                + body.length + "\r\nconnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(head, body)).asReadOnly();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        requestTimer = new LazyTimer(ctx.executor(), this::requestTimedOut);
        idleTimer = new LazyTimer(ctx.executor(), ctx::close);
        if (ctx.channel().isActive()) {
            idle();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        idle();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.IDLE) {
            state = State.RECEIVING;
            idleTimer.clear();
            ctx.fireChannelRead(msg);
            if (state == State.RECEIVING) {
                requestTimer.setIn(requestNanos); // not whole in its first read: the clock runs
            }
            return;
        }
        if (state == State.BUSY) {
            bytesWhileBusy = true; // the start of a pipelined request: its clock runs once the answers are out
        }
        ctx.fireChannelRead(msg);
    }

    /** A request arrived whole: no limit while it is answered. */
    void received() {
        state = State.BUSY;
        requestTimer.clear();
    }

    /** Every answer owed is written: the next request's clock starts. */
    void answered() {
        if (bytesWhileBusy) {
            bytesWhileBusy = false;
            state = State.RECEIVING;
            requestTimer.setIn(requestNanos);
        } else {
            idle();
        }
    }

    private void idle() {
        state = State.IDLE;
        idleTimer.setIn(idleNanos);
    }

    private void requestTimedOut() {
        ctx.writeAndFlush(TIMED_OUT.duplicate()).addListener(LingeringClose.AFTER_WRITE);
    }

    private void stop() {
        requestTimer.stop();
        idleTimer.stop();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }
}
