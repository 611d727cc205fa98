package dev.fanfare.client;

import dev.fanfare.feed.DemoFeed;
import dev.fanfare.feed.DemoFeedConfig;
import dev.fanfare.feed.HttpFeedSink;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code produce ticker|claps|likes ...}: runs the demo feeds against a gateway over HTTP (the same {@link DemoFeed}
 * the gateway runs by itself) and prints one summary line at the end. Exit code 0 when every send was accepted,
 * 1 otherwise.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Sends simulated live traffic to a gateway over HTTP: stock ticker quotes (POST /publish/ticker/"
                + "<SYMBOL>), claps (POST /claps/<post>) and likes (PUT|DELETE /likes/<post>).",
                "Prints sent/failed/skipped at the end; 'skipped' counts events dropped because too many requests "
                        + "were outstanding."})
public final class ProduceCommand implements Callable<Integer> {

    /** The feeds one can choose. */
    enum Feed { ticker, claps, likes }

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** How long to wait at the end for requests still outstanding, so the summary is final. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(15);

    @Parameters(arity = "1..*", paramLabel = "FEED", description = "ticker, claps and/or likes")
    List<Feed> feeds;

    @Option(names = "--rate", paramLabel = "R",
            description = "Events per second for each chosen feed (default: ticker 20, claps 2, likes 1).")
    Double rate;

    @Option(names = "--duration", paramLabel = "D", converter = DurationConverter.class,
            description = "How long to run, e.g. 30s, 2m (default: until Ctrl-C).")
    Duration duration;

    @Option(names = "--url", paramLabel = "URL", defaultValue = "http://localhost:8080",
            description = "The gateway (default: ${DEFAULT-VALUE}).")
    URI url;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:FANFARE_TOKEN}",
            description = "Access token for a gateway that checks them (env FANFARE_TOKEN): it must grant publishing on"
                    + " ticker/*; claps and likes then count for its sub, not for simulated users.")
    String token;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed of the random choices: the same seed sends the same sequence (and the same user ids).")
    Long seed;

    @Option(names = "--no-bursts", negatable = false,
            description = "Keep the ticker at a steady rate (default: 5x bursts of 1 s every 30 s).")
    boolean noBursts;

    @Spec
    CommandSpec spec;

    /** The feed settings the options ask for: chosen feeds at their rate, the others off. */
    DemoFeedConfig config() {
        EnumSet<Feed> chosen = EnumSet.copyOf(feeds);
        DemoFeedConfig defaults = DemoFeedConfig.defaults();
        DemoFeedConfig config = defaults
                .withTickerRate(rateFor(chosen, Feed.ticker, defaults.tickerRate()))
                .withClapRate(rateFor(chosen, Feed.claps, defaults.clapRate()))
                .withLikeRate(rateFor(chosen, Feed.likes, defaults.likeRate()));
        if (noBursts) {
            config = config.withoutBursts();
        }
        return seed == null ? config : config.withSeed(seed);
    }

    private double rateFor(EnumSet<Feed> chosen, Feed feed, double defaultRate) {
        if (!chosen.contains(feed)) {
            return 0;
        }
        return rate == null ? defaultRate : rate;
    }

    @Override
    public Integer call() throws InterruptedException {
        DemoFeedConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String chosen = EnumSet.copyOf(feeds).stream().map(Feed::name).collect(Collectors.joining(","));
        err.printf(Locale.ROOT, "produce %s to %s%s%n", chosen, url,
                duration == null ? " until Ctrl-C" : " for " + duration.toMillis() / 1000.0 + " s");
        err.flush();

        long startNanos = System.nanoTime();
        DemoFeed feed = new DemoFeed(config, new HttpFeedSink(url, REQUEST_TIMEOUT, token));
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch reported = new CountDownLatch(1);
        Thread onInterrupt = new Thread(() -> {
            stop.countDown();
            try {
                // Let the main thread print the summary before the JVM goes.
                reported.await(DRAIN_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "produce-shutdown");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        try {
            feed.start();
            if (duration == null) {
                stop.await();
            } else {
                stop.await(duration.toNanos(), TimeUnit.NANOSECONDS);
            }
            feed.close();
            boolean drained = feed.awaitIdle(DRAIN_TIMEOUT);
            DemoFeed.Stats stats = feed.stats();
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            out.printf(Locale.ROOT, "produce %s: %s in %.1f s%s%n", chosen, stats.summary(), seconds,
                    drained ? "" : " (" + stats.inFlight() + " requests still outstanding)");
            out.flush();
            return stats.failed() == 0 && drained ? 0 : 1;
        } finally {
            feed.close();
            reported.countDown();
            removeHook(onInterrupt);
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running already (Ctrl-C): nothing to remove.
        }
    }
}
