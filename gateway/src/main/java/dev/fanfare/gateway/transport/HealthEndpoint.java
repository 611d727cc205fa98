package dev.fanfare.gateway.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /health}: 200 when this node reaches Kafka, 503 otherwise. The counter store's state
 * is reported too, but does not fail the check: events still flow while Redis is away.
 */
public final class HealthEndpoint {

    private final GatewayServices services;

    public HealthEndpoint(GatewayServices services) {
        this.services = services;
    }

    public void handle(ChannelHandlerContext ctx, boolean keepAlive) {
        var counters = services.counters() == null
                ? java.util.concurrent.CompletableFuture.completedFuture(false)
                : services.counters().service().storeUp().toCompletableFuture();
        services.health().kafkaUp().thenCombine(counters, (kafka, store) -> new boolean[] {kafka, store})
                .whenCompleteAsync((up, error) -> {
            boolean ok = error == null && up[0];
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", ok ? "up" : "down");
            body.put("kafka", ok ? "up" : "unreachable");
            body.put("counters", error == null && up[1] ? "up" : "unreachable");
            body.put("connections", services.connections().size());
            body.put("eventsIngested", services.hub().ingested());
            body.put("recordsSkipped", services.hub().skipped());
            HttpResponses.send(ctx, keepAlive, HttpResponses.json(ok ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body));
        }, ctx.executor());
    }
}
