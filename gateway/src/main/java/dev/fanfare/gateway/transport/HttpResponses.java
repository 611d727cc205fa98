package dev.fanfare.gateway.transport;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.ErrorCode;
import dev.fanfare.gateway.core.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/** Building and sending HTTP answers: JSON bodies, JSON errors, keep-alive handled in one place. */
public final class HttpResponses {

    private HttpResponses() {
    }

    /** A response with a JSON body made from {@code body} (a map, record or JsonNode). */
    public static FullHttpResponse json(HttpResponseStatus status, Object body) {
        try {
            return json(status, Unpooled.wrappedBuffer(Json.MAPPER.writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A response whose body is already JSON bytes; takes ownership of {@code body}. */
    public static FullHttpResponse json(HttpResponseStatus status, ByteBuf body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        HttpUtil.setContentLength(r, body.readableBytes());
        return r;
    }

    /** An error answer: the code's status and {@link Replies#error its JSON body}. */
    public static FullHttpResponse error(ErrorCode code, String message) {
        return json(HttpResponseStatus.valueOf(code.status()), Replies.error(code, message));
    }

    /** An error answer for a refusal; a rate limit's says when to retry ({@code Retry-After}). */
    public static FullHttpResponse error(ApiException e) {
        return retryAfter(json(HttpResponseStatus.valueOf(e.code().status()), Replies.error(e)), e.retryAfterSeconds());
    }

    /** Adds {@code Retry-After} when {@code seconds} is positive. */
    public static FullHttpResponse retryAfter(FullHttpResponse r, long seconds) {
        if (seconds > 0) {
            r.headers().set(HttpHeaderNames.RETRY_AFTER, seconds);
        }
        return r;
    }

    /**
     * Sends {@code response}, keeping the connection open when the request allows it and the
     * status does not call for closing it; else closes after it, lingering ({@link LingeringClose}).
     */
    public static void send(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
        send(ctx, keepAlive, response, null);
    }

    /** As {@link #send(ChannelHandlerContext, boolean, FullHttpResponse)}; {@code written} (if not null) runs once it is on the socket. */
    public static void send(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response, Runnable written) {
        int status = response.status().code();
        boolean keep = keepAlive && ctx.channel().isActive() && status < 500
                && status != 413 && status != 414 && status != 417 && status != 431;
        HttpUtil.setKeepAlive(response, keep);
        if (keep && written == null) {
            ctx.writeAndFlush(response, ctx.voidPromise());
            return;
        }
        var future = ctx.writeAndFlush(response);
        if (written != null) {
            future.addListener(f -> written.run());
        }
        if (!keep) {
            future.addListener(LingeringClose.AFTER_WRITE);
        }
    }
}
