package dev.fanfare.client.report;

import java.util.Locale;

/** How figures are written in tables and reports: few digits, units people read at a glance. */
final class Numbers {

    private Numbers() {
    }

    /** Milliseconds: two decimals below 10, one below 100, none above. */
    static String millis(double ms) {
        if (ms < 10) {
            return String.format(Locale.ROOT, "%.2f", ms);
        }
        return ms < 100 ? String.format(Locale.ROOT, "%.1f", ms) : String.format(Locale.ROOT, "%.0f", ms);
    }

    /** A ratio with three significant digits; "n/a" when absent. */
    static String ratio(Double value) {
        if (value == null) {
            return "n/a";
        }
        if (value == 0) {
            return "0";
        }
        if (value >= 100) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        return new java.math.BigDecimal(value).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

    static String percent(long part, long whole) {
        return whole == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }

    /** A millisecond tick label: 0.01 ms, 1 ms, 10 s. */
    static String tickMillis(double ms) {
        if (ms >= 1000) {
            return trim(ms / 1000) + " s";
        }
        return trim(ms) + " ms";
    }

    private static String trim(double v) {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }
}
