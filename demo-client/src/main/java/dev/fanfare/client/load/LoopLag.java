package dev.fanfare.client.load;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How late the client's event loops run a task due every {@link #PERIOD_MILLIS} ms: a loop that is
 * behind on its reads runs it late, and every event it reads meanwhile is stamped late by as much. So
 * lag is the client's own queueing, which a publish-to-receive latency would otherwise show as the
 * gateway's.
 */
final class LoopLag implements AutoCloseable {

    static final long PERIOD_MILLIS = 10;

    private final Recorder lagMicros = new Recorder(3);
    private final List<ScheduledFuture<?>> probes = new ArrayList<>();

    private LoopLag() {
    }

    /** Probes every loop in {@code loops} from now on. */
    static LoopLag watch(Iterable<EventLoop> loops) {
        LoopLag lag = new LoopLag();
        long periodNanos = TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS);
        for (EventLoop loop : loops) {
            long first = System.nanoTime() + periodNanos;
            long[] runs = {0};
            lag.probes.add(loop.scheduleAtFixedRate(() -> {
                long due = first + runs[0]++ * periodNanos;
                lag.lagMicros.recordValue(Math.max(0, (System.nanoTime() - due) / 1_000));
            }, periodNanos, periodNanos, TimeUnit.NANOSECONDS));
        }
        return lag;
    }

    /** Forgets what was recorded so far (the warm-up's). */
    void reset() {
        lagMicros.getIntervalHistogram();
    }

    /** What was recorded since the last {@link #reset}, in microseconds. */
    Histogram sinceReset() {
        return lagMicros.getIntervalHistogram();
    }

    @Override
    public void close() {
        probes.forEach(p -> p.cancel(false));
    }
}
