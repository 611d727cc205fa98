package dev.fanfare.client.report;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;

/**
 * One point of a latency distribution: {@code percentile} % of events arrived within {@code millis}.
 * Written as a two-number JSON array, {@code [percentile, millis]}, to keep result files small.
 */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@JsonPropertyOrder({"percentile", "millis"})
public record CdfPoint(double percentile, double millis) {

    /** Percentiles sampled for charts: every percent, then the tail in finer steps. */
    private static final double[] TAIL = {99.5, 99.9, 99.95, 99.99, 100};

    /** A compact CDF of a histogram of microseconds (about 100 points; empty for an empty histogram). */
    public static List<CdfPoint> ofMicros(Histogram micros) {
        List<CdfPoint> points = new ArrayList<>();
        if (micros.getTotalCount() == 0) {
            return points;
        }
        points.add(new CdfPoint(0, LatencySummary.millis(micros.getMinValue())));
        for (int p = 1; p <= 99; p++) {
            points.add(new CdfPoint(p, LatencySummary.millis(micros.getValueAtPercentile(p))));
        }
        for (double p : TAIL) {
            points.add(new CdfPoint(p, LatencySummary.millis(p == 100 ? micros.getMaxValue() : micros.getValueAtPercentile(p))));
        }
        return points;
    }
}
