package dev.fanfare.client.load;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Makes every client drop its connection and reconnect every {@code every}, as phones do when they change
 * networks or wake up; each at its own phase, so they do not all come back at once.
 */
final class Churn {

    private static final Churn NONE = new Churn(List.of());

    private final List<ScheduledFuture<?>> timers;

    private Churn(List<ScheduledFuture<?>> timers) {
        this.timers = timers;
    }

    static Churn start(Duration every, EventLoop loop, List<LoadClient> clients) {
        if (every == null) {
            return NONE;
        }
        long period = every.toNanos();
        List<ScheduledFuture<?>> timers = new ArrayList<>();
        for (LoadClient client : clients) {
            long phase = ThreadLocalRandom.current().nextLong(period);
            timers.add(loop.scheduleAtFixedRate(client::reconnect, phase, period, TimeUnit.NANOSECONDS));
        }
        return new Churn(timers);
    }

    void stop() {
        timers.forEach(t -> t.cancel(false));
    }
}
