package dev.fanfare.client.report;

/**
 * The network a run's clients reached the gateway through, and how they subscribed, as recorded in
 * {@code result.json}.
 *
 * @param rttMillis              round-trip time added by the shaping proxy (0: none)
 * @param jitterMillis           jitter on each one-way delay
 * @param bandwidthBitsPerSecond bandwidth cap per connection and direction (0: none)
 * @param proxy                  the nginx in front of the gateway ({@code nginx}, {@code nginx-buffering},
 *                               {@code nginx-no-upgrade}), or null
 * @param churnSeconds           every client reconnected this often, or null
 * @param maxRate                every client asked for at most this many events per second ({@code max_rate}), or
 *                               null
 * @param description            the same in words
 */
public record Conditions(double rttMillis, double jitterMillis, long bandwidthBitsPerSecond, String proxy,
                         Double churnSeconds, Integer maxRate, String description) {
}
