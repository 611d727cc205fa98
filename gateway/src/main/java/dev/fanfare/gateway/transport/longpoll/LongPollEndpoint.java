package dev.fanfare.gateway.transport.longpoll;

import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.Shard;
import dev.fanfare.gateway.transport.GatewayServices;
import dev.fanfare.gateway.transport.ParkedRequest;
import dev.fanfare.gateway.transport.RequestParams;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /longpoll}: answers at once when something after the cursor exists (or, without a
 * cursor, a snapshot), else parks the request until an event arrives or the timeout passes.
 */
public final class LongPollEndpoint {

    private final GatewayServices services;

    public LongPollEndpoint(GatewayServices services) {
        this.services = services;
    }

    /**
     * @return the parked request, which the connection must cancel if it closes first and answer
     *         if another request arrives on it; null when answered already
     */
    public ParkedRequest handle(ChannelHandlerContext ctx, FullHttpRequest req, Map<String, List<String>> query) {
        RequestParams params = services.params();
        List<ChannelName> channels = params.channels(query);
        String cursorText = RequestParams.first(query, "cursor");
        long[] from = params.cursor(cursorText);
        // A longer wish is capped, not refused: the client cannot know the server's maximum.
        int seconds = Math.min(RequestParams.intParam(query, "timeout",
                (int) services.config().longPollDefault().toSeconds(), 0, Integer.MAX_VALUE),
                (int) services.config().longPollMax().toSeconds());
        Shard shard = services.hub().shard(ctx.channel().eventLoop());
        LongPoll poll = new LongPoll(ctx, HttpUtil.isKeepAlive(req), shard);
        String position = shard.subscribe(poll, channels, from);
        if (poll.done()) {
            return null;
        }
        poll.park(from != null ? cursorText : position, seconds * 1000L);
        return poll;
    }

}
