package dev.fanfare.feed;

import java.time.Duration;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulated live traffic for the demo: a stock ticker (random-walk quotes on {@code ticker/<symbol>} at a steady rate
 * with periodic bursts) and simulated users clapping for and liking a handful of posts, all sent to a {@link FeedSink}.
 *
 * <p>Threading: everything runs on one scheduler thread of its own that wakes every {@value #STEP_MILLIS} ms and sends
 * what the rates say is due by then (see {@link Pacer}). It never waits for the sink: sends are asynchronous and their
 * completions come back through a queue that the scheduler thread drains, so the simulated users' state has one owner.
 *
 * <p>Back-pressure: at most {@link DemoFeedConfig#maxInFlight()} sends are outstanding. When that many are, new
 * ticks, claps and likes are <em>skipped</em> (not queued) and counted in {@link Stats#skipped()}, so a slow or absent
 * gateway costs the feed neither memory nor a backlog flood when it comes back. Events owed while the scheduler itself
 * was more than a second behind are written off and counted as skipped too. The completion queue is bounded by the
 * in-flight limit, since each send settles once.
 *
 * <p>With the same {@link DemoFeedConfig#seed()}, the same sequence of {@link #step(long)} times and a sink that
 * settles the same way, the feed sends exactly the same actions: tests drive it with a simulated clock.
 */
public final class DemoFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoFeed.class);

    static final long STEP_MILLIS = 10;
    private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final DemoFeedConfig config;
    private final FeedSink sink;
    private final TickerModel ticker;
    private final Audience audience;
    private final Pacer tickerPacer;
    private final Pacer clapPacer;
    private final Pacer likePacer;
    /** Completions handed back from the sink's threads to the scheduler thread; at most maxInFlight entries. */
    private final Queue<Runnable> settlements = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final Object idle = new Object();
    private volatile String lastFailure;

    private ScheduledExecutorService scheduler;
    private long originNanos = Long.MIN_VALUE;
    private long lastFailureLogNanos;
    private long failuresLogged;

    /** A feed that sends nothing until {@link #start()}. */
    public DemoFeed(DemoFeedConfig config, FeedSink sink) {
        this.config = config;
        this.sink = sink;
        Random random = new Random(config.seed());
        this.ticker = new TickerModel(config.symbols(), random);
        this.audience = new Audience(config.posts(), config.users(), config.clapCapPerUser(), random);
        this.tickerPacer = new Pacer(config.tickerRate(), config.burstFactor(), config.burstEvery().toNanos(),
                config.burstLength().toNanos());
        this.clapPacer = Pacer.steady(config.clapRate());
        this.likePacer = Pacer.steady(config.likeRate());
    }

    /** Starts sending on the feed's own thread. Calling it again does nothing. */
    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "fanfare-demo-feed");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleAtFixedRate(this::stepNow, 0, STEP_MILLIS, TimeUnit.MILLISECONDS);
        LOG.info("Demo feed started: {} ticker events/s over {} symbols (x{} bursts), {} claps/s and {} likes/s on {}",
                config.tickerRate(), config.symbols().size(), config.burstFactor(), config.clapRate(),
                config.likeRate(), config.posts());
    }

    private void stepNow() {
        try {
            step(System.nanoTime());
        } catch (RuntimeException e) {
            // An exception would silently cancel the schedule; log it and keep the feed alive.
            LOG.warn("Demo feed step failed", e);
        }
    }

    /**
     * Sends what is due at {@code nowNanos} (any monotonic clock; the first call sets the start). Called by the
     * scheduler thread, or directly by tests with a simulated clock; never concurrently.
     */
    void step(long nowNanos) {
        if (originNanos == Long.MIN_VALUE) {
            originNanos = nowNanos;
        }
        long elapsed = nowNanos - originNanos;
        for (Runnable settlement; (settlement = settlements.poll()) != null; ) {
            settlement.run();
        }
        for (long n = tickerPacer.due(elapsed); n > 0; n--) {
            if (admit()) {
                TickerModel.Quote quote = ticker.next();
                send(() -> sink.tick(quote.symbol(), quote.toJson()), accepted -> { });
            }
        }
        for (long n = clapPacer.due(elapsed); n > 0; n--) {
            if (admit()) {
                Audience.Clap clap = audience.nextClap();
                send(() -> sink.clap(audience.post(clap.post()), clap.user().id, clap.count()), accepted -> {
                    if (!accepted) {
                        audience.clapRefused(clap);
                    }
                });
            }
        }
        for (long n = likePacer.due(elapsed); n > 0; n--) {
            if (admit()) {
                Audience.Like toggle = audience.nextLike();
                if (toggle == null) {
                    // Every pair tried is still waiting for its previous toggle: nothing sensible to send now.
                    inFlight.decrementAndGet();
                    skipped.incrementAndGet();
                    continue;
                }
                send(() -> sink.like(audience.post(toggle.post()), toggle.user().id, toggle.like()),
                        accepted -> audience.likeSettled(toggle, accepted));
            }
        }
        logFailures(nowNanos);
    }

    /** Takes an in-flight slot, or counts a skip when all are taken. */
    private boolean admit() {
        if (inFlight.incrementAndGet() > config.maxInFlight()) {
            inFlight.decrementAndGet();
            skipped.incrementAndGet();
            return false;
        }
        return true;
    }

    /** Starts a send holding an admitted slot; {@code settle} runs later on the scheduler thread. */
    private void send(Supplier<CompletionStage<?>> action, Consumer<Boolean> settle) {
        CompletionStage<?> stage;
        try {
            stage = action.get();
        } catch (RuntimeException e) {
            settled(e, settle);
            return;
        }
        stage.whenComplete((ignored, error) -> settled(error, settle));
    }

    private void settled(Throwable error, Consumer<Boolean> settle) {
        boolean accepted = error == null;
        if (accepted) {
            sent.incrementAndGet();
        } else {
            failed.incrementAndGet();
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            lastFailure = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        }
        settlements.add(() -> settle.accept(accepted));
        if (inFlight.decrementAndGet() == 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    private void logFailures(long nowNanos) {
        long failures = failed.get();
        if (failures > failuresLogged && nowNanos - lastFailureLogNanos >= FAILURE_LOG_INTERVAL_NANOS) {
            LOG.warn("Demo feed: {} sends failed in all; the latest: {}", failures, lastFailure);
            failuresLogged = failures;
            lastFailureLogNanos = nowNanos;
        }
    }

    /** The counts so far. */
    public Stats stats() {
        return new Stats(sent.get(), failed.get(),
                skipped.get() + tickerPacer.lagged() + clapPacer.lagged() + likePacer.lagged(),
                inFlight.get(), lastFailure);
    }

    /**
     * Waits until no send is outstanding, at most {@code timeout}; true if none is. Use after {@link #close()} for
     * final counts.
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            for (long left = timeout.toNanos(); inFlight.get() > 0; left = deadline - System.nanoTime()) {
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
        }
        return true;
    }

    /** Stops sending; sends already started still complete. Returns once the scheduler thread has stopped. */
    @Override
    public void close() {
        ScheduledExecutorService stopping;
        synchronized (this) {
            stopping = scheduler;
        }
        if (stopping == null) {
            return;
        }
        stopping.shutdownNow();
        try {
            if (!stopping.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("Demo feed thread did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What the feed did.
     *
     * @param sent        sends the gateway accepted
     * @param failed      sends the gateway refused or that could not reach it
     * @param skipped     events not sent because too many sends were outstanding or the feed fell behind
     * @param inFlight    sends outstanding now
     * @param lastFailure the latest failure's message, or null if none failed
     */
    public record Stats(long sent, long failed, long skipped, long inFlight, String lastFailure) {

        /** {@code sent=120 failed=0 skipped=3}. */
        public String summary() {
            return "sent=" + sent + " failed=" + failed + " skipped=" + skipped
                    + (lastFailure == null ? "" : " (latest failure: " + lastFailure + ")");
        }
    }
}
