package dev.fanfare.gateway.core;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** A shard's clock and its way to run something later on its own loop (rate limits, held events). */
public interface Timers {

    long nanoTime();

    /** Runs {@code task} on the shard's loop after {@code delayNanos}. */
    void schedule(Runnable task, long delayNanos);

    /** The timers of a loop that can schedule (every Netty event loop can). */
    static Timers of(Executor loop) {
        if (!(loop instanceof ScheduledExecutorService scheduler)) {
            throw new IllegalArgumentException("loop: " + loop + " (expected: a ScheduledExecutorService, such as an event loop)");
        }
        return new Timers() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void schedule(Runnable task, long delayNanos) {
                scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            }
        };
    }
}
