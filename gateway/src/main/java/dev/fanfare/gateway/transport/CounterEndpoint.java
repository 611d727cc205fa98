package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.ErrorCode;
import dev.fanfare.gateway.core.Text;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
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
        answer(r, counters.clap(r.caller(), rawSegment(r, CLAPS), jsonBody(r)));
    }

    void like(Request r) {
        answer(r, counters.like(r.caller(), rawSegment(r, LIKES), jsonBody(r), true));
    }

    void unlike(Request r) {
        answer(r, counters.like(r.caller(), rawSegment(r, LIKES), jsonBody(r), false));
    }

    /**
     * The body, which must say it is JSON: a cross-site form can send {@code text/plain} without a
     * CORS preflight, and a clap must never be one.
     */
    private static byte[] jsonBody(Request r) {
        String type = r.http().headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (type == null || !HttpHeaderValues.APPLICATION_JSON.contentEqualsIgnoreCase(HttpUtil.getMimeType(type))) {
            throw new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "content-type: " + Text.quote(type)
                    + " (expected: application/json)");
        }
        return ByteBufUtil.getBytes(r.http().content());
    }

    /** The post as sent, still percent-encoded: the counters decode it and say what is wrong with it. */
    private static String rawSegment(Request r, String prefix) {
        return r.rawPath().substring(prefix.length());
    }

    private static void answer(Request r, CompletionStage<CounterRequests.Reply> reply) {
        ChannelHandlerContext ctx = r.ctx();
        reply.thenAcceptAsync(answer -> r.answer(HttpResponses.retryAfter(HttpResponses.json(
                HttpResponseStatus.valueOf(answer.status()), answer.body()), answer.retryAfterSeconds())), ctx.executor());
    }
}
