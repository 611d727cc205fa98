package dev.fanfare.client.load;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanfare.client.style.StreamListener;
import org.HdrHistogram.Recorder;

import java.util.BitSet;

/**
 * Listener of one load-run client: recognises the run's own events ({@code data.seq},
 * {@code data.sentNanos}), remembers which sequence numbers arrived and records publish-to-receive
 * latency of each first delivery into the group's shared histogram.
 *
 * <p>Called only on the client's event loop; {@link #seen()} is read after the client terminated.
 */
final class DeliveryRecorder implements StreamListener {

    private final String channel;
    private final Recorder latencyMicros;
    private final BitSet seen = new BitSet();
    private volatile int distinct;

    DeliveryRecorder(String channel, Recorder latencyMicros) {
        this.channel = channel;
        this.latencyMicros = latencyMicros;
    }

    @Override
    public void onEvent(JsonNode envelope, long receivedNanos) {
        if (!channel.equals(envelope.path("channel").asText())) {
            return;
        }
        JsonNode data = envelope.get("data");
        long seq = data == null ? -1 : data.path(RunPayload.SEQ).asLong(-1);
        if (seq < 0 || seq >= Integer.MAX_VALUE || seen.get((int) seq)) {
            return;
        }
        seen.set((int) seq);
        distinct = distinct + 1;
        long sentNanos = data.path(RunPayload.SENT_NANOS).asLong(0);
        if (sentNanos != 0) {
            latencyMicros.recordValue(Math.max(0, (receivedNanos - sentNanos) / 1_000));
        }
    }

    /** Distinct run events received so far (any thread). */
    int distinct() {
        return distinct;
    }

    /** The sequence numbers received; read only once the client terminated. */
    BitSet seen() {
        return seen;
    }
}
