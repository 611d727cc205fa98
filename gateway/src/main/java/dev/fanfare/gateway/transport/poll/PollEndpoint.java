package dev.fanfare.gateway.transport.poll;

import dev.fanfare.gateway.core.CatchUp;
import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.Envelopes;
import dev.fanfare.gateway.core.Event;
import dev.fanfare.gateway.core.FanoutHub;
import dev.fanfare.gateway.core.Shard;
import dev.fanfare.gateway.core.Style;
import dev.fanfare.gateway.transport.GatewayServices;
import dev.fanfare.gateway.transport.HttpResponses;
import dev.fanfare.gateway.transport.Request;
import dev.fanfare.gateway.transport.RequestParams;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.UUID;
import java.util.regex.Pattern;
import dev.fanfare.gateway.core.ApiException;
import io.netty.handler.codec.http.HttpHeaderNames;

/**
 * {@code GET /poll}: answers at once with the events after the cursor (or snapshots without one).
 * Holds no state between requests.
 */
public final class PollEndpoint {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    private static final Pattern VIEWER = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final GatewayServices services;

    public PollEndpoint(GatewayServices services) {
        this.services = services;
    }

    public void handle(Request r) {
        RequestParams params = services.params();
        Map<String, List<String>> query = r.query();
        List<ChannelName> channels = params.channels(query);
        r.caller().principal().requireSubscribe(channels);
        String cursorText = RequestParams.first(query, "cursor");
        long[] cursor = params.cursor(cursorText);
        int limit = limit(query);
        int maxRate = maxRate(query);
        sight(services.hub(), r, Style.POLL, channels, System.currentTimeMillis());
        r.then(services.logEnds().check(cursor), from -> read(services.hub(), r.ctx(), channels, from, limit,
                (c, states) -> answer(services.hub(), r, Style.POLL, c, states, thin(services.hub(), c, from, cursorText, maxRate))));
    }

    /**
     * Counts the poll's viewer on {@code channels} until {@code untilMillis} (plus the viewer window): the one
     * named by {@code viewer=ID}, else one per client address and user agent.
     */
    public static void sight(FanoutHub hub, Request r, Style style, List<ChannelName> channels, long untilMillis) {
        String viewer = RequestParams.first(r.query(), "viewer");
        if (viewer == null) {
            String ua = r.http().headers().get(HttpHeaderNames.USER_AGENT, "");
            viewer = "a-" + UUID.nameUUIDFromBytes((r.client().getHostAddress() + "|" + ua).getBytes(StandardCharsets.UTF_8));
        } else if (!VIEWER.matcher(viewer).matches()) {
            throw ApiException.badParameter("viewer", viewer, "1..64 of [A-Za-z0-9_-]");
        }
        hub.viewers().sighted(style, channels, viewer, untilMillis);
    }

    /** The {@code max_rate} parameter: at most this many events per second per channel; 0: no limit. */
    public static int maxRate(Map<String, List<String>> query) {
        return RequestParams.intParam(query, "max_rate", 0, 1, 1000);
    }

    /** What of a read a client limited to {@code maxRate} gets now (everything when 0). */
    public static RateLimit.Thinned thin(FanoutHub hub, CatchUp c, long[] from, String fromCursor, int maxRate) {
        return RateLimit.thin(c, from, fromCursor, maxRate <= 0 ? 0 : 1000L / maxRate, hub.reader(),
                System.currentTimeMillis());
    }

