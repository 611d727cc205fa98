package dev.fanfare.gateway.core;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many clients one node let go of, by reason (for the metrics), each logged as a
 * {@link RepeatedLog}: the first few of a reason in full, then periodic counts. Any thread.
 */
public final class Disconnects {

    private static final Logger log = LoggerFactory.getLogger(Disconnects.class);

    private final Map<DisconnectReason, LongAdder> counts = new EnumMap<>(DisconnectReason.class);
    private final RepeatedLog lines = new RepeatedLog(log, "let go of a client");

    public Disconnects() {
        for (DisconnectReason r : DisconnectReason.values()) {
            counts.put(r, new LongAdder());
        }
    }

    /** @param client who it was, for the log: its address and style */
    public void count(DisconnectReason reason, String client) {
        counts.get(reason).increment();
        lines.occurred(reason.code(), client);
    }

    public long of(DisconnectReason reason) {
        return counts.get(reason).sum();
    }
}
