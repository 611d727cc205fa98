package dev.fanfare.client.load;

import dev.fanfare.client.report.CdfPoint;
import dev.fanfare.client.report.LatencySummary;
import dev.fanfare.client.report.StyleResult;
import dev.fanfare.client.style.ClientCounters;
import dev.fanfare.client.style.ClientResources;
import dev.fanfare.client.style.Style;
import dev.fanfare.client.style.StyleClient;
import dev.fanfare.client.style.StyleClients;
import dev.fanfare.client.style.Subscription;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/** The clients of one style in a load run, with their recorders and one shared latency histogram. */
final class ClientGroup {

    private final Style style;
    private final List<StyleClient> clients = new ArrayList<>();
    private final List<DeliveryRecorder> recorders = new ArrayList<>();
    /** Microseconds; shared by the group's clients (Recorder writers are wait-free across threads). */
    private final Recorder latencyMicros = new Recorder(3);
    private long connectionsHeld;

    ClientGroup(Style style) {
        this.style = style;
    }

    Style style() {
        return style;
    }

    /** Adds a client (not started) following {@code subscription}, counting events of {@code channel}. */
    StyleClient add(ClientResources resources, Subscription subscription, String channel) {
        DeliveryRecorder recorder = new DeliveryRecorder(channel, latencyMicros);
        StyleClient client = StyleClients.create(style, resources, subscription, recorder);
        clients.add(client);
        recorders.add(recorder);
        return client;
    }

    List<StyleClient> clients() {
        return clients;
    }

    /** Distinct run events received by the least served client so far. */
    long minimumDistinct() {
        return recorders.stream().mapToLong(DeliveryRecorder::distinct).min().orElse(0);
    }

    /** Distinct run events received, summed over clients, so far. */
    long totalDistinct() {
        return recorders.stream().mapToLong(DeliveryRecorder::distinct).sum();
    }

    /** Remembers how many connections the group holds right now (call when publishing ends). */
    void sampleConnectionsHeld() {
        connectionsHeld = clients.stream().mapToLong(c -> c.counters().connectionsOpen()).sum();
    }

    /** Totals of the group; call after every client terminated. */
    StyleResult result(BitSet ackedSeqs, long acked) {
        long delivered = 0;
        for (DeliveryRecorder recorder : recorders) {
            BitSet got = (BitSet) recorder.seen().clone();
            got.and(ackedSeqs);
            delivered += got.cardinality();
        }
        ClientCounters.Snapshot sum = clients.stream().map(c -> c.counters().snapshot())
                .reduce(ClientCounters.Snapshot.ZERO, ClientCounters.Snapshot::plus);
        Histogram latency = latencyMicros.getIntervalHistogram();
        return StyleResult.of(style.cliName(), clients.size(), acked * clients.size(), delivered, sum.duplicates(),
                sum.outOfOrder(), sum.gaps(), sum.events(), sum.httpRequests(), sum.bytesReceived(), sum.bytesSent(),
                connectionsHeld, sum.connectionsOpened(), LatencySummary.ofMicros(latency), CdfPoint.ofMicros(latency));
    }
}
