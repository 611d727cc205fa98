package dev.fanfare.client.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One direction of a shaped connection: bytes read from {@code from} reach {@code to} after the link's one-way
 * delay (with jitter), no sooner than the bandwidth lets them through, and in the order they came.
 *
 * <p>Bounded: past {@link #HIGH_WATER} bytes in flight, {@code from} is no longer read (TCP's own flow control
 * takes over, as on a real slow link); below {@link #LOW_WATER}, reading resumes. Confined to the event loop
 * both channels share. Owns the buffers it holds until they are written, and releases them on {@link #close}.
 */
final class ShapedLane {

    static final int HIGH_WATER = 1024 * 1024;
    static final int LOW_WATER = 256 * 1024;

    private record Timed(long dueNanos, ByteBuf bytes) {
    }

    private final LinkShape shape;
    private final Channel from;
    private final ArrayDeque<Timed> queue = new ArrayDeque<>();
    private Channel to;
    private long linkFreeAtNanos;
    private long lastDueNanos;
    private long queuedBytes;
    private ScheduledFuture<?> drain;
    private boolean fromEnded;
    private boolean closed;

    ShapedLane(LinkShape shape, Channel from) {
        this.shape = shape;
        this.from = from;
    }

    /** Where the bytes go; set once the other side is connected. */
    void connectTo(Channel target) {
        this.to = target;
        schedule();
    }

    /** Takes ownership of {@code bytes}. */
    void offer(ByteBuf bytes) {
        if (closed) {
            bytes.release();
            return;
        }
        long now = System.nanoTime();
        int n = bytes.readableBytes();
        long serialization = shape.bitsPerSecond() == 0 ? 0 : (long) (n * 8 * 1e9 / shape.bitsPerSecond());
        linkFreeAtNanos = Math.max(linkFreeAtNanos, now) + serialization;
        long due = Math.max(lastDueNanos, linkFreeAtNanos + delayNanos());
        lastDueNanos = due;
        queue.add(new Timed(due, bytes));
        queuedBytes += n;
        if (queuedBytes > HIGH_WATER) {
            from.config().setAutoRead(false);
        }
        schedule();
    }

    /** {@code from} closed: {@code to} closes once every byte before the end went through. */
    void fromEnded() {
        fromEnded = true;
        schedule();
    }

    private long delayNanos() {
        long oneWay = shape.oneWay().toNanos();
        long jitter = shape.jitter().toNanos();
        long offset = jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong(-jitter, jitter + 1);
        return Math.max(0, oneWay + offset);
    }

    private void schedule() {
        if (closed || to == null || drain != null) {
            return;
        }
        if (queue.isEmpty()) {
            if (fromEnded) {
                to.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                closed = true;
            }
            return;
        }
        long wait = queue.peek().dueNanos() - System.nanoTime();
        drain = to.eventLoop().schedule(this::drain, Math.max(0, wait), TimeUnit.NANOSECONDS);
    }

    private void drain() {
        drain = null;
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        boolean wrote = false;
        while (!queue.isEmpty() && queue.peek().dueNanos() <= now) {
            Timed t = queue.poll();
            queuedBytes -= t.bytes().readableBytes();
            to.write(t.bytes(), to.voidPromise());
            wrote = true;
        }
        if (wrote) {
            to.flush();
        }
        if (queuedBytes < LOW_WATER && !from.config().isAutoRead() && from.isActive()) {
            from.config().setAutoRead(true);
        }
        schedule();
    }

    /** Drops what is still in flight (the connection is gone). */
    void close() {
        closed = true;
        if (drain != null) {
            drain.cancel(false);
            drain = null;
        }
        Timed t;
        while ((t = queue.poll()) != null) {
            t.bytes().release();
        }
        queuedBytes = 0;
    }
}
