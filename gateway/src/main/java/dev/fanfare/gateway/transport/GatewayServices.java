package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.core.ViewerApi;
import dev.fanfare.gateway.config.GatewayConfig;
import dev.fanfare.gateway.core.CounterApi;
import dev.fanfare.gateway.core.Disconnects;
import dev.fanfare.gateway.core.EventPublisher;
import dev.fanfare.gateway.core.FanoutHub;
import dev.fanfare.gateway.core.HealthCheck;
import dev.fanfare.gateway.core.LogEnds;
import dev.fanfare.gateway.metrics.GatewayMetrics;
import io.netty.channel.group.ChannelGroup;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * What the endpoints share, as seams: configuration, the hub, the publisher, the log's ends
 * (to refuse forged cursors), the counters, the
 * health checks, the static files, the group of open connections (for a graceful shutdown), and
 * the count of disconnects by reason, the metrics, a bounded executor for work that must not
 * run on an event loop, and who may do what and how much ({@link Access}).
 */
public record GatewayServices(
        GatewayConfig config,
        FanoutHub hub,
        RequestParams params,
        EventPublisher publisher,
        LogEnds logEnds,
        CounterApi counters,
        ViewerApi viewers,
        List<HealthCheck> health,
        StaticFiles staticFiles,
        ChannelGroup connections,
        Disconnects disconnects,
        GatewayMetrics metrics,
        Executor blocking,
        Access access) {

    public GatewayServices {
        health = List.copyOf(health);
    }
}
