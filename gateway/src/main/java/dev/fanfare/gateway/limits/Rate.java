package dev.fanfare.gateway.limits;

import java.util.Locale;

/**
 * A rate limit as a token bucket: {@code perSecond} on average, bursts of up to {@code burst}.
 * {@link #OFF} (0) takes everything.
 */
public record Rate(double perSecond, int burst) {

    public static final Rate OFF = new Rate(0, 0);

    public Rate {
        if (!(perSecond >= 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("rate: " + perSecond + " (expected: >= 0 per second; 0 turns it off)");
        }
        if (perSecond > 0 && burst < 1) {
            throw new IllegalArgumentException("burst: " + burst + " (expected: >= 1)");
        }
    }

    /** {@code n} per second, bursts of {@code 2n} (at least 1). */
    public static Rate perSecond(double n) {
        return n == 0 ? OFF : new Rate(n, (int) Math.max(1, Math.ceil(2 * n)));
    }

    /**
     * {@code "20"} (20 per second, bursts of 40), {@code "20:100"} (bursts of 100), {@code "0.5"}
     * or {@code "0"} (off), as options give it.
     */
    public static Rate parse(String text) {
        String t = text.strip();
        int colon = t.indexOf(':');
        try {
            double n = Double.parseDouble(colon < 0 ? t : t.substring(0, colon));
            return colon < 0 ? perSecond(n) : n == 0 ? OFF : new Rate(n, Integer.parseInt(t.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("rate: '" + text + "' (expected: N per second, or N:BURST, e.g. 20:40; 0: off)");
        }
    }

    public boolean enabled() {
        return perSecond > 0;
    }

    @Override
    public String toString() {
        if (!enabled()) {
            return "off";
        }
        String n = perSecond == Math.rint(perSecond) ? Long.toString((long) perSecond) : String.format(Locale.ROOT, "%s", perSecond);
        return n + " per second, bursts of " + burst;
    }
}
