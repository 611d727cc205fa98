package dev.fanfare.gateway.transport.longpoll;

import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.DisconnectReason;
import dev.fanfare.gateway.core.Envelopes;
import dev.fanfare.gateway.core.Event;
import dev.fanfare.gateway.core.PartitionSet;
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
import java.util.concurrent.TimeUnit;

/**
 * One parked long-poll request: a subscriber that answers with whatever its first batch brought
 * (at most {@code limit} events; {@code "more": true} when it held more), or with nothing when
 * its timeout passes (its connection's timer, {@code Request.park}), and then leaves the hub. No thread
 * is held while it waits; it lives on its connection's event loop.
 */
final class LongPoll implements Subscriber, ParkedRequest {

    private final ChannelHandlerContext ctx;
    private final boolean keepAlive;
    private final Shard shard;
    private final int limit;
    /** What the answer will hold, in dispatch order: one per event, or, while rate-limited, the latest per channel. */
    private final List<Entry> events = new ArrayList<>();
    /** Epoch ms before which it must not answer (max_rate: the interval since what the client got last). */
    private final long notBefore;
    /** max_rate: each channel's latest event replaces the one it holds, until the answer goes. */
    private final boolean latestWins;
    private final List<ChannelName> gaps = new ArrayList<>();
    private String cursor;
    private boolean more;
    private boolean done;
    private boolean answerScheduled;
    /** A latency sample to take when the answer is written; null when none. */
    private Runnable written;

    private record Entry(ChannelName channel, ByteBuf bytes, long conflated) {
    }

    /**
     * @param cursor    what an answer without events carries
     * @param notBefore epoch ms before which it does not answer
     * @param latestWins max_rate: each channel's latest event replaces the one held, up to the answer
     *                   (which may go a moment after {@code notBefore}: an event arriving meanwhile
     *                   replaces too, so the answer has one event of a channel per interval)
     */
    LongPoll(ChannelHandlerContext ctx, boolean keepAlive, Shard shard, int limit, String cursor, long notBefore,
             boolean latestWins) {
        this.notBefore = notBefore;
        this.latestWins = latestWins;
        this.ctx = ctx;
        this.keepAlive = keepAlive;
        this.shard = shard;
        this.limit = limit;
        this.cursor = cursor;
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
    public int write(Event e, PartitionSet set, String cursor, boolean snapshot, long conflated) {
        long replaced = conflated;
        if (latestWins) {
            for (int i = 0; i < events.size(); i++) {
                if (events.get(i).channel().equals(e.channel())) {
                    Entry earlier = events.remove(i);
                    earlier.bytes().release();
                    replaced += earlier.conflated() + 1;
                    break;
                }
            }
        }
        if (events.size() == limit) {
            more = true; // the cursor stays at the last event written: the next poll gets the rest
            return 0;
        }
        ByteBuf b = e.encode(ctx.alloc(), Envelopes.Format.JSON, set, cursor, snapshot, replaced);
        events.add(new Entry(e.channel(), b, replaced));
        this.cursor = cursor != null ? cursor : e.cursor(set);
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
        if (events.isEmpty() && gaps.isEmpty()) {
            return;
        }
        long wait = notBefore - System.currentTimeMillis();
        if (wait <= 0) {
            answerNow();
        } else if (!answerScheduled) {
            answerScheduled = true;
            ctx.executor().schedule(this::answerNow, wait, TimeUnit.MILLISECONDS);
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
        List<ByteBuf> bodies = new ArrayList<>(events.size());
        events.forEach(e -> bodies.add(e.bytes()));
        events.clear();
        HttpResponses.send(ctx, keepAlive,
                HttpResponses.json(HttpResponseStatus.OK, PollEndpoint.body(ctx.alloc(), bodies, cursor, gaps, more)),
                written);
    }

    @Override
    public void cancel() {
        if (done) {
            return;
        }
        finish();
        events.forEach(e -> e.bytes().release());
        events.clear();
    }

    private void finish() {
        done = true;
        shard.remove(this);
    }
}
