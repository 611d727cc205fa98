package dev.fanfare.client.cli;

import dev.fanfare.client.DurationConverter;
import dev.fanfare.client.load.LoadPlan;
import dev.fanfare.client.load.NetworkPlan;
import dev.fanfare.client.report.ResultFiles;
import dev.fanfare.client.report.ResultTable;
import dev.fanfare.client.report.RunResult;
import dev.fanfare.client.style.Style;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code fanfare compare}: N clients of each style at once on one feed published by the command itself,
 * so every style's delivered/expected, latency and cost per event are measured on the same events.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare the four styles: N clients of each on one feed, delivery, latency and cost per event.",
                "Publishes the feed itself (so the expected count is exact), then prints per style: delivered/expected,",
                "latency p50/p90/p99/max, HTTP requests and bytes per event, connections held, and the gateway's CPU",
                "time when it runs on this machine. Writes result.json and a self-contained report.html.",
                "With --max-rate, events the gateway replaced by a later one are counted as replaced, not missing."},
        footerHeading = "%nExamples:%n",
        footer = {"  fanfare compare --clients 50 --rate 20 --duration 60s --out target/compare-50x20",
                "  fanfare compare --clients 5 --rtt 0ms,50ms,200ms --jitter 5ms --bandwidth 2mbit --duration 20s",
                "  fanfare compare --clients 5 --proxy nginx-buffering --styles sse,long-poll,auto",
                "  fanfare compare --clients 5 --rtt 100ms --churn 5s",
                "  fanfare compare --clients 5 --rate 50 --max-rate 5"})
public final class CompareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    GatewayOptions gateway;

    @Mixin
    LoadOptions load;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "10",
            description = "Clients of each style (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "20",
            description = "Events published per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long to publish (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--max-rate", paramLabel = "N", defaultValue = "0",
            description = {"Every client asks for at most N events per second (max_rate, 1..1000): the gateway sends the",
                    "latest, marked with how many it replaced, and always the last (default: no limit)."})
    int maxRate;

    @Option(names = "--styles", paramLabel = "STYLE", split = ",", converter = StyleConverter.class,
            defaultValue = "short-poll,long-poll,sse,ws",
            description = "Styles to compare, comma-separated (default: ${DEFAULT-VALUE}).")
    List<Style> styles;

    @Option(names = "--out", paramLabel = "DIR",
            description = {"Directory for result.json and report.html (default: target/compare-<time>); with several",
                    "--rtt values, one rtt-<ms>ms directory per run and a report.html charting latency against RTT."})
    Path out;

    @Mixin
    NetworkOptions network;

    @Override
    public Integer call() throws InterruptedException, IOException {
        if (clients <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--clients: " + clients + " (expected: > 0)");
        }
        List<LoadPlan.Group> groups = new LinkedHashSet<>(styles).stream().map(s -> new LoadPlan.Group(s, clients)).toList();
        LoadPlan base = LoadCommandSupport.plan(spec, "compare", gateway.address(spec), groups, rate, duration, maxRate,
                Duration.ZERO, load);
        List<NetworkPlan> conditions = network.plans(spec);
        Path dir = out != null ? out : ResultFiles.defaultDirectory("compare", LocalDateTime.now());
        PrintWriter stdout = spec.commandLine().getOut();
        List<RunResult> results = new ArrayList<>();
        for (NetworkPlan condition : conditions) {
            RunResult result = LoadCommandSupport.run(spec, gateway, load, base.withNetwork(condition));
            if (result == null) {
                return ExitCodes.FAILURE;
            }
            results.add(result);
            Path runDir = conditions.size() == 1 ? dir : dir.resolve("rtt-" + condition.link().rtt().toMillis() + "ms");
            ResultFiles.Written written = ResultFiles.write(result, runDir);
            stdout.print(ResultTable.compare(result));
            stdout.println("result: " + written.json().toAbsolutePath());
            stdout.println("report: " + written.html().toAbsolutePath());
            stdout.flush();
        }
        if (results.size() > 1) {
            stdout.println("latency against RTT: " + ResultFiles.writeSweep(results, dir).toAbsolutePath());
            stdout.flush();
        }
        return results.stream().allMatch(RunResult::complete) ? ExitCodes.OK : ExitCodes.INCOMPLETE;
    }
}
