package dev.fanfare.client.cluster;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/** Publishes at 20 events/s on a thread of its own; a publish that was not accepted is tried again. */
final class Publisher {

    private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Callable<Boolean> publishNext;
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Thread thread;

    private Publisher(Callable<Boolean> publishNext) {
        this.publishNext = publishNext;
        this.thread = new Thread(this::run, "cluster-it-publisher");
        thread.setDaemon(true);
    }

    /** @param publishNext publishes the next number; true when it was accepted (202) */
    static Publisher start(Callable<Boolean> publishNext) {
        Publisher p = new Publisher(publishNext);
        p.thread.start();
        return p;
    }

    private void run() {
        long next = System.nanoTime();
        while (!stopping.get()) {
            try {
                if (publishNext.call()) {
                    sent.incrementAndGet();
                }
            } catch (Exception refusedOrUnreachable) {
                // tried again at the next tick
            }
            next += INTERVAL_NANOS;
            LockSupport.parkNanos(next - System.nanoTime()); // a fixed rate: nothing to wait on but the clock
        }
    }

    int sent() {
        return sent.get();
    }

    /** Stops and returns how many were accepted. */
    int stop() throws InterruptedException {
        stopping.set(true);
        thread.join(30_000);
        return sent.get();
    }
}
