package dev.fanfare.client.style;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a client follows and how: immutable, shared by the four styles (each reads what concerns it).
 *
 * @param gateway          where the gateway listens
 * @param channels         channels to follow ({@code stream/key} or {@code stream/*}), at least one
 * @param cursor           where to start ({@code null}: at the live end, with snapshots)
 * @param pollInterval     short polling: time between the starts of two polls
 * @param longPollTimeout  long polling: the {@code timeout} asked of the server ({@code null}: its default)
 * @param localAddress     source address to bind ({@code null}: the kernel's choice)
 * @param stallTimeout     a stream (SSE, WebSocket) that opened but delivered nothing, not even its first
 *                         heartbeat or acknowledgement, for this long does not work here (a buffering proxy)
 * @param maxRate          at most this many events per second per channel, the latest winning (the gateway's
 *                         {@code max_rate}, 1..1000); 0: no limit
 */
public record Subscription(GatewayAddress gateway, List<String> channels, String cursor, Duration pollInterval,
                           Duration longPollTimeout, InetAddress localAddress, Duration stallTimeout, int maxRate) {

    /** Short polling's default interval. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    /** The gateway sends the first heartbeat (or the subscribe acknowledgement) at once: a few seconds is ample. */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(8);
    /** The gateway's bound on {@code max_rate}. */
    public static final int MAX_RATE_LIMIT = 1000;

    public Subscription {
        Objects.requireNonNull(gateway, "gateway");
        channels = List.copyOf(channels);
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("channels: [] (expected: at least one channel)");
        }
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval: " + pollInterval + " (expected: > 0)");
        }
        if (longPollTimeout != null && (longPollTimeout.isNegative() || longPollTimeout.toSeconds() < 1)) {
            throw new IllegalArgumentException("longPollTimeout: " + longPollTimeout + " (expected: >= 1 s)");
        }
        Objects.requireNonNull(stallTimeout, "stallTimeout");
        if (stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("stallTimeout: " + stallTimeout + " (expected: > 0)");
        }
        if (maxRate < 0 || maxRate > MAX_RATE_LIMIT) {
            throw new IllegalArgumentException("maxRate: " + maxRate + " (expected: 1.." + MAX_RATE_LIMIT
                    + ", or 0 for no limit)");
        }
    }

    /** From the live end, default intervals, no source address. */
    public static Subscription of(GatewayAddress gateway, List<String> channels) {
        return new Subscription(gateway, channels, null, DEFAULT_POLL_INTERVAL, null, null, DEFAULT_STALL_TIMEOUT, 0);
    }

    public Subscription withCursor(String newCursor) {
        return new Subscription(gateway, channels, newCursor, pollInterval, longPollTimeout, localAddress, stallTimeout,
                maxRate);
    }

    public Subscription withPollInterval(Duration interval) {
        return new Subscription(gateway, channels, cursor, interval, longPollTimeout, localAddress, stallTimeout,
                maxRate);
    }

    public Subscription withLongPollTimeout(Duration timeout) {
        return new Subscription(gateway, channels, cursor, pollInterval, timeout, localAddress, stallTimeout, maxRate);
    }

    public Subscription withStallTimeout(Duration timeout) {
        return new Subscription(gateway, channels, cursor, pollInterval, longPollTimeout, localAddress, timeout,
                maxRate);
    }

    public Subscription withLocalAddress(InetAddress address) {
        return new Subscription(gateway, channels, cursor, pollInterval, longPollTimeout, address, stallTimeout,
                maxRate);
    }

    /** At most {@code rate} events per second per channel (0: no limit). */
    public Subscription withMaxRate(int rate) {
        return new Subscription(gateway, channels, cursor, pollInterval, longPollTimeout, localAddress, stallTimeout,
                rate);
    }

    /** The {@code max_rate} query parameter's value, or null for none. */
    String maxRateParam() {
        return maxRate == 0 ? null : Integer.toString(maxRate);
    }
}
