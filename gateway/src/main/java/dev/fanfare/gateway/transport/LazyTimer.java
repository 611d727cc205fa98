package dev.fanfare.gateway.transport;

import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A timer for a deadline that moves often and rarely passes: a connection's idle and request limits,
 * the timeout of the long poll parked on it. Setting or clearing it is a few field writes; one check
 * is scheduled at a time, and a check that runs before the deadline schedules itself again for what
 * is left. (Scheduling and cancelling a Netty task per move costs a task and two operations on the
 * loop's timer heap each time: {@code ScheduledFutureTask.cancel} alone was 2.6 % of a node's CPU
 * under long polling, three moves per poll.)
 *
 * <p>Loop-confined: every method runs on {@code loop}.
 */
final class LazyTimer {

    private final EventExecutor loop;
    /** The loop's own clock, the one its scheduled tasks run by (a test's loop may move it). */
    private final Ticker clock;
    private final Runnable onExpiry;
    private final Runnable check = this::check;
    /** When it expires, by {@link #clock}; meaningful while {@link #armed}. */
    private long deadline;
    private boolean armed;
    private ScheduledFuture<?> scheduled;
    private long scheduledAt;

    LazyTimer(EventExecutor loop, Runnable onExpiry) {
        this.loop = loop;
        this.clock = loop instanceof AbstractScheduledEventExecutor s ? s.ticker() : Ticker.systemTicker();
        this.onExpiry = onExpiry;
    }

    /** Expires {@code nanos} from now, in place of whatever it was set to. */
    void setIn(long nanos) {
        long at = clock.nanoTime() + nanos;
        deadline = at;
        armed = true;
        if (scheduled == null || scheduledAt - at > 0) { // none yet, or one that would come too late
            if (scheduled != null) {
                scheduled.cancel(false);
            }
            schedule(at, nanos);
        }
    }

    /** Does not expire (a check already scheduled finds nothing to do, and schedules no other). */
    void clear() {
        armed = false;
    }

    /** Does not expire, and lets go of the check scheduled: the connection is gone. */
    void stop() {
        armed = false;
        if (scheduled != null) {
            scheduled.cancel(false);
            scheduled = null;
        }
    }

    boolean armed() {
        return armed;
    }

    private void schedule(long at, long nanos) {
        scheduledAt = at;
        scheduled = loop.schedule(check, Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    private void check() {
        scheduled = null;
        if (!armed) {
            return;
        }
        long left = deadline - clock.nanoTime();
        if (left > 0) {
            schedule(deadline, left);
        } else {
            armed = false;
            onExpiry.run();
        }
    }
}
