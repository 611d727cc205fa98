package dev.fanfare.client.report;

import java.util.List;

/**
 * What the clients of one style achieved in a run (sums over its clients).
 *
 * @param clients           clients of this style
 * @param expected          acknowledged publishes × clients
 * @param delivered         distinct acknowledged events received, summed over clients
 * @param events            every event received (snapshots and duplicates included)
 * @param httpRequests      HTTP requests sent (polls; one per SSE connection or WebSocket upgrade)
 * @param bytesReceived     bytes read from the sockets, headers and framing included
 * @param bytesSent         bytes written to the sockets
 * @param connectionsHeld   connections open when publishing ended
 * @param connectionsOpened connections opened during the run
 * @param requestsPerEvent  httpRequests / delivered (null when nothing was delivered)
 * @param bytesPerEvent     bytesReceived / delivered (null when nothing was delivered)
 * @param latencyCdf        publish-to-receive latency distribution
 */
public record StyleResult(String style, int clients, long expected, long delivered, long duplicates, long outOfOrder,
                          long gaps, long events, long httpRequests, long bytesReceived, long bytesSent,
                          long connectionsHeld, long connectionsOpened, Double requestsPerEvent,
                          Double bytesPerEvent, LatencySummary latency, List<CdfPoint> latencyCdf) {

    public StyleResult {
        latencyCdf = List.copyOf(latencyCdf);
    }

    /** Computes the per-event ratios from the totals. */
    public static StyleResult of(String style, int clients, long expected, long delivered, long duplicates,
                                 long outOfOrder, long gaps, long events, long httpRequests, long bytesReceived,
                                 long bytesSent, long connectionsHeld, long connectionsOpened, LatencySummary latency,
                                 List<CdfPoint> latencyCdf) {
        Double requestsPerEvent = delivered == 0 ? null : (double) httpRequests / delivered;
        Double bytesPerEvent = delivered == 0 ? null : (double) bytesReceived / delivered;
        return new StyleResult(style, clients, expected, delivered, duplicates, outOfOrder, gaps, events, httpRequests,
                bytesReceived, bytesSent, connectionsHeld, connectionsOpened, requestsPerEvent, bytesPerEvent, latency,
                latencyCdf);
    }

    /** Every expected event arrived, none twice, none out of order, no gap. */
    public boolean complete() {
        return delivered == expected && duplicates == 0 && outOfOrder == 0 && gaps == 0;
    }
}
