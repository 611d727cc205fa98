package dev.fanfare.gateway.transport.longpoll;

import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.Envelopes;
import dev.fanfare.gateway.core.Event;
import dev.fanfare.gateway.core.Shard;
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
 * One parked long-poll request: a subscriber that answers with whatever its first batch (catch-up
 * or live) brought, or with nothing when its timeout passes, and then leaves the hub. No thread is
 * held while it waits; it lives on its connection's event loop.
 */
final class LongPoll extends Subscriber implements ParkedRequest {

    private final ChannelHandlerContext ctx;
    private final boolean keepAlive;
    private final Shard shard;
    private final List<ByteBuf> events = new ArrayList<>();
    private final List<ChannelName> gaps = new ArrayList<>();
    private String cursor;
    private ScheduledFuture<?> timeout;
    private boolean done;

    LongPoll(ChannelHandlerContext ctx, boolean keepAlive, Shard shard) {
        this.ctx = ctx;
        this.keepAlive = keepAlive;
        this.shard = shard;
    }

    /** Parks until an event comes or {@code timeoutMillis} pass; {@code cursor} is what an empty answer carries. */
    void park(String cursor, long timeoutMillis) {
        if (done) {
            return;
        }
        this.cursor = cursor;
        timeout = ctx.executor().schedule(this::answerNow, timeoutMillis, TimeUnit.MILLISECONDS);
    }

    boolean done() {
        return done;
    }

    @Override
    protected boolean beginBatch() {
        return !done;
    }

    @Override
    protected void write(Event e, String cursor, boolean snapshot) {
        events.add(e.encode(ctx.alloc(), Envelopes.Format.JSON, cursor, snapshot));
        this.cursor = cursor != null ? cursor : e.cursor();
    }

    @Override
    protected void writeGap(List<ChannelName> channels, String cursor) {
        gaps.addAll(channels);
        this.cursor = cursor;
    }

    @Override
    protected void endBatch() {
        if (!statesPending() && (!events.isEmpty() || !gaps.isEmpty())) {
            answerNow();
        }
    }

    @Override
    public void answerNow() {
        if (done) {
            return;
        }
        finish();
        HttpResponses.send(ctx, keepAlive,
                HttpResponses.json(HttpResponseStatus.OK, PollEndpoint.body(ctx.alloc(), events, cursor, gaps, false)));
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
