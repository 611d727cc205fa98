package dev.fanfare.client.report;

import java.util.List;

/**
 * What the clients of one style achieved in a run (sums over its clients).
 *
 * @param clients           clients of this style
 * @param expected          acknowledged publishes × clients
 * @param delivered         distinct acknowledged events received, summed over clients
 * @param missing           acknowledged events a client neither received nor, when the clients asked for a
 *                          maximum rate, had replaced by a later one it received (summed over clients)
 * @param conflated         distinct events received that came marked {@code "conflated"}
 * @param replaced          how many events those replaced, in all
 * @param endedOnLatest     clients whose last event received was the channel's latest (the last published)
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
public record StyleResult(String style, int clients, long expected, long delivered, long missing, long conflated,
                          long replaced, int endedOnLatest, long duplicates, long outOfOrder, long gaps, long events,
                          long httpRequests, long bytesReceived, long bytesSent, long connectionsHeld,
                          long connectionsOpened, Double requestsPerEvent, Double bytesPerEvent, LatencySummary latency,
                          List<CdfPoint> latencyCdf) {

    public StyleResult {
        latencyCdf = List.copyOf(latencyCdf);
    }

    /** Computes the per-event ratios from the totals. */
    public static StyleResult of(String style, int clients, long expected, long delivered, long missing,
                                 long conflated, long replaced, int endedOnLatest, long duplicates,
                                 long outOfOrder, long gaps, long events, long httpRequests, long bytesReceived,
                                 long bytesSent, long connectionsHeld, long connectionsOpened, LatencySummary latency,
                                 List<CdfPoint> latencyCdf) {
        Double requestsPerEvent = delivered == 0 ? null : (double) httpRequests / delivered;
        Double bytesPerEvent = delivered == 0 ? null : (double) bytesReceived / delivered;
        return new StyleResult(style, clients, expected, delivered, missing, conflated, replaced, endedOnLatest,
                duplicates, outOfOrder, gaps, events, httpRequests, bytesReceived, bytesSent, connectionsHeld,
                connectionsOpened, requestsPerEvent, bytesPerEvent, latency, latencyCdf);
    }

    /** Every expected event arrived (or, if that counts, was replaced by one that did), once, in order, no gap. */
    public boolean complete() {
        return missing == 0 && duplicates == 0 && outOfOrder == 0 && gaps == 0;
    }
}
