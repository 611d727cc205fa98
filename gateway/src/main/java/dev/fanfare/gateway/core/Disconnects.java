package dev.fanfare.gateway.core;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** How many clients one node let go of, by reason (for the metrics); any thread. */
public final class Disconnects {

    private final Map<DisconnectReason, LongAdder> counts = new EnumMap<>(DisconnectReason.class);

    public Disconnects() {
        for (DisconnectReason r : DisconnectReason.values()) {
            counts.put(r, new LongAdder());
        }
    }

    public void count(DisconnectReason reason) {
        counts.get(reason).increment();
    }

    public long of(DisconnectReason reason) {
        return counts.get(reason).sum();
    }
}
