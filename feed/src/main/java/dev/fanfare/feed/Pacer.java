package dev.fanfare.feed;

/**
 * Says how many events are due at a given moment for a steady rate with periodic bursts. It integrates the rate over
 * the elapsed time instead of counting scheduler wake-ups, so late or irregular wake-ups neither drift nor lose events.
 *
 * <p>Bursts: from {@code period} on, every {@code period} the rate is multiplied by {@code factor} for {@code length}.
 *
 * <p>When the caller falls behind by more than a second's worth of events (a long GC pause, a suspended laptop), the
 * excess is not sent in one flood: it is written off and counted in {@link #lagged()}. Not thread-safe: one owner.
 */
final class Pacer {

    private static final double NANOS_PER_SECOND = 1e9;

    private final double ratePerSecond;
    private final double factor;
    private final long periodNanos;
    private final long lengthNanos;
    private long accounted;
    private long lagged;

    Pacer(double ratePerSecond, double factor, long periodNanos, long lengthNanos) {
        this.ratePerSecond = ratePerSecond;
        this.factor = factor;
        this.periodNanos = periodNanos;
        this.lengthNanos = lengthNanos;
    }

    /** A steady rate without bursts. */
    static Pacer steady(double ratePerSecond) {
        return new Pacer(ratePerSecond, 1, 1, 0);
    }

    /** Events to send now, {@code elapsedNanos} after the start; never negative, never more than a second's worth. */
    long due(long elapsedNanos) {
        long owed = (long) Math.floor(expectedBy(elapsedNanos)) - accounted;
        if (owed <= 0) {
            return 0;
        }
        long cap = Math.max(1, (long) Math.ceil(ratePerSecond * multiplierAt(elapsedNanos)));
        long send = Math.min(owed, cap);
        lagged += owed - send;
        accounted += owed;
        return send;
    }

    /** Events written off because the caller fell more than a second behind. */
    long lagged() {
        return lagged;
    }

    /** Whether a burst is running {@code elapsedNanos} after the start. */
    boolean inBurst(long elapsedNanos) {
        return factor > 1 && elapsedNanos >= periodNanos && elapsedNanos % periodNanos < lengthNanos;
    }

    /** The exact number of events owed by {@code elapsedNanos}: the integral of the rate. */
    double expectedBy(long elapsedNanos) {
        double seconds = elapsedNanos / NANOS_PER_SECOND;
        double burstSeconds = factor > 1 ? burstNanosBy(elapsedNanos) / NANOS_PER_SECOND : 0;
        return ratePerSecond * (seconds + (factor - 1) * burstSeconds);
    }

    private double multiplierAt(long elapsedNanos) {
        return inBurst(elapsedNanos) ? factor : 1;
    }

    /** Time spent in bursts by {@code t}: windows {@code [k*period, k*period + length)} for k >= 1. */
    private long burstNanosBy(long t) {
        long periods = t / periodNanos;
        long intoPeriod = t - periods * periodNanos;
        // Count the window of every period including k = 0, then take the k = 0 window out again.
        return periods * lengthNanos + Math.min(intoPeriod, lengthNanos) - Math.min(t, lengthNanos);
    }
}