    /** The {@code limit} parameter of both polls: events per answer. */
    public static int limit(Map<String, List<String>> query) {
        return RequestParams.intParam(query, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    }

    /**
     * Reads what a poll at {@code from} gets (events after it, or snapshots including the store's)
     * and hands it to {@code then} on the connection's loop; both are released when it returns.
     */
    public static void read(FanoutHub hub, ChannelHandlerContext ctx, List<ChannelName> channels, long[] from,
                            int limit, BiConsumer<CatchUp, List<Event>> then) {
        Shard shard = hub.shard(ctx.channel().eventLoop());
        CatchUp c = hub.reader().read(channels, from, limit, shard.delivered());
        CompletionStage<List<Event>> asked = from == null ? hub.reader().missingSnapshots(channels, c) : null;
        CompletionStage<List<Event>> states = asked != null ? asked : CompletableFuture.completedFuture(List.of());
        states.thenAccept(extra -> ctx.executor().execute(() -> {
            try {
                then.accept(c, extra);
            } finally {
                c.close();
                extra.forEach(Event::release);
            }
        }));
    }

    /**
     * Answers a poll with the catch-up's events and the store's snapshots, counted in the shard's
     * figures; the latency of its newest event is sampled when the answer is on the socket.
     */
    public static void answer(FanoutHub hub, Request r, Style style, CatchUp c, List<Event> states,
                              RateLimit.Thinned thinned) {
        ChannelHandlerContext ctx = r.ctx();
        List<ByteBuf> events = new ArrayList<>(thinned.items().size() + states.size());
        long bytes = 0;
        int snapshots = states.size();
        long newest = -1;
        long conflated = 0;
        boolean lastIsSnapshot = false;
        for (RateLimit.Kept kept : thinned.items()) {
            CatchUp.Item item = kept.item();
            ByteBuf b = item.event().encode(ctx.alloc(), Envelopes.Format.JSON, c.set(), item.cursor(), item.snapshot(),
                    kept.conflated());
            bytes += b.readableBytes();
            events.add(b);
            snapshots += item.snapshot() ? 1 : 0;
            conflated += kept.conflated();
            newest = Math.max(newest, item.event().timestamp());
            lastIsSnapshot = item.snapshot();
        }
        for (Event e : states) {
            ByteBuf b = e.encode(ctx.alloc(), Envelopes.Format.JSON, c.set(), e.cursor(), true, 0);
            bytes += b.readableBytes();
            events.add(b);
        }
        hub.shard(ctx.channel().eventLoop()).stats().answered(style, events.size(), bytes, snapshots, c.gap(), conflated);
        long ts = newest;
        Runnable written = ts < 0 || lastIsSnapshot ? null
                : () -> hub.latencies().record(style, System.currentTimeMillis() - ts);
        boolean more = c.more() && !thinned.heldBack();
        HttpResponses.send(ctx, r.keepAlive(), HttpResponses.json(HttpResponseStatus.OK,
                body(ctx.alloc(), events, thinned.cursor(), c.gaps(), more)), written);
    }

    /**
     * {@code {"events":[...],"cursor":..,"gap":..}}: the events' envelope bytes between a small
     * head and tail, as one composite buffer (no copy). Takes ownership of {@code events}.
     */
    public static ByteBuf body(ByteBufAllocator alloc, List<ByteBuf> events, String cursor, List<ChannelName> gaps,
                               boolean more) {
        CompositeByteBuf out = alloc.compositeDirectBuffer(events.size() * 2 + 2);
        out.addComponent(true, Unpooled.wrappedBuffer(HEAD));
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) {
                out.addComponent(true, Unpooled.wrappedBuffer(COMMA));
            }
            out.addComponent(true, events.get(i));
        }
        StringBuilder tail = new StringBuilder(cursor.length() + 64).append("],\"cursor\":\"").append(cursor)
                .append("\",\"gap\":").append(!gaps.isEmpty());
        if (!gaps.isEmpty()) {
            tail.append(",\"gapChannels\":[");
            for (int i = 0; i < gaps.size(); i++) {
                tail.append(i > 0 ? ",\"" : "\"").append(gaps.get(i)).append('"');
            }
            tail.append(']');
        }
        if (more) {
            tail.append(",\"more\":true");
        }
        tail.append('}');
        out.addComponent(true, Unpooled.wrappedBuffer(tail.toString().getBytes(StandardCharsets.US_ASCII)));
        return out;
    }

    private static final byte[] HEAD = "{\"events\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COMMA = {','};
}
