package dev.fanfare.gateway.transport.longpoll;

import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.FanoutHub;
import dev.fanfare.gateway.core.Principal;
import dev.fanfare.gateway.core.Shard;
import dev.fanfare.gateway.core.Style;
import dev.fanfare.gateway.transport.GatewayServices;
import dev.fanfare.gateway.transport.Request;
import dev.fanfare.gateway.transport.RequestParams;
import dev.fanfare.gateway.transport.poll.PollEndpoint;
import dev.fanfare.gateway.transport.poll.RateLimit;
import java.util.concurrent.TimeUnit;
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
        int maxRate = PollEndpoint.maxRate(query);
        // Answered (empty) at the latest when the token expires: the next request needs a fresh one.
        long parkMillis = Math.min(seconds * 1000L, millisLeft(principal));
        long deadline = System.nanoTime() + parkMillis * 1_000_000L;
        // Counted while it may be parked, and for the viewer window after: time enough to poll again.
        PollEndpoint.sight(services.hub(), r, Style.LONGPOLL, channels, System.currentTimeMillis() + parkMillis);
        r.then(services.logEnds().check(cursor), from -> poll(r, channels, from, cursorText, limit, maxRate, deadline));
    }

    /** Answers what is there (or due); else parks, or, when something is held back by max_rate, looks again when it is due. */
    private void poll(Request r, List<ChannelName> channels, long[] from, String cursorText, int limit, int maxRate,
                      long deadline) {
        FanoutHub hub = services.hub();
        PollEndpoint.read(hub, r.ctx(), channels, from, limit, (c, states) -> {
            RateLimit.Thinned thinned = PollEndpoint.thin(hub, c, from, cursorText, maxRate);
            if (!thinned.items().isEmpty() || c.gap() || !states.isEmpty() || !r.ctx().channel().isActive()) {
                PollEndpoint.answer(hub, r, Style.LONGPOLL, c, states, thinned);
                return;
            }
            if (thinned.heldBack()) {
                long waitMillis = Math.max(1, thinned.dueMillis() - System.currentTimeMillis());
                if (System.nanoTime() + waitMillis * 1_000_000L < deadline) {
                    r.ctx().executor().schedule(() -> poll(r, channels, from, cursorText, limit, maxRate, deadline),
                            waitMillis, TimeUnit.MILLISECONDS);
                } else {
                    PollEndpoint.answer(hub, r, Style.LONGPOLL, c, states, thinned); // empty, same cursor: the timeout
                }
                return;
            }
            Shard shard = hub.shard(r.ctx().channel().eventLoop());
            // Not before the interval since what the client got last of these channels has passed.
            long lastSent = maxRate <= 0 || from == null ? Long.MIN_VALUE : hub.reader().lastTimestampBefore(channels, from);
            long notBefore = lastSent == Long.MIN_VALUE ? 0 : lastSent + 1000L / maxRate;
            LongPoll poll = new LongPoll(r.ctx(), r.keepAlive(), shard, limit,
                    from != null ? cursorText : c.cursor(), notBefore, maxRate > 0);
            // From where the read stopped: what the shard delivered since comes as the first batch.
            shard.subscribe(poll, channels, c.position());
            if (!poll.done()) {
                r.park(poll, deadline - System.nanoTime());
            }
        });
    }

    private static long millisLeft(Principal p) {
        return p.expiresAt() == null ? Long.MAX_VALUE : Math.max(0, p.expiresAt().toEpochMilli() - Instant.now().toEpochMilli());
    }
}
