package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.config.GatewayConfig;
import dev.fanfare.gateway.core.FanoutHub;
import dev.fanfare.gateway.counters.Counters;
import dev.fanfare.gateway.kafka.KafkaEventPublisher;
import dev.fanfare.gateway.kafka.KafkaHealth;
import io.netty.channel.group.ChannelGroup;

/**
 * What the endpoints share: configuration, the hub, the publisher, health, the static files and
 * the group of open connections (for a graceful shutdown), the counters (claps and likes).
 */
public record GatewayServices(
        GatewayConfig config,
        FanoutHub hub,
        RequestParams params,
        KafkaEventPublisher publisher,
        KafkaHealth health,
        StaticFiles staticFiles,
        ChannelGroup connections,
        Counters counters) {
}
