package dev.fanfare.client.load;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanfare.client.style.StreamListener;
import org.HdrHistogram.Recorder;

import java.util.BitSet;

/**
 * Listener of one load-run client: recognises the run's own events ({@code data.seq},
 * {@code data.sentNanos}), remembers which sequence numbers arrived, how many events those that came
 * marked {@code "conflated"} replaced, and which came last, and records publish-to-receive latency of
 * each first delivery into the group's shared histogram. A style client hands it envelopes
 * ({@link #onEvent}); a lean receiver the fields it scanned ({@link #record}).
 *
 * <p>Called only on the client's event loop; {@link #delivered} and {@link #missing} are read after the
 * client terminated.
 */
final class DeliveryRecorder implements StreamListener {

    private final String channel;
    private final Recorder latencyMicros;
    private final boolean countReplaced;
    private final BitSet seen = new BitSet();
    private volatile int distinct;
    private volatile long conflated;
    private volatile long replaced;
    private volatile long lastSeq = -1;

    /**
     * @param countReplaced whether an event replaced by one received counts as accounted for, not missing: the
     *                      clients asked for a maximum rate, so the gateway conflates by design
     */
    DeliveryRecorder(String channel, Recorder latencyMicros, boolean countReplaced) {
        this.channel = channel;
        this.latencyMicros = latencyMicros;
        this.countReplaced = countReplaced;
    }

    @Override
    public void onEvent(JsonNode envelope, long receivedNanos) {
        if (!channel.equals(envelope.path("channel").asText())) {
            return;
        }
        JsonNode data = envelope.get("data");
        if (data == null || data.has(RunPayload.WARMUP)) {
            return;
        }
        long seq = data.path(RunPayload.SEQ).asLong(-1);
        if (seq >= 0 && seq < Integer.MAX_VALUE) {
            record(seq, data.path(RunPayload.SENT_NANOS).asLong(0), envelope.path("conflated").asLong(0), receivedNanos);
        }
    }

    /**
     * One measured run event, however it was read: remembered, and its latency recorded, the first time its
     * sequence number arrives.
     *
     * @param seq          its sequence number, {@code 0 <= seq < Integer.MAX_VALUE}
     * @param sentNanos    {@link System#nanoTime()} when it was published (0: unknown, not timed)
     * @param replacedByIt its {@code "conflated"} count (0: it replaced none)
     * @return false when that sequence number arrived before (a duplicate, ignored)
     */
    boolean record(long seq, long sentNanos, long replacedByIt, long receivedNanos) {
        if (seen.get((int) seq)) {
            return false;
        }
        seen.set((int) seq);
        distinct = distinct + 1;
        lastSeq = seq;
        if (replacedByIt > 0) {
            conflated = conflated + 1;
            replaced = replaced + replacedByIt;
        }
        if (sentNanos != 0) {
            latencyMicros.recordValue(Math.max(0, (receivedNanos - sentNanos) / 1_000));
        }
        return true;
    }

    /** Run events accounted for so far (any thread): received, and replaced by one received if they count. */
    long accounted() {
        return distinct + (countReplaced ? replaced : 0);
    }

    /** Distinct run events received that came marked conflated. */
    long conflated() {
        return conflated;
    }

    /** How many events those replaced, in all. */
    long replaced() {
        return replaced;
    }

    /** The sequence number of the last run event received, or -1. */
    long lastSeq() {
        return lastSeq;
    }

    /** Acknowledged events received; read only once the client terminated. */
    long delivered(BitSet ackedSeqs) {
        BitSet got = (BitSet) seen.clone();
        got.and(ackedSeqs);
        return got.cardinality();
    }

    /**
     * Acknowledged events this client neither received nor, if they count, had replaced by one it received; read
     * only once the client terminated.
     */
    long missing(BitSet ackedSeqs, long acked) {
        return Math.max(0, acked - delivered(ackedSeqs) - (countReplaced ? replaced : 0));
    }
}
