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
 */
public record Subscription(GatewayAddress gateway, List<String> channels, String cursor, Duration pollInterval,
                           Duration longPollTimeout, InetAddress localAddress, Duration stallTimeout) {

    /** Short polling's default interval. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    /** The gateway sends the first heartbeat (or the subscribe acknowledgement) at once: a few seconds is ample. */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(8);

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
    }

    /** From the live end, default intervals, no source address. */
    public static Subscription of(GatewayAddress gateway, List<String> channels) {
        return new Subscription(gateway, channels, null, DEFAULT_POLL_INTERVAL, null, null, DEFAULT_STALL_TIMEOUT);
    }

    public Subscription withCursor(String newCursor) {
        return new Subscription(gateway, channels, newCursor, pollInterval, longPollTimeout, localAddress, stallTimeout);
    }

    public Subscription withPollInterval(Duration interval) {
        return new Subscription(gateway, channels, cursor, interval, longPollTimeout, localAddress, stallTimeout);
    }

    public Subscription withLongPollTimeout(Duration timeout) {
        return new Subscription(gateway, channels, cursor, pollInterval, timeout, localAddress, stallTimeout);
    }

    public Subscription withStallTimeout(Duration timeout) {
        return new Subscription(gateway, channels, cursor, pollInterval, longPollTimeout, localAddress, timeout);
    }

    public Subscription withLocalAddress(InetAddress address) {
        return new Subscription(gateway, channels, cursor, pollInterval, longPollTimeout, address, stallTimeout);
    }
}
