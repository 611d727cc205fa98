package dev.fanfare.client.network;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a {@link ShapingProxy} does to the bytes between the clients and the gateway, what {@code netem} would do
 * in the kernel: a round-trip time (half of it each way), jitter on top of each one-way delay, and a bandwidth
 * cap per connection and direction.
 *
 * @param rtt                 round-trip time added ({@code ZERO}: none)
 * @param jitter              each one-way delay varies uniformly by up to this much either way (never below zero,
 *                            and never reordering bytes: TCP delivers in order)
 * @param bitsPerSecond       bandwidth per connection and direction; 0: unlimited
 */
public record LinkShape(Duration rtt, Duration jitter, long bitsPerSecond) {

    public static final LinkShape NONE = new LinkShape(Duration.ZERO, Duration.ZERO, 0);

    private static final Pattern BANDWIDTH = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmg]?)(bit|bps|b)?",
            Pattern.CASE_INSENSITIVE);

    public LinkShape {
        Objects.requireNonNull(rtt, "rtt");
        Objects.requireNonNull(jitter, "jitter");
        if (rtt.isNegative()) {
            throw new IllegalArgumentException("rtt: " + rtt + " (expected: >= 0)");
        }
        if (jitter.isNegative()) {
            throw new IllegalArgumentException("jitter: " + jitter + " (expected: >= 0)");
        }
        if (bitsPerSecond < 0) {
            throw new IllegalArgumentException("bandwidth: " + bitsPerSecond + " bit/s (expected: >= 0, 0 for unlimited)");
        }
    }

    /** True when the proxy would change nothing (no delay, no jitter, no cap). */
    public boolean isNone() {
        return rtt.isZero() && jitter.isZero() && bitsPerSecond == 0;
    }

    public Duration oneWay() {
        return rtt.dividedBy(2);
    }

    public LinkShape withRtt(Duration value) {
        return new LinkShape(value, jitter, bitsPerSecond);
    }

    /**
     * Parses a bandwidth as tc writes it: {@code 2mbit}, {@code 500kbit}, {@code 1gbit}, {@code 64000} (bit/s);
     * {@code 0} or {@code unlimited} for none. Decimal prefixes, as tc's.
     */
    public static long parseBandwidth(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("unlimited") || t.equals("0")) {
            return 0;
        }
        Matcher m = BANDWIDTH.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("bandwidth: " + text + " (expected: e.g. 2mbit, 500kbit, 64000)");
        }
        double value = Double.parseDouble(m.group(1));
        double factor = switch (m.group(2)) {
            case "k" -> 1e3;
            case "m" -> 1e6;
            case "g" -> 1e9;
            default -> 1;
        };
        // "bps" and "b" are bytes per second in tc; "bit" and no unit are bits
        double bits = value * factor * ("bps".equals(m.group(3)) || "b".equals(m.group(3)) ? 8 : 1);
        if (bits < 1) {
            throw new IllegalArgumentException("bandwidth: " + text + " (expected: at least 1 bit/s, or 0 for unlimited)");
        }
        return (long) bits;
    }

    /** {@code rtt 100 ms, jitter 10 ms, 2 Mbit/s}, for reports. */
    public String describe() {
        if (isNone()) {
            return "no added delay";
        }
        String bw = bitsPerSecond == 0 ? "unlimited bandwidth"
                : bitsPerSecond >= 1_000_000 ? trim(bitsPerSecond / 1e6) + " Mbit/s" : trim(bitsPerSecond / 1e3) + " kbit/s";
        return "rtt " + rtt.toMillis() + " ms, jitter " + jitter.toMillis() + " ms, " + bw;
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
