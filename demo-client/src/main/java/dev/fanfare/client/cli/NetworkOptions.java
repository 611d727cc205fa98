package dev.fanfare.client.cli;

import dev.fanfare.client.DurationConverter;
import dev.fanfare.client.load.NetworkPlan;
import dev.fanfare.client.network.LinkShape;
import dev.fanfare.client.network.NginxProxy;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;

/**
 * compare's network conditions: a user-space netem between the clients and the gateway, a real nginx in front of
 * it, and clients that reconnect every so often.
 */
public final class NetworkOptions {

    @Option(names = "--rtt", paramLabel = "DURATION", split = ",", defaultValue = "0ms",
            converter = DurationConverter.OrZero.class,
            description = {"Round-trip time added between the clients and the gateway (half each way) by a shaping proxy.",
                    "Several, comma-separated (0ms,50ms,200ms), run one after another; the report then charts latency",
                    "against RTT per style (default: ${DEFAULT-VALUE})."})
    List<Duration> rtts;

    @Option(names = "--jitter", paramLabel = "DURATION", defaultValue = "0ms", converter = DurationConverter.OrZero.class,
            description = "Each one-way delay varies by up to this much either way, bytes kept in order (default: ${DEFAULT-VALUE}).")
    Duration jitter;

    @Option(names = "--bandwidth", paramLabel = "RATE", defaultValue = "unlimited",
            description = "Bandwidth per connection and direction, as tc writes it: 2mbit, 500kbit (default: ${DEFAULT-VALUE}).")
    String bandwidth;

    @Option(names = "--proxy", paramLabel = "PROXY", defaultValue = "none",
            description = {"A real nginx in front of the gateway (started on a free port): none, nginx (buffering on,",
                    "honouring X-Accel-Buffering: no), nginx-buffering (the header ignored: streams are held back),",
                    "nginx-no-upgrade (WebSocket upgrades refused) (default: ${DEFAULT-VALUE})."})
    String proxy;

    @Option(names = "--churn", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Every client drops its connection and reconnects this often, as phones do (default: never).")
    Duration churn;

    /** One plan per RTT asked for, the rest alike; a bad value is a usage error. */
    List<NetworkPlan> plans(CommandSpec spec) {
        try {
            LinkShape base = new LinkShape(Duration.ZERO, jitter, LinkShape.parseBandwidth(bandwidth));
            NginxProxy.Mode mode = "none".equals(proxy) ? null : NginxProxy.Mode.fromCliName(proxy);
            return rtts.stream().map(rtt -> new NetworkPlan(base.withRtt(rtt), mode, churn)).toList();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
