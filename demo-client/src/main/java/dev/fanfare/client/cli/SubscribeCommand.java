package dev.fanfare.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanfare.client.DurationConverter;
import dev.fanfare.client.style.ClientResources;
import dev.fanfare.client.style.ClientState;
import dev.fanfare.client.style.GatewayAddress;
import dev.fanfare.client.style.Style;
import dev.fanfare.client.style.StreamListener;
import dev.fanfare.client.style.StyleClient;
import dev.fanfare.client.style.StyleClients;
import dev.fanfare.client.style.Subscription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code fanfare subscribe}: a curl/websocat for all four styles. Prints every event as one JSON line on
 * stdout (gaps as {@code {"type":"gap",...}} lines), state changes on stderr, and resumes from its
 * cursor by itself after errors.
 */
@Command(name = "subscribe", mixinStandardHelpOptions = true,
        description = {"Follow channels with one delivery style; print each event as one JSON line on stdout.",
                "Reconnects by itself with backoff and resumes from its last cursor. Stops on Ctrl-C, "
                        + "after --count events or after --duration."},
        footerHeading = "%nExamples:%n",
        footer = {"  fanfare subscribe --style sse --channel 'ticker/*'",
                "  fanfare subscribe --style short-poll --interval 500ms --channel claps/post-1 --channel likes/post-1",
                "  fanfare subscribe --style ws --channel demo/x --cursor <cursor> --count 10"})
public final class SubscribeCommand implements Callable<Integer> {

    private static final int PAUSE_AT = 10_000;
    private static final int RESUME_AT = 1_000;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    @Spec
    CommandSpec spec;

    @Mixin
    GatewayOptions gateway;

    @Option(names = "--style", required = true, paramLabel = "STYLE", converter = StyleConverter.class,
            completionCandidates = StyleConverter.Names.class,
            description = "Delivery style: ${COMPLETION-CANDIDATES}.")
    Style style;

    @Option(names = {"-c", "--channel"}, required = true, paramLabel = "CHANNEL",
            description = "Channel to follow, stream/key or stream/* (repeat for several).")
    List<String> channels;

    @Option(names = "--cursor", paramLabel = "CURSOR",
            description = "Start right after this cursor (default: at the live end, with each channel's latest event as a snapshot).")
    String cursor;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "short-poll: time between polls (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "long-poll: how long the gateway may hold a request (default: the gateway's, 25 s).")
    Duration longPollTimeout;

    @Option(names = {"-n", "--count"}, paramLabel = "N", description = "Stop after N events.")
    Long count;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop after this long.")
    Duration duration;

    @Option(names = {"-q", "--quiet"}, description = "Do not report connection state on stderr.")
    boolean quiet;

    @Override
    public Integer call() throws InterruptedException {
        if (count != null && count <= 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--count: " + count + " (expected: > 0)");
        }
        GatewayAddress address = gateway.address(spec);
        Subscription subscription = subscription(address);
        PrintWriter err = spec.commandLine().getErr();
        CompletableFuture<Integer> outcome = new CompletableFuture<>();
        try (ClientResources resources = ClientResources.create(gateway.ioThreads);
             LinePrinter printer = new LinePrinter(spec.commandLine().getOut(), PAUSE_AT, RESUME_AT)) {
            StyleClient[] client = new StyleClient[1];
            StreamListener listener = new PrintingListener(printer, err, outcome, () -> client[0].close());
            client[0] = StyleClients.create(style, resources, subscription, listener);
            printer.onPressure(client[0]::pause, client[0]::resume);
            client[0].terminated().whenComplete((ok, error) -> outcome.complete(error == null ? ExitCodes.OK : ExitCodes.FAILURE));
            Thread onCtrlC = new Thread(() -> stop(client[0], printer), "fanfare-subscribe-stop");
            Runtime.getRuntime().addShutdownHook(onCtrlC);
            client[0].start();
            if (duration != null) {
                outcome.completeOnTimeout(ExitCodes.OK, duration.toMillis(), TimeUnit.MILLISECONDS);
            }
            int code = waitFor(outcome);
            stop(client[0], printer);
            removeHook(onCtrlC);
            if (code != ExitCodes.OK) {
                err.println("fanfare subscribe: " + failureOf(client[0]));
            }
            return code;
        }
    }

    private Subscription subscription(GatewayAddress address) {
        try {
            Subscription s = Subscription.of(address, channels).withCursor(cursor).withPollInterval(interval);
            return longPollTimeout == null ? s : s.withLongPollTimeout(longPollTimeout);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static int waitFor(CompletableFuture<Integer> outcome) throws InterruptedException {
        try {
            return outcome.get();
        } catch (ExecutionException e) {
            return ExitCodes.FAILURE;
        }
    }

    private static void stop(StyleClient client, LinePrinter printer) {
        try {
            client.close().get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // failed clients are already stopped; a hung close must not keep Ctrl-C from exiting
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        printer.close();
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running or ran
        }
    }

    private static String failureOf(StyleClient client) {
        try {
            client.terminated().getNow(null);
            return "stopped";
        } catch (RuntimeException e) {
            return e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
        }
    }

    /** Prints events and gaps, reports state, and ends the run after --count events. */
    private final class PrintingListener implements StreamListener {

        private final LinePrinter printer;
        private final PrintWriter err;
        private final CompletableFuture<Integer> outcome;
        private final Runnable close;
        private final AtomicLong printed = new AtomicLong();

        PrintingListener(LinePrinter printer, PrintWriter err, CompletableFuture<Integer> outcome, Runnable close) {
            this.printer = printer;
            this.err = err;
            this.outcome = outcome;
            this.close = close;
        }

        @Override
        public void onEvent(JsonNode envelope, long receivedNanos) {
            if (count != null && printed.get() >= count) {
                return; // events of the same read after the last one wanted
            }
            printer.print(envelope.toString());
            if (count != null && printed.incrementAndGet() == count) {
                outcome.complete(ExitCodes.OK);
                close.run();
            }
        }

        @Override
        public void onGap(JsonNode gap, long receivedNanos) {
            printer.print(gap.toString());
        }

        @Override
        public void onState(ClientState state, String detail) {
            if (!quiet && state != ClientState.STOPPED) {
                err.println("fanfare subscribe [" + style + "]: " + state.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                        + " (" + detail + ")");
            }
        }
    }
}
