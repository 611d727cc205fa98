package dev.fanfare.client.cli;

import dev.fanfare.client.DurationConverter;
import picocli.CommandLine.Option;

import java.time.Duration;

/** Options compare and bench share (their rate, duration and client counts differ, so they declare those). */
public final class LoadOptions {

    @Option(names = "--channel", paramLabel = "CHANNEL",
            description = "Concrete channel to publish to and follow (default: demo/<command>-<time>, new for each run).")
    String channel;

    @Option(names = "--gateway-pid", paramLabel = "PID",
            description = "Gateway process whose CPU time to measure (default: the local process listening on the URL's port, if any).")
    Long gatewayPid;

    @Option(names = "--drain", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "After publishing, wait at most this long for the last deliveries (default: ${DEFAULT-VALUE}).")
    Duration drain;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "short-poll clients' interval (default: ${DEFAULT-VALUE}).")
    Duration pollInterval;

    @Option(names = "--source-addresses", paramLabel = "ADDRESSES",
            description = "Local addresses to spread connections over, e.g. 127.0.0.1-4 or 127.0.0.2,127.0.0.3 "
                    + "(default: the kernel's choice).")
    String sourceAddresses;

    @Option(names = "--connect-concurrency", paramLabel = "N", defaultValue = "200",
            description = "Clients connecting at once while the run starts (default: ${DEFAULT-VALUE}).")
    int connectConcurrency;

    @Option(names = "--no-progress", description = "Do not show the progress bar on stderr.")
    boolean noProgress;
}
