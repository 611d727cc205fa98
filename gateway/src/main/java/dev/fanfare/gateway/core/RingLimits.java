package dev.fanfare.gateway.core;

/**
 * Bounds of the per-channel rings of recent events.
 *
 * @param maxBytes    all rings together; past it the oldest event of the node is dropped
 * @param maxEvents   all rings together, by count
 * @param perChannel  events kept per channel; past it the channel's oldest is dropped
 * @param maxChannels channels with a ring; past it empty rings are forgotten
 */
public record RingLimits(long maxBytes, int maxEvents, int perChannel, int maxChannels) {

    public static final RingLimits DEFAULT = new RingLimits(64L << 20, 200_000, 256, 100_000);

    public RingLimits {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: > 0)");
        }
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents: " + maxEvents + " (expected: > 0)");
        }
        if (perChannel < 1) {
            throw new IllegalArgumentException("perChannel: " + perChannel + " (expected: > 0)");
        }
        if (maxChannels < 1) {
            throw new IllegalArgumentException("maxChannels: " + maxChannels + " (expected: > 0)");
        }
    }
}
