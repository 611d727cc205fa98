package dev.fanfare.gateway.transport.poll;

import dev.fanfare.gateway.core.CatchUp;
import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.Envelopes;
import dev.fanfare.gateway.core.Event;
import dev.fanfare.gateway.core.Shard;
import dev.fanfare.gateway.transport.GatewayServices;
import dev.fanfare.gateway.transport.HttpResponses;
import dev.fanfare.gateway.transport.RequestParams;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /poll}: answers at once with the events after the cursor (or snapshots without one).
 * Holds no state between requests.
 */
public final class PollEndpoint {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    private final GatewayServices services;

    public PollEndpoint(GatewayServices services) {
        this.services = services;
    }

    public void handle(ChannelHandlerContext ctx, FullHttpRequest req, Map<String, List<String>> query) {
        RequestParams params = services.params();
        List<ChannelName> channels = params.channels(query);
        long[] from = params.cursor(RequestParams.first(query, "cursor"));
        int limit = RequestParams.intParam(query, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        Shard shard = services.hub().shard(ctx.channel().eventLoop());
        CatchUp c = shard.catchUp(channels, from, null, limit);
        CompletionStage<List<Event>> asked = from == null ? shard.missingSnapshots(channels, c) : null;
        CompletionStage<List<Event>> states = asked != null ? asked : CompletableFuture.completedFuture(List.of());
        states.thenAccept(extra -> ctx.executor().execute(() -> {
            try {
                List<ByteBuf> events = new ArrayList<>(c.items().size() + extra.size());
                for (CatchUp.Item item : c.items()) {
                    events.add(item.event().encode(ctx.alloc(), Envelopes.Format.JSON, item.cursor(), item.snapshot()));
                }
                for (Event e : extra) {
                    events.add(e.encode(ctx.alloc(), Envelopes.Format.JSON, e.cursor(), true));
                }
                HttpResponses.send(ctx, keepAlive,
                        HttpResponses.json(HttpResponseStatus.OK, body(ctx.alloc(), events, c.cursor(), c.gaps(), c.more())));
            } finally {
                c.close();
                extra.forEach(Event::release);
            }
        }));
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
