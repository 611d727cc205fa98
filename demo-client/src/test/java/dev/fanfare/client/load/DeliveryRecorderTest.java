package dev.fanfare.client.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Recorder;
import org.junit.jupiter.api.Test;

import java.util.BitSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How a load-run client's events are accounted for: received, replaced by a later one (under a maximum rate), or missing. */
class DeliveryRecorderTest {

    private static final String CHANNEL = "demo/run";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode event(long seq, long conflated) throws Exception {
        return JSON.readTree("{\"channel\":\"" + CHANNEL + "\",\"cursor\":\"c" + seq + "\",\"ts\":1,"
                + (conflated > 0 ? "\"conflated\":" + conflated + "," : "") + "\"data\":{\"seq\":" + seq + "}}");
    }

    private static BitSet acked(int n) {
        BitSet seqs = new BitSet();
        seqs.set(0, n);
        return seqs;
    }

    /** Ten published; received: 0, then 4 (replacing 1-3), then 9 (replacing 5-8). */
    private static DeliveryRecorder conflatedRun(boolean countReplaced) throws Exception {
        DeliveryRecorder recorder = new DeliveryRecorder(CHANNEL, new Recorder(3), countReplaced);
        recorder.onEvent(event(0, 0), 0);
        recorder.onEvent(event(4, 3), 0);
        recorder.onEvent(event(9, 4), 0);
        return recorder;
    }

    @Test
    void underAMaximumRateEventsReplacedByOneReceivedAreNotMissing() throws Exception {
        DeliveryRecorder recorder = conflatedRun(true);
        assertEquals(3, recorder.delivered(acked(10)));
        assertEquals(2, recorder.conflated());
        assertEquals(7, recorder.replaced());
        assertEquals(10, recorder.accounted(), "what the drain waits for: every event received or replaced");
        assertEquals(0, recorder.missing(acked(10), 10));
        assertEquals(9, recorder.lastSeq());
    }

    @Test
    void underAMaximumRateWhatNoEventReceivedReplacedIsMissing() throws Exception {
        DeliveryRecorder recorder = conflatedRun(true);
        assertEquals(2, recorder.missing(acked(12), 12), "10 and 11 came neither themselves nor as replaced");
    }

    @Test
    void withoutAMaximumRateConflatedEventsAreStillCountedButWhatTheyReplacedIsMissing() throws Exception {
        DeliveryRecorder recorder = conflatedRun(false);
        assertEquals(2, recorder.conflated());
        assertEquals(7, recorder.replaced());
        assertEquals(3, recorder.accounted());
        assertEquals(7, recorder.missing(acked(10), 10), "as before: every event must arrive itself");
    }

    @Test
    void aRepeatedEventIsNeitherDeliveredNorReplacingTwice() throws Exception {
        DeliveryRecorder recorder = conflatedRun(true);
        recorder.onEvent(event(4, 3), 0);
        assertEquals(3, recorder.delivered(acked(10)));
        assertEquals(7, recorder.replaced());
        assertEquals(9, recorder.lastSeq(), "a repeat does not move the last event back");
    }

    @Test
    void eventsOfOtherChannelsAndWithoutASequenceNumberAreNotTheRunsOwn() throws Exception {
        DeliveryRecorder recorder = new DeliveryRecorder(CHANNEL, new Recorder(3), true);
        recorder.onEvent(JSON.readTree("{\"channel\":\"demo/other\",\"conflated\":5,\"data\":{\"seq\":1}}"), 0);
        recorder.onEvent(JSON.readTree("{\"channel\":\"" + CHANNEL + "\",\"conflated\":5,\"data\":{}}"), 0);
        assertEquals(0, recorder.accounted());
        assertEquals(-1, recorder.lastSeq());
        assertEquals(3, recorder.missing(acked(3), 3));
    }

    @Test
    void warmUpEventsAreReceivedButNeitherCountedNorTimed() throws Exception {
        Recorder latency = new Recorder(3);
        DeliveryRecorder recorder = new DeliveryRecorder(CHANNEL, latency, false);
        recorder.onEvent(JSON.readTree("{\"channel\":\"" + CHANNEL + "\",\"cursor\":\"w0\",\"ts\":1,"
                + "\"data\":{\"seq\":0,\"sentNanos\":5,\"warmup\":true}}"), 1_000_000);
        assertEquals(0, recorder.accounted(), "a warm-up event with seq 0 does not stand in for the measured seq 0");
        recorder.onEvent(JSON.readTree("{\"channel\":\"" + CHANNEL + "\",\"cursor\":\"m0\",\"ts\":2,"
                + "\"data\":{\"seq\":0,\"sentNanos\":5}}"), 2_000_005);
        assertEquals(1, recorder.accounted());
        assertEquals(1, recorder.delivered(acked(1)));
        org.HdrHistogram.Histogram h = latency.getIntervalHistogram();
        assertEquals(1, h.getTotalCount(), "only the measured event is timed");
        assertEquals(2_000, h.getMaxValue(), 2, "2 ms after it was sent");
    }
}
