package dev.fanfare.client.cli;

import dev.fanfare.client.load.LoadPlan;
import dev.fanfare.client.load.LoadRun;
import dev.fanfare.client.load.LoadRunException;
import dev.fanfare.client.load.NetworkPlan;
import dev.fanfare.client.load.Progress;
import dev.fanfare.client.report.RunResult;
import dev.fanfare.client.style.ClientResources;
import dev.fanfare.client.style.GatewayAddress;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What compare and bench do alike: build the plan from options, check limits, run it. */
final class LoadCommandSupport {

    /** File descriptors the process needs besides its client connections (JVM, jars, publisher, ...). */
    private static final int SPARE_DESCRIPTORS = 200;
    private static final int EPHEMERAL_PORTS_PER_ADDRESS = 60999 - 32768 + 1;
    private static final Pattern OPEN_FILES = Pattern.compile("Max open files\\s+(\\d+|unlimited)");
    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private LoadCommandSupport() {
    }

    /**
     * The plan from the options; anything out of range is a usage error.
     *
     * @param maxRate every client's {@code max_rate} (0: none)
     * @param warmup  publishing before the measured phase (zero: none)
     */
    static LoadPlan plan(CommandSpec spec, String kind, GatewayAddress gateway, List<LoadPlan.Group> groups,
                         double rate, Duration duration, int maxRate, Duration warmup,
                         LoadOptions options) {
        String channel = options.channel != null ? options.channel : "demo/" + kind + "-" + RUN_ID.format(LocalDateTime.now());
        int clients = groups.stream().mapToInt(LoadPlan.Group::clients).sum();
        List<InetAddress> sources = sourceAddresses(spec, options, clients);
        try {
            return new LoadPlan(kind, gateway, groups, channel, rate, duration, options.drain, options.pollInterval,
                    sources, options.connectConcurrency, options.gatewayPid, NetworkPlan.DIRECT, maxRate, warmup);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static List<InetAddress> sourceAddresses(CommandSpec spec, LoadOptions options, int clients) {
        List<InetAddress> addresses;
        try {
            addresses = options.sourceAddresses == null ? List.of() : SourceAddresses.parse(options.sourceAddresses);
            SourceAddresses.checkBindable(addresses);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        int perAddress = EPHEMERAL_PORTS_PER_ADDRESS;
        if (clients > perAddress * Math.max(1, addresses.size())) {
            throw new CommandLine.ParameterException(spec.commandLine(), clients + " clients need more than "
                    + perAddress + " ephemeral ports per source address; add addresses with --source-addresses 127.0.0.1-"
                    + (int) Math.ceil((double) clients / perAddress));
        }
        long limit = openFileLimit();
        if (clients + SPARE_DESCRIPTORS > limit) {
            throw new CommandLine.ParameterException(spec.commandLine(), clients + " clients need about "
                    + (clients + SPARE_DESCRIPTORS) + " file descriptors, but this process may open " + limit
                    + "; lower the client count or run several processes");
        }
        return addresses;
    }

    /** The soft limit on open files, from /proc/self/limits (unbounded when it cannot be read). */
    private static long openFileLimit() {
        try {
            Matcher m = OPEN_FILES.matcher(Files.readString(Path.of("/proc/self/limits")));
            if (m.find() && !m.group(1).equals("unlimited")) {
                return Long.parseLong(m.group(1));
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no check
        }
        return Long.MAX_VALUE;
    }

    /** Runs the plan; a failure to run is reported on stderr and yields null. */
    static RunResult run(CommandSpec spec, GatewayOptions gatewayOptions, LoadOptions options, LoadPlan plan)
            throws InterruptedException {
        Progress progress = options.noProgress ? Progress.none() : Progress.on(System.err);
        try (ClientResources resources = ClientResources.create(gatewayOptions.ioThreads)) {
            return new LoadRun(resources, plan, progress).run();
        } catch (LoadRunException e) {
            spec.commandLine().getErr().println("fanfare " + plan.kind() + ": " + e.getMessage());
            return null;
        }
    }
}
