package dev.fanfare.client.report;

import org.HdrHistogram.Histogram;

/**
 * Publish-to-receive latency of one style, in milliseconds (microsecond resolution).
 *
 * @param count events measured
 */
public record LatencySummary(long count, double p50Millis, double p90Millis, double p99Millis, double maxMillis,
                             double meanMillis) {

    public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0, 0);

    /** From a histogram of microseconds. */
    public static LatencySummary ofMicros(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return EMPTY;
        }
        return new LatencySummary(micros.getTotalCount(),
                millis(micros.getValueAtPercentile(50)), millis(micros.getValueAtPercentile(90)),
                millis(micros.getValueAtPercentile(99)), millis(micros.getMaxValue()),
                Math.round(micros.getMean()) / 1000.0);
    }

    static double millis(long micros) {
        return micros / 1000.0;
    }
}
