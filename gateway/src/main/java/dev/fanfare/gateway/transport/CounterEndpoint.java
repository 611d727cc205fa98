package dev.fanfare.gateway.transport;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /claps/<post>}, {@code PUT|DELETE /likes/<post>}: hands the request to the counters
 * (which answer off the event loop) and writes their answer back on the connection's loop.
 */
final class CounterEndpoint {

    static final String CLAPS = "/claps/";
    static final String LIKES = "/likes/";

    private final CounterRequests counters;

    CounterEndpoint(CounterRequests counters) {
        this.counters = counters;
    }

    void clap(Request r) {
        answer(r, counters.clap(rawSegment(r, CLAPS), ByteBufUtil.getBytes(r.http().content())));
    }

    void like(Request r) {
        answer(r, counters.like(rawSegment(r, LIKES), ByteBufUtil.getBytes(r.http().content()), true));
    }

    void unlike(Request r) {
        answer(r, counters.like(rawSegment(r, LIKES), ByteBufUtil.getBytes(r.http().content()), false));
    }

    /** The post as sent, still percent-encoded: the counters decode it and say what is wrong with it. */
    private static String rawSegment(Request r, String prefix) {
        return r.rawPath().substring(prefix.length());
    }

    private static void answer(Request r, CompletionStage<CounterRequests.Reply> reply) {
        ChannelHandlerContext ctx = r.ctx();
        reply.thenAcceptAsync(answer -> r.answer(HttpResponses.json(HttpResponseStatus.valueOf(answer.status()),
                answer.body())), ctx.executor());
    }
}
