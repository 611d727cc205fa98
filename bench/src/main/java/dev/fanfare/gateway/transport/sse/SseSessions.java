package dev.fanfare.gateway.transport.sse;

import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.Disconnects;
import dev.fanfare.gateway.core.Shard;
import io.netty.channel.ChannelHandler;
import java.util.List;

/**
 * The benchmarks' way to the gateway's own SSE session (package-private in the gateway): the same
 * handler and writes a real {@code GET /sse} ends in, without the HTTP request before it.
 */
public final class SseSessions {

    private SseSessions() {
    }

    /** A session on {@code shard}, heartbeats every {@code heartbeatNanos}, no token expiry. */
    public static ChannelHandler create(Shard shard, Disconnects disconnects, long heartbeatNanos) {
        return new SseSession(shard, disconnects, heartbeatNanos, null, null);
    }

    /** Subscribes a session added to a pipeline: on its channel's loop, as {@code SseEndpoint} does. */
    public static void start(ChannelHandler session, List<ChannelName> channels, long[] from) {
        ((SseSession) session).start(channels, from, 0);
    }
}
