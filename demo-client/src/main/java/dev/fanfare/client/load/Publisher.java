package dev.fanfare.client.load;

import dev.fanfare.client.style.ClientResources;
import dev.fanfare.client.style.GatewayAddress;
import dev.fanfare.client.style.ClientCounters;
import dev.fanfare.client.style.HttpConnection;
import dev.fanfare.client.style.HttpReply;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Publishes the run's feed at a steady rate through {@code POST /publish/<channel>}, so the number of
 * events every subscriber should get is known exactly: the ones the gateway acknowledged.
 *
 * <p>Sends on a few keep-alive connections, one request each at a time. Events fall due on a clock
 * (rate × elapsed time); when every connection is busy they wait in a backlog bounded at
 * {@link #maxBacklog} — past it an event is dropped and counted, never sent late without limit. All
 * state lives on one event loop.
 */
public final class Publisher {

    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);
    private static final long MIN_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final EventLoop loop;
    private final String target;
    private final Deque<HttpConnection> idle = new ArrayDeque<>();
    private final BitSet ackedSeqs = new BitSet();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final int maxBacklog;
    private final boolean warmup;
    /** The publisher's own traffic, kept apart from the styles' counts. */
    private final ClientCounters publishCounters = new ClientCounters();

    private double rate;
    private long total;
    private long startNanos;
    private long durationNanos;
    private long due;
    private long backlog;
    private long nextSeq;
    private int inFlight;
    private boolean ticking;
    private ScheduledFuture<?> tick;
    private volatile long acked;
    private volatile long failed;
    private volatile long dropped;
    private volatile String firstError;

    /**
     * @param connections how many requests may be in flight at once
     * @param warmup      whether its events are the warm-up's (marked so: subscribers do not count them)
     */
    public Publisher(ClientResources resources, GatewayAddress gateway, String channel, int connections, int maxBacklog,
                     boolean warmup) {
        if (connections <= 0) {
            throw new IllegalArgumentException("connections: " + connections + " (expected: > 0)");
        }
        if (maxBacklog <= 0) {
            throw new IllegalArgumentException("maxBacklog: " + maxBacklog + " (expected: > 0)");
        }
        this.loop = resources.controlLoop();
        this.target = "/publish/" + channel;
        this.maxBacklog = maxBacklog;
        this.warmup = warmup;
        for (int i = 0; i < connections; i++) {
            idle.add(new HttpConnection(resources, loop, gateway, null, publishCounters));
        }
    }

    /**
     * Enough connections for {@code rate} events/s while an acknowledgement takes up to ~100 ms (a
     * gateway busy fanning out answers slowly; a publisher short of connections would fall behind).
     */
    public static int connectionsFor(double rate) {
        return (int) Math.max(4, Math.min(64, Math.ceil(rate / 10)));
    }

    /**
     * Publishes {@code round(rate × duration)} events, spread evenly; completes when every one was
     * answered (or failed).
     */
    public CompletableFuture<Void> run(double ratePerSecond, Duration duration) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("rate: " + ratePerSecond + " (expected: > 0)");
        }
        loop.execute(() -> {
            rate = ratePerSecond;
            durationNanos = duration.toNanos();
            total = Math.round(ratePerSecond * duration.toNanos() / 1e9);
            startNanos = System.nanoTime();
            ticking = true;
            long tickNanos = Math.max(MIN_TICK_NANOS, Math.min(MAX_TICK_NANOS, (long) (1e9 / ratePerSecond)));
            tick = loop.scheduleAtFixedRate(this::onTick, 0, tickNanos, TimeUnit.NANOSECONDS);
        });
        return done;
    }

    private void onTick() {
        long elapsed = System.nanoTime() - startNanos;
        long nowDue = elapsed >= durationNanos ? total : Math.min(total, (long) (elapsed * rate / 1e9));
        for (; due < nowDue; due++) {
            if (backlog < maxBacklog) {
                backlog++;
            } else {
                dropped = dropped + 1;
            }
        }
        if (due >= total) {
            ticking = false;
            tick.cancel(false);
        }
        pump();
        checkDone();
    }

    private void pump() {
        while (backlog > 0 && !idle.isEmpty()) {
            HttpConnection connection = idle.poll();
            long seq = nextSeq++;
            backlog--;
            inFlight++;
            byte[] body = RunPayload.encode(seq, System.nanoTime(), System.currentTimeMillis(), warmup);
            connection.post(target, body, "application/json", ANSWER_TIMEOUT).reply().addListener(f -> answered(connection, seq, f));
        }
    }

    private void answered(HttpConnection connection, long seq, Future<? super HttpReply> f) {
        inFlight--;
        HttpReply reply = f.isSuccess() ? (HttpReply) f.getNow() : null;
        if (reply != null && reply.isSuccess()) {
            ackedSeqs.set((int) seq);
            acked = acked + 1;
        } else {
            failed = failed + 1;
            if (firstError == null) {
                firstError = reply != null ? reply.status() + " " + reply.bodyText() : String.valueOf(f.cause());
            }
        }
        idle.add(connection);
        pump();
        checkDone();
    }

    private void checkDone() {
        if (!ticking && backlog == 0 && inFlight == 0 && !done.isDone()) {
            idle.forEach(HttpConnection::close);
            done.complete(null);
        }
    }

    /** Events the gateway acknowledged so far: what each subscriber must receive. */
    public long acked() {
        return acked;
    }

    public long failed() {
        return failed;
    }

    public long dropped() {
        return dropped;
    }

    /** The first failure seen (status and body, or the exception), or null. */
    public String firstError() {
        return firstError;
    }

    /** Sequence numbers acknowledged; read only after {@link #run}'s future completed. */
    public BitSet ackedSeqs() {
        return ackedSeqs;
    }
}
