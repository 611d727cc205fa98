package dev.fanfare.bench;

import dev.fanfare.gateway.core.Timers;

/** The clock of a benchmark that holds nothing back (no max_rate, no held events): it schedules nothing. */
final class NoTimers implements Timers {

    static final NoTimers INSTANCE = new NoTimers();

    private NoTimers() {
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void schedule(Runnable task, long delayNanos) {
        throw new UnsupportedOperationException("a benchmark that holds nothing back schedules nothing");
    }
}
