package dev.fanfare.client.style;

/**
 * What one client saw: events (and how many the gateway conflated), requests, bytes on the wire, connections and
 * delivery faults.
 *
 * <p>Single writer: every update comes from the client's own event loop (its channels, timers and
 * listener all run there), so a plain volatile read-increment-write is exact; the fields are volatile
 * so progress readers on other threads see fresh values.
 */
public final class ClientCounters {

    private volatile long events;
    private volatile long snapshots;
    private volatile long conflated;
    private volatile long replaced;
    private volatile long gaps;
    private volatile long duplicates;
    private volatile long outOfOrder;
    private volatile long malformed;
    private volatile long httpRequests;
    private volatile long bytesReceived;
    private volatile long bytesSent;
    private volatile long connectionsOpened;
    private volatile long connectionsOpen;

    /**
     * @param replacedByIt the event's {@code "conflated"} count: how many earlier events of its channel it replaced
     */
    void eventReceived(boolean snapshot, long replacedByIt) {
        events = events + 1;
        if (snapshot) {
            snapshots = snapshots + 1;
        }
        if (replacedByIt > 0) {
            conflated = conflated + 1;
            replaced = replaced + replacedByIt;
        }
    }

    void gapReceived() {
        gaps = gaps + 1;
    }

    void duplicateReceived() {
        duplicates = duplicates + 1;
    }

    void outOfOrderReceived() {
        outOfOrder = outOfOrder + 1;
    }

    void malformedReceived() {
        malformed = malformed + 1;
    }

    void httpRequestSent() {
        httpRequests = httpRequests + 1;
    }

    void bytesReceived(long n) {
        bytesReceived = bytesReceived + n;
    }

    void bytesSent(long n) {
        bytesSent = bytesSent + n;
    }

    void connectionOpened() {
        connectionsOpened = connectionsOpened + 1;
        connectionsOpen = connectionsOpen + 1;
    }

    void connectionClosed() {
        connectionsOpen = connectionsOpen - 1;
    }

    public long events() {
        return events;
    }

    public long connectionsOpen() {
        return connectionsOpen;
    }

    /** Events the gateway replaced by a later one of their channel, which came marked with their number. */
    public long replaced() {
        return replaced;
    }

    /** A consistent-enough copy for reports (each field read once). */
    public Snapshot snapshot() {
        return new Snapshot(events, snapshots, conflated, replaced, gaps, duplicates, outOfOrder, malformed,
                httpRequests, bytesReceived, bytesSent, connectionsOpened, connectionsOpen);
    }

    /**
     * Counter values at one moment; {@link #plus} sums clients of a group.
     *
     * @param conflated events that came marked {@code "conflated"}: each replaced earlier ones of its channel
     * @param replaced  how many events those replaced, in all
     */
    public record Snapshot(long events, long snapshots, long conflated, long replaced, long gaps, long duplicates,
                           long outOfOrder, long malformed, long httpRequests, long bytesReceived, long bytesSent,
                           long connectionsOpened, long connectionsOpen) {

        public static final Snapshot ZERO = new Snapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        public Snapshot plus(Snapshot o) {
            return new Snapshot(events + o.events, snapshots + o.snapshots, conflated + o.conflated,
                    replaced + o.replaced, gaps + o.gaps,
                    duplicates + o.duplicates, outOfOrder + o.outOfOrder, malformed + o.malformed,
                    httpRequests + o.httpRequests, bytesReceived + o.bytesReceived, bytesSent + o.bytesSent,
                    connectionsOpened + o.connectionsOpened, connectionsOpen + o.connectionsOpen);
        }
    }
}
