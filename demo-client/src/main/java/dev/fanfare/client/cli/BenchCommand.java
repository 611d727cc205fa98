package dev.fanfare.client.cli;

import dev.fanfare.client.DurationConverter;
import dev.fanfare.client.load.LoadPlan;
import dev.fanfare.client.report.ResultFiles;
import dev.fanfare.client.report.ResultTable;
import dev.fanfare.client.report.RunResult;
import dev.fanfare.client.style.Style;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code fanfare bench}: the fan-out benchmark. S subscribers of one style on one channel, events
 * published at rate R; deliveries per second, publish-to-receive latency and the gateway's CPU cost.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Fan-out benchmark: S subscribers on one channel, events published at rate R.",
                "Prints deliveries/s, publish-to-receive latency p50/p99/max and the gateway's CPU seconds",
                "(and CPU microseconds per delivered event) as a table and as JSON.",
                "SSE and WebSocket subscribers are lean receivers by default: they scan the stream's bytes for the",
                "run's fields and allocate nothing per event, so the client's own cost stays small (--receiver)."},
        footerHeading = "%nExamples (gateway pinned to core 1, load to core 0):%n",
        footer = {"  taskset -c 0 fanfare bench --style sse --subscribers 1000 --rate 100 --duration 30s",
                "  taskset -c 0 fanfare bench --style ws --subscribers 10000 --rate 100 --duration 30s --source-addresses 127.0.0.1-2"})
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    GatewayOptions gateway;

    @Mixin
    LoadOptions load;

    @Option(names = "--style", paramLabel = "STYLE", defaultValue = "sse", converter = StyleConverter.class,
            completionCandidates = StyleConverter.Names.class,
            description = "Subscriber style: sse or ws (the poll styles work too) (default: ${DEFAULT-VALUE}).")
    Style style;

    @Option(names = "--subscribers", paramLabel = "S", defaultValue = "1000",
            description = "Subscribers on the channel (default: ${DEFAULT-VALUE}).")
    int subscribers;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "100",
            description = "Events published per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long to publish (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = {"Publish at the same rate this long before measuring, so the gateway's and this client's",
                    "JIT have compiled the path (0s: measure cold) (default: ${DEFAULT-VALUE})."})
    Duration warmup;

    @Option(names = "--receiver", paramLabel = "RECEIVER", defaultValue = "lean", converter = ReceiverConverter.class,
            completionCandidates = ReceiverConverter.Names.class,
            description = {"What reads the sse and ws subscribers' connections: lean (scans the bytes for the run's",
                    "fields, nothing allocated per event: what the gateway's latency is measured with) or client (the",
                    "client module's style clients, as an application uses them; the poll styles always use those)",
                    "(default: ${DEFAULT-VALUE})."})
    LoadPlan.Receiver receiver;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write result.json and report.html there.")
    Path out;

    @Override
    public Integer call() throws InterruptedException, IOException {
        if (subscribers <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--subscribers: " + subscribers + " (expected: > 0)");
        }
        LoadPlan plan = LoadCommandSupport.plan(spec, "bench", gateway.address(spec),
                List.of(new LoadPlan.Group(style, subscribers)), rate, duration, 0, warmup, load).withReceiver(receiver);
        RunResult result = LoadCommandSupport.run(spec, gateway, load, plan);
        if (result == null) {
            return ExitCodes.FAILURE;
        }
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.print(ResultTable.bench(result));
        stdout.println(ResultFiles.toJson(result, false));
        if (out != null) {
            ResultFiles.Written written = ResultFiles.write(result, out);
            stdout.println("report: " + written.html().toAbsolutePath());
        }
        stdout.flush();
        return result.complete() ? ExitCodes.OK : ExitCodes.INCOMPLETE;
    }

    /** Reads {@code lean} or {@code client}. */
    public static final class ReceiverConverter implements ITypeConverter<LoadPlan.Receiver> {

        @Override
        public LoadPlan.Receiver convert(String value) {
            try {
                return LoadPlan.Receiver.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' (expected: lean or client)");
            }
        }

        /** The names, for {@code --help} and shell completion. */
        public static final class Names implements Iterable<String> {
            @Override
            public Iterator<String> iterator() {
                return Arrays.stream(LoadPlan.Receiver.values()).map(r -> r.name().toLowerCase(Locale.ROOT)).iterator();
            }
        }
    }
}
