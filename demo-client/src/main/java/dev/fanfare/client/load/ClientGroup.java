package dev.fanfare.client.load;

import dev.fanfare.client.report.CdfPoint;
import dev.fanfare.client.report.LatencySummary;
import dev.fanfare.client.report.StyleResult;
import dev.fanfare.client.style.ClientCounters;
import dev.fanfare.client.style.ClientResources;
import dev.fanfare.client.style.Style;
import dev.fanfare.client.style.StyleClients;
import dev.fanfare.client.style.Subscription;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The clients of one style in a load run, with their recorders and one shared latency histogram. SSE and WebSocket
 * clients are lean receivers when the plan says so, style clients otherwise.
 */
final class ClientGroup {

    private final Style style;
    private final boolean countReplaced;
    private final boolean lean;
    private final List<LoadClient> clients = new ArrayList<>();
    private final List<DeliveryRecorder> recorders = new ArrayList<>();
    /** Microseconds; shared by the group's clients (Recorder writers are wait-free across threads). */
    private final Recorder latencyMicros = new Recorder(3);
    private long connectionsHeld;

    /**
     * @param countReplaced whether events the gateway replaced by a later one count as accounted for (the clients
     *                      asked for a maximum rate), not as missing
     * @param receiver      what reads the connections of SSE and WebSocket clients
     */
    ClientGroup(Style style, boolean countReplaced, LoadPlan.Receiver receiver) {
        this.style = style;
        this.countReplaced = countReplaced;
        this.lean = receiver == LoadPlan.Receiver.LEAN && LeanReceiver.supports(style);
    }

    Style style() {
        return style;
    }

    /** Adds a client (not started) following {@code subscription}, counting events of {@code channel}. */
    LoadClient add(ClientResources resources, Subscription subscription, String channel) {
        DeliveryRecorder recorder = new DeliveryRecorder(channel, latencyMicros, countReplaced);
        LoadClient client = lean ? LeanReceiver.create(style, resources.nextLoop(), subscription, recorder)
                : LoadClient.of(StyleClients.create(style, resources, subscription, recorder));
        clients.add(client);
        recorders.add(recorder);
        return client;
    }

    List<LoadClient> clients() {
        return clients;
    }

    /** Run events accounted for (received, or replaced if that counts) by the least served client so far. */
    long minimumAccounted() {
        return recorders.stream().mapToLong(DeliveryRecorder::accounted).min().orElse(0);
    }

    /** Events (of any kind) the least served client has received so far. */
    long minimumEvents() {
        return clients.stream().mapToLong(c -> c.counters().events()).min().orElse(0);
    }

    /** Run events accounted for, summed over clients, so far. */
    long totalAccounted() {
        return recorders.stream().mapToLong(DeliveryRecorder::accounted).sum();
    }

    /** Remembers how many connections the group holds right now (call when publishing ends). */
    void sampleConnectionsHeld() {
        connectionsHeld = clients.stream().mapToLong(c -> c.counters().connectionsOpen()).sum();
    }

    /**
     * Totals of the group; call after every client terminated.
     *
     * @param latestSeq the sequence number of the channel's latest event (the last published), or -1
     */
    StyleResult result(BitSet ackedSeqs, long acked, long latestSeq) {
        long delivered = 0;
        long missing = 0;
        long conflated = 0;
        long replaced = 0;
        int endedOnLatest = 0;
        for (DeliveryRecorder recorder : recorders) {
            delivered += recorder.delivered(ackedSeqs);
            missing += recorder.missing(ackedSeqs, acked);
            conflated += recorder.conflated();
            replaced += recorder.replaced();
            if (latestSeq >= 0 && recorder.lastSeq() == latestSeq) {
                endedOnLatest++;
            }
        }
        ClientCounters.Snapshot sum = clients.stream().map(LoadClient::counters)
                .reduce(ClientCounters.Snapshot.ZERO, ClientCounters.Snapshot::plus);
        Histogram latency = latencyMicros.getIntervalHistogram();
        return StyleResult.of(style.cliName(), clients.size(), acked * clients.size(), delivered, missing, conflated,
                replaced, endedOnLatest, sum.duplicates(), sum.outOfOrder(), sum.gaps(), sum.events(),
                sum.httpRequests(), sum.bytesReceived(), sum.bytesSent(), connectionsHeld, sum.connectionsOpened(),
                LatencySummary.ofMicros(latency), CdfPoint.ofMicros(latency));
    }
}
