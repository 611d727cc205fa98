package dev.fanfare.gateway.transport.longpoll;

import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.DisconnectReason;
import dev.fanfare.gateway.core.Envelopes;
import dev.fanfare.gateway.core.Event;
import dev.fanfare.gateway.core.Shard;
import dev.fanfare.gateway.core.Style;
import dev.fanfare.gateway.core.Subscriber;
import dev.fanfare.gateway.transport.HttpResponses;
import dev.fanfare.gateway.transport.ParkedRequest;
import dev.fanfare.gateway.transport.poll.PollEndpoint;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One parked long-poll request: a subscriber that answers with whatever its first batch brought
 * (at most {@code limit} events; {@code "more": true} when it held more), or with nothing when
 * its timeout passes, and then leaves the hub. No thread is held while it waits; it lives on its
 * connection's event loop.
 */
final class LongPoll implements Subscriber, ParkedRequest {

    private final ChannelHandlerContext ctx;
    private final boolean keepAlive;
    private final Shard shard;
    private final int limit;
    private final List<ByteBuf> events = new ArrayList<>();
    private final List<ChannelName> gaps = new ArrayList<>();
    private String cursor;
    private boolean more;
    private ScheduledFuture<?> timeout;
    private boolean done;
    /** A latency sample to take when the answer is written; null when none. */
    private Runnable written;

    /** @param cursor what an answer without events carries */
    LongPoll(ChannelHandlerContext ctx, boolean keepAlive, Shard shard, int limit, String cursor) {
        this.ctx = ctx;
        this.keepAlive = keepAlive;
        this.shard = shard;
        this.limit = limit;
        this.cursor = cursor;
    }

    /** Parks until an event comes or {@code timeoutMillis} pass. */
    void park(long timeoutMillis) {
        if (!done) {
            timeout = ctx.executor().schedule(this::answerNow, timeoutMillis, TimeUnit.MILLISECONDS);
        }
    }

    boolean done() {
        return done;
    }

    @Override
    public Style style() {
        return Style.LONGPOLL;
    }

    @Override
    public boolean beginBatch() {
        return true; // it holds one batch at most, bounded by limit
    }

    @Override
    public int write(Event e, String cursor, boolean snapshot, long conflated) {
        if (events.size() == limit) {
            more = true; // the cursor stays at the last event written: the next poll gets the rest
            return 0;
        }
        ByteBuf b = e.encode(ctx.alloc(), Envelopes.Format.JSON, cursor, snapshot, conflated);
        events.add(b);
        this.cursor = cursor != null ? cursor : e.cursor();
        return b.readableBytes();
    }

    @Override
    public void writeGap(List<ChannelName> channels, String cursor) {
        gaps.addAll(channels);
        this.cursor = cursor;
    }

    @Override
    public void endBatch(Runnable written) {
        this.written = written;
        if (!events.isEmpty() || !gaps.isEmpty()) {
            answerNow();
        }
    }

    @Override
    public void disconnect(DisconnectReason reason) {
        answerNow(); // what it holds is exact: its cursor resumes after it
    }

    @Override
    public void answerNow() {
        if (done) {
            return;
        }
        finish();
        HttpResponses.send(ctx, keepAlive,
                HttpResponses.json(HttpResponseStatus.OK, PollEndpoint.body(ctx.alloc(), events, cursor, gaps, more)),
                written);
        events.clear();
    }

    @Override
    public void cancel() {
        if (done) {
            return;
        }
        finish();
        events.forEach(ByteBuf::release);
        events.clear();
    }

    private void finish() {
        done = true;
        if (timeout != null) {
            timeout.cancel(false);
        }
        shard.remove(this);
    }
}
