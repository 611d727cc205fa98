package dev.fanfare.client.cli;

import dev.fanfare.client.DurationConverter;
import dev.fanfare.client.load.LoadPlan;
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
                "time when it runs on this machine. Writes result.json and a self-contained report.html."},
        footerHeading = "%nExample:%n",
        footer = "  fanfare compare --clients 50 --rate 20 --duration 60s --out target/compare-50x20")
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

    @Option(names = "--styles", paramLabel = "STYLE", split = ",", converter = StyleConverter.class,
            defaultValue = "short-poll,long-poll,sse,ws",
            description = "Styles to compare, comma-separated (default: ${DEFAULT-VALUE}).")
    List<Style> styles;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Directory for result.json and report.html (default: target/compare-<time>).")
    Path out;

    @Override
    public Integer call() throws InterruptedException, IOException {
        if (clients <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--clients: " + clients + " (expected: > 0)");
        }
        List<LoadPlan.Group> groups = new LinkedHashSet<>(styles).stream().map(s -> new LoadPlan.Group(s, clients)).toList();
        LoadPlan plan = LoadCommandSupport.plan(spec, "compare", gateway.address(spec), groups, rate, duration, load);
        RunResult result = LoadCommandSupport.run(spec, gateway, load, plan);
        if (result == null) {
            return ExitCodes.FAILURE;
        }
        Path dir = out != null ? out : ResultFiles.defaultDirectory("compare", LocalDateTime.now());
        ResultFiles.Written written = ResultFiles.write(result, dir);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.print(ResultTable.compare(result));
        stdout.println("result: " + written.json().toAbsolutePath());
        stdout.println("report: " + written.html().toAbsolutePath());
        stdout.flush();
        return result.complete() ? ExitCodes.OK : ExitCodes.INCOMPLETE;
    }
}
