package dev.fanfare.gateway.transport;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.fanfare.gateway.core.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.LinkedHashMap;
import java.util.Map;

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

    /** {@code {"error": code, "message": message}}. */
    public static FullHttpResponse error(HttpResponseStatus status, String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message);
        return json(status, body);
    }

    public static FullHttpResponse error(ApiException e) {
        return error(e.status(), e.code(), e.getMessage());
    }

    /**
     * Sends {@code response}, keeping the connection open when the request allows it and the
     * status does not call for closing it.
     */
    public static void send(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
        boolean keep = keepAlive && ctx.channel().isActive() && response.status().code() < 500
                && response.status().code() != 413 && response.status().code() != 414 && response.status().code() != 431;
        HttpUtil.setKeepAlive(response, keep);
        if (keep) {
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
