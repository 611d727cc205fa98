package dev.fanfare.gateway.transport.longpoll;

import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.Principal;
import dev.fanfare.gateway.core.Shard;
import dev.fanfare.gateway.transport.GatewayServices;
import dev.fanfare.gateway.transport.Request;
import dev.fanfare.gateway.transport.RequestParams;
import dev.fanfare.gateway.transport.poll.PollEndpoint;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /longpoll}: reads as {@code /poll} does and answers at once when something after the
 * cursor exists (or, without a cursor, a snapshot); else parks the request, from the position
 * that read reached, until an event arrives or the timeout passes. Answers hold at most
 * {@code limit} events and say {@code "more": true} when some were left.
 */
public final class LongPollEndpoint {

    private final GatewayServices services;

    public LongPollEndpoint(GatewayServices services) {
        this.services = services;
    }

    public void handle(Request r) {
        RequestParams params = services.params();
        Map<String, List<String>> query = r.query();
        List<ChannelName> channels = params.channels(query);
        Principal principal = r.caller().principal();
        principal.requireSubscribe(channels);
        String cursorText = RequestParams.first(query, "cursor");
        long[] cursor = params.cursor(cursorText);
        int limit = PollEndpoint.limit(query);
        // A longer wish is capped, not refused: the client cannot know the server's maximum.
        var timeouts = services.config().longPoll();
        int seconds = Math.min(RequestParams.intParam(query, "timeout", (int) timeouts.defaultTimeout().toSeconds(),
                0, Integer.MAX_VALUE), (int) timeouts.max().toSeconds());
        r.then(services.logEnds().check(cursor), from -> PollEndpoint.read(services.hub(), r.ctx(), channels, from, limit, (c, states) -> {
            if (!c.isEmpty() || !states.isEmpty() || !r.ctx().channel().isActive()) {
                r.answer(PollEndpoint.answer(r.ctx(), c, states));
                return;
            }
            Shard shard = services.hub().shard(r.ctx().channel().eventLoop());
            LongPoll poll = new LongPoll(r.ctx(), r.keepAlive(), shard, limit,
                    from != null ? cursorText : c.cursor());
            // From where the read stopped: what the shard delivered since comes as the first batch.
            shard.subscribe(poll, channels, c.position());
            if (!poll.done()) {
                // Answered (empty) when the token expires: the next request needs a fresh one.
                poll.park(Math.min(seconds * 1000L, millisLeft(principal)));
                r.park(poll);
            }
        }));
    }

    private static long millisLeft(Principal p) {
        return p.expiresAt() == null ? Long.MAX_VALUE : Math.max(0, p.expiresAt().toEpochMilli() - Instant.now().toEpochMilli());
    }
}
