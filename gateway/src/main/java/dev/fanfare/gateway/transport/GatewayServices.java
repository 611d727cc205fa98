package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.config.GatewayConfig;
import dev.fanfare.gateway.core.CounterApi;
import dev.fanfare.gateway.core.EventPublisher;
import dev.fanfare.gateway.core.FanoutHub;
import dev.fanfare.gateway.core.HealthCheck;
import dev.fanfare.gateway.core.LogEnds;
import io.netty.channel.group.ChannelGroup;
import java.util.List;

/**
 * What the endpoints share, as seams: configuration, the hub, the publisher, the log's ends
 * (to refuse forged cursors), the counters, the
 * health checks, the static files, the group of open connections (for a graceful shutdown), and
 * who may do what and how much ({@link Access}).
 */
public record GatewayServices(
        GatewayConfig config,
        FanoutHub hub,
        RequestParams params,
        EventPublisher publisher,
        LogEnds logEnds,
        CounterApi counters,
        List<HealthCheck> health,
        StaticFiles staticFiles,
        ChannelGroup connections,
        Access access) {

    public GatewayServices {
        health = List.copyOf(health);
    }
}
