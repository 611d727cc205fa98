package dev.fanfare.client.load;

import java.nio.charset.StandardCharsets;

/**
 * The body a load run publishes: {@code {"seq":n,"sentNanos":t,"sentAt":ms}}, with {@code "warmup":true}
 * before the measured phase (received, not counted). {@code sentNanos} is
 * {@link System#nanoTime()} of this machine, so latency is exact when clients and publisher share it;
 * {@code sentAt} is wall-clock time for people reading the events.
 */
final class RunPayload {

    static final String SEQ = "seq";
    static final String SENT_NANOS = "sentNanos";
    static final String WARMUP = "warmup";

    private RunPayload() {
    }

    static byte[] encode(long seq, long sentNanos, long sentAtMillis, boolean warmup) {
        return ("{\"" + SEQ + "\":" + seq + ",\"" + SENT_NANOS + "\":" + sentNanos + ",\"sentAt\":" + sentAtMillis
                + (warmup ? ",\"" + WARMUP + "\":true}" : "}")).getBytes(StandardCharsets.US_ASCII);
    }
}
