package dev.fanfare.client.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether the client itself kept up during the measured phase. When it did not, the latency it reports is
 * partly its own queueing (events waiting in its sockets for a busy loop), not the gateway's.
 *
 * @param cores            the cores this client may run on ({@code 0}, {@code 0-1}), or null when unknown
 * @param coresBusyPercent how busy those cores were, by every process (-1: unknown)
 * @param loopLagP99Millis p99 of how late the client's loops ran a task due every 10 ms
 * @param loopLagMaxMillis the worst of it
 * @param saturated        past {@link #MAX_LOOP_LAG_MILLIS} or {@link #MAX_BUSY_PERCENT}
 * @param reason           why it counts as saturated, or null
 */
public record ClientCheck(String cores, double coresBusyPercent, double loopLagP99Millis, double loopLagMaxMillis,
                          boolean saturated, String reason) {

    /** A loop this late at p99 is behind on its reads, not just busy for a moment. */
    public static final double MAX_LOOP_LAG_MILLIS = 20;
    /** Cores this busy leave the client no room to read when events arrive. */
    public static final double MAX_BUSY_PERCENT = 90;

    /** The verdict on these figures. */
    public static ClientCheck of(String cores, double coresBusyPercent, double loopLagP99Millis, double loopLagMaxMillis) {
        List<String> why = new ArrayList<>();
        if (loopLagP99Millis > MAX_LOOP_LAG_MILLIS) {
            why.add(String.format(Locale.ROOT, "its event loops ran %s ms late at p99 (limit %.0f ms)",
                    Numbers.millis(loopLagP99Millis), MAX_LOOP_LAG_MILLIS));
        }
        if (coresBusyPercent > MAX_BUSY_PERCENT) {
            why.add(String.format(Locale.ROOT, "its cores (%s) were %.0f%% busy (limit %.0f%%)", cores, coresBusyPercent,
                    MAX_BUSY_PERCENT));
        }
        return new ClientCheck(cores, coresBusyPercent, loopLagP99Millis, loopLagMaxMillis, !why.isEmpty(),
                why.isEmpty() ? null : String.join(" and ", why));
    }
}
