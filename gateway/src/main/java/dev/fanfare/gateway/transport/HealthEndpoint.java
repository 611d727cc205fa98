package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.core.HealthCheck;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /health}: 200 when every critical check is up, else 503 with the first reason. Each
 * check is reported under its name ({@code "up"} or why not); a non-critical one (the counter
 * store: events still flow while Redis is away) is reported without failing the answer.
 */
public final class HealthEndpoint {

    private final GatewayServices services;

    public HealthEndpoint(GatewayServices services) {
        this.services = services;
    }

    public void handle(Request r) {
        List<HealthCheck> checks = services.health();
        List<CompletableFuture<HealthCheck.Status>> asked = new ArrayList<>(checks.size());
        for (HealthCheck c : checks) {
            asked.add(c.check().toCompletableFuture());
        }
        CompletableFuture.allOf(asked.toArray(new CompletableFuture[0])).whenCompleteAsync((done, error) -> {
            Map<String, Object> body = new LinkedHashMap<>();
            String reason = null;
            for (int i = 0; i < checks.size(); i++) {
                HealthCheck.Status s = asked.get(i).getNow(HealthCheck.Status.down("no answer"));
                body.put(checks.get(i).name(), s.up() ? "up" : s.detail());
                if (!s.up() && checks.get(i).critical() && reason == null) {
                    reason = checks.get(i).name() + ": " + s.detail();
                }
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("status", reason == null ? "up" : "down");
            if (reason != null) {
                answer.put("reason", reason);
            }
            answer.putAll(body);
            answer.put("connections", services.connections().size());
            answer.put("eventsIngested", services.hub().ingested());
            answer.put("recordsSkipped", services.hub().skipped());
            answer.put("recordsNotUtf8", services.hub().repaired());
            answer.put("disconnectNoticesUndelivered", GracefulClose.undelivered());
            r.answer(HttpResponses.json(reason == null ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, answer));
        }, r.ctx().executor());
    }
}
