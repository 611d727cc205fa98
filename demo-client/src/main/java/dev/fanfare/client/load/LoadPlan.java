package dev.fanfare.client.load;

import dev.fanfare.client.style.GatewayAddress;
import dev.fanfare.client.style.Style;
import dev.fanfare.client.style.Subscription;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a load run does: which clients, which channel, what rate for how long.
 *
 * @param kind               {@code "compare"} or {@code "bench"} (recorded in the result)
 * @param groups             how many clients of which style, started interleaved
 * @param channel            the concrete channel published to and followed
 * @param ratePerSecond      events published per second
 * @param duration           how long to publish
 * @param drainTimeout       how long to wait after publishing for the last deliveries
 * @param pollInterval       short polling's interval
 * @param sourceAddresses    local addresses the clients bind to in turn (empty: the kernel's choice)
 * @param connectConcurrency clients connecting at once while the run starts
 * @param gatewayPid         the gateway process to measure (null: find the local listener if any)
 * @param network            what stands between the clients and the gateway
 * @param maxRate            every client asks for at most this many events per second ({@code max_rate}); 0: no
 *                           limit
 * @param warmup             how long to publish at the planned rate before measuring (zero: measure from the
 *                           first event), so the gateway's and this client's JIT have compiled the path
 * @param receiver           what reads the SSE and WebSocket subscribers' connections
 */
public record LoadPlan(String kind, GatewayAddress gateway, List<Group> groups, String channel, double ratePerSecond,
                       Duration duration, Duration drainTimeout, Duration pollInterval,
                       List<InetAddress> sourceAddresses, int connectConcurrency, Long gatewayPid, NetworkPlan network,
                       int maxRate, Duration warmup, Receiver receiver) {

    /** What reads an SSE or WebSocket subscriber's connection; the poll styles always use their style client. */
    public enum Receiver {
        /** The client module's style client, as an application would use it (HTTP codec, SSE parser, JSON tree). */
        CLIENT,
        /** A lean receiver: scans the stream's bytes for the run's fields, allocating nothing per event. */
        LEAN
    }

    /** {@code clients} clients of {@code style}. */
    public record Group(Style style, int clients) {
        public Group {
            Objects.requireNonNull(style, "style");
            if (clients <= 0) {
                throw new IllegalArgumentException("clients: " + clients + " (expected: > 0)");
            }
        }
    }

    /** With the style clients. */
    public LoadPlan(String kind, GatewayAddress gateway, List<Group> groups, String channel, double ratePerSecond,
                    Duration duration, Duration drainTimeout, Duration pollInterval,
                    List<InetAddress> sourceAddresses, int connectConcurrency, Long gatewayPid, NetworkPlan network,
                    int maxRate, Duration warmup) {
        this(kind, gateway, groups, channel, ratePerSecond, duration, drainTimeout, pollInterval, sourceAddresses,
                connectConcurrency, gatewayPid, network, maxRate, warmup, Receiver.CLIENT);
    }

    public LoadPlan {
        groups = List.copyOf(groups);
        sourceAddresses = List.copyOf(sourceAddresses);
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("groups: [] (expected: at least one style)");
        }
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("rate: " + ratePerSecond + " (expected: > 0)");
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration: " + duration + " (expected: > 0)");
        }
        if (connectConcurrency <= 0) {
            throw new IllegalArgumentException("connectConcurrency: " + connectConcurrency + " (expected: > 0)");
        }
        Objects.requireNonNull(network, "network");
        if (maxRate < 0 || maxRate > Subscription.MAX_RATE_LIMIT) {
            throw new IllegalArgumentException("max-rate: " + maxRate + " (expected: 1.." + Subscription.MAX_RATE_LIMIT
                    + ", or 0 for no limit)");
        }
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("warmup: " + warmup + " (expected: >= 0)");
        }
        Objects.requireNonNull(receiver, "receiver");
        if (channel.contains("*")) {
            throw new IllegalArgumentException("channel: " + channel + " (expected: a concrete key, runs publish to it)");
        }
    }

    /** The same plan through other network conditions. */
    public LoadPlan withNetwork(NetworkPlan conditions) {
        return new LoadPlan(kind, gateway, groups, channel, ratePerSecond, duration, drainTimeout, pollInterval,
                sourceAddresses, connectConcurrency, gatewayPid, conditions, maxRate, warmup, receiver);
    }

    /** The same plan read by {@code reader}. */
    public LoadPlan withReceiver(Receiver reader) {
        return new LoadPlan(kind, gateway, groups, channel, ratePerSecond, duration, drainTimeout, pollInterval,
                sourceAddresses, connectConcurrency, gatewayPid, network, maxRate, warmup, reader);
    }

    public int totalClients() {
        return groups.stream().mapToInt(Group::clients).sum();
    }
}
