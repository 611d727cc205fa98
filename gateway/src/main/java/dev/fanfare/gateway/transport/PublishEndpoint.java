package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.ErrorCode;
import dev.fanfare.gateway.core.JsonPayload;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /publish/<stream>/<key>}: publishes the body and answers 202 with the event's
 * cursor once the log has it. The event reaches subscribers through the log like any other.
 */
public final class PublishEndpoint {

    public static final String PREFIX = "/publish/";
    private static final Logger log = LoggerFactory.getLogger(PublishEndpoint.class);

    private final GatewayServices services;
    private final PublishRequests publishes;

    public PublishEndpoint(GatewayServices services, PublishRequests publishes) {
        this.services = services;
        this.publishes = publishes;
    }

    public void handle(Request r) {
        FullHttpRequest req = r.http();
        ChannelName channel = services.params().concreteChannel(r.path().substring(PREFIX.length()));
        Caller caller = r.caller();
        if (!req.content().isReadable()) {
            throw new ApiException(ErrorCode.MISSING_BODY, "body: empty (expected: the event's payload, JSON or text)");
        }
        String type = req.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        byte[] data = JsonPayload.fromClient(ByteBufUtil.getBytes(req.content()), type.contains("json"));
        ChannelHandlerContext ctx = r.ctx();
        publishes.publish(caller, channel, data).whenCompleteAsync((cursor, error) -> {
            if (error == null) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("channel", channel.toString());
                body.put("cursor", cursor);
                r.answer(HttpResponses.json(HttpResponseStatus.ACCEPTED, body));
                return;
            }
            ApiException refusal = ApiException.of(error);
            if (refusal == null) {
                log.warn("publish to {} failed", channel, error);
                refusal = new ApiException(ErrorCode.INTERNAL, "internal error: the event was not published");
            }
            r.answer(HttpResponses.error(refusal));
        }, ctx.executor());
    }
}
