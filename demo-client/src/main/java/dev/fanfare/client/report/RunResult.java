package dev.fanfare.client.report;

import java.util.List;

/**
 * The outcome of a {@code compare} or {@code bench} run: what was published, what each style got, and
 * what it cost the gateway. Written as {@code result.json}; the HTML report is drawn from it.
 *
 * @param kind                        {@code "compare"} or {@code "bench"}
 * @param startedAt                   ISO-8601 instant
 * @param machine                     where it ran (OS, cores, Java)
 * @param publishSeconds              how long publishing took
 * @param published                   events the gateway acknowledged (each client should get them all)
 * @param publishFailures             publishes answered with an error or not at all
 * @param publishDropped              events not sent because the gateway could not keep up with the rate
 * @param gatewayPid                  the measured gateway process, or null
 * @param gatewayCpuSeconds           its CPU time while publishing and draining, or null
 * @param gatewayCpuNote              why there is no CPU figure, or null
 * @param deliveriesPerSecond         delivered events (all styles) per second of publishing
 * @param gatewayCpuMicrosPerDelivery gateway CPU per delivered event, or null
 * @param clientCpuSeconds            this process's CPU time over the same window (a saturated client
 *                                    inflates latency), or null
 * @param network                     what stood between the clients and the gateway (null in results from
 *                                    before conditions were recorded)
 */
public record RunResult(String kind, String startedAt, String machine, String gatewayUrl, String channel,
                        double ratePerSecond, double publishSeconds, long published, long publishFailures,
                        long publishDropped, Long gatewayPid, Double gatewayCpuSeconds, String gatewayCpuNote,
                        double deliveriesPerSecond, Double gatewayCpuMicrosPerDelivery, Double clientCpuSeconds,
                        List<StyleResult> styles, Conditions network, ClientCheck client) {

    public RunResult {
        styles = List.copyOf(styles);
    }

    /** Every style got every acknowledged event exactly once, in order, and nothing failed to publish. */
    public boolean complete() {
        return publishFailures == 0 && publishDropped == 0 && styles.stream().allMatch(StyleResult::complete);
    }

    public long delivered() {
        return styles.stream().mapToLong(StyleResult::delivered).sum();
    }
}
