package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.JsonPayload;
import dev.fanfare.gateway.kafka.KafkaEventPublisher;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /publish/<stream>/<key>}: produces the body to Kafka and answers 202 with the event's
 * cursor once Kafka acknowledged it. The event reaches subscribers through Kafka like any other.
 */
public final class PublishEndpoint {

    public static final String PREFIX = "/publish/";
    private static final Logger log = LoggerFactory.getLogger(PublishEndpoint.class);

    private final GatewayServices services;

    public PublishEndpoint(GatewayServices services) {
        this.services = services;
    }

    public void handle(ChannelHandlerContext ctx, FullHttpRequest req, String path) {
        ChannelName channel = services.params().concreteChannel(path.substring(PREFIX.length()));
        if (!req.content().isReadable()) {
            throw ApiException.badRequest("missing_body", "body: empty (expected: the event's payload, JSON or text)");
        }
        byte[] raw = ByteBufUtil.getBytes(req.content());
        String type = req.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        if (type.contains("json") && !JsonPayload.isSingleJsonValue(raw)) {
            throw ApiException.badRequest("bad_json", "body: not one JSON value (expected: valid JSON, as Content-Type says)");
        }
        byte[] data = type.contains("json") ? JsonPayload.normalize(raw) : JsonPayload.text(raw);
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        services.publisher().publish(channel, data).whenCompleteAsync((cursor, error) -> {
            if (error == null) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("channel", channel.toString());
                body.put("cursor", cursor);
                HttpResponses.send(ctx, keepAlive, HttpResponses.json(HttpResponseStatus.ACCEPTED, body));
            } else {
                boolean overloaded = error instanceof KafkaEventPublisher.Overloaded
                        || error.getCause() instanceof KafkaEventPublisher.Overloaded;
                if (!overloaded) {
                    log.warn("publish to {} failed: {}", channel, error.toString());
                }
                HttpResponses.send(ctx, keepAlive, HttpResponses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable",
                        overloaded ? "publish: queue full (expected: retry later)"
                                : "publish: Kafka did not acknowledge the event (expected: retry later)"));
            }
        }, ctx.executor());
    }
}
