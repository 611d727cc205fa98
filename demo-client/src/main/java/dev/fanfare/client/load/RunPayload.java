package dev.fanfare.client.load;

import java.nio.charset.StandardCharsets;

/**
 * The body a load run publishes: {@code {"seq":n,"sentNanos":t,"sentAt":ms}}. {@code sentNanos} is
 * {@link System#nanoTime()} of this machine, so latency is exact when clients and publisher share it;
 * {@code sentAt} is wall-clock time for people reading the events.
 */
final class RunPayload {

    static final String SEQ = "seq";
    static final String SENT_NANOS = "sentNanos";

    private RunPayload() {
    }

    static byte[] encode(long seq, long sentNanos, long sentAtMillis) {
        return ("{\"" + SEQ + "\":" + seq + ",\"" + SENT_NANOS + "\":" + sentNanos + ",\"sentAt\":" + sentAtMillis + "}")
                .getBytes(StandardCharsets.US_ASCII);
    }
}
