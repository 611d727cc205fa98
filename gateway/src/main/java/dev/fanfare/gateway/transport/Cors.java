package dev.fanfare.gateway.transport;

import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * CORS preflights ({@code OPTIONS} on any route): a preflight reaches this only from an allowed
 * origin ({@link OriginCheck} refuses the rest with 403 and adds the allow-origin headers to
 * this answer). It names the route's methods and the request headers a page may send.
 */
final class Cors {

    /** Request headers a page may send: its token, its JSON body, its SSE resume point. */
    static final String ALLOWED_HEADERS = "Authorization, Content-Type, Last-Event-ID";
    /** How long a browser may keep a preflight's answer. */
    static final String MAX_AGE_SECONDS = "600";

    private Cors() {
    }

    /** {@code 204} with the methods of the route ({@code allow}, e.g. {@code "OPTIONS, POST"}). */
    static void preflight(Request r, String allow) {
        FullHttpResponse answer = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
        answer.headers().set(HttpHeaderNames.ALLOW, allow);
        if (r.http().headers().contains(HttpHeaderNames.ORIGIN)) {
            answer.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, allow)
                    .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS)
                    .set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECONDS);
        }
        answer.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        r.answer(answer);
    }
}
