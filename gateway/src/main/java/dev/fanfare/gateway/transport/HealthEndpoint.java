package dev.fanfare.gateway.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /health}: 200 when this node reaches Kafka, 503 otherwise; with a few live figures. */
public final class HealthEndpoint {

    private final GatewayServices services;

    public HealthEndpoint(GatewayServices services) {
        this.services = services;
    }

    public void handle(ChannelHandlerContext ctx, boolean keepAlive) {
        services.health().kafkaUp().whenCompleteAsync((up, error) -> {
            boolean ok = error == null && Boolean.TRUE.equals(up);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", ok ? "up" : "down");
            body.put("kafka", ok ? "up" : "unreachable");
            body.put("connections", services.connections().size());
            body.put("eventsIngested", services.hub().ingested());
            HttpResponses.send(ctx, keepAlive, HttpResponses.json(ok ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body));
        }, ctx.executor());
    }
}
