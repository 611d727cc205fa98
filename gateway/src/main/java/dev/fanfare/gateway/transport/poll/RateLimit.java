package dev.fanfare.gateway.transport.poll;

import dev.fanfare.gateway.core.CatchUp;
import dev.fanfare.gateway.core.CatchUpReader;
import dev.fanfare.gateway.core.ChannelName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code max_rate} for the polling styles, without state on the server: what a client got last
 * of a channel is read back from the rings at its cursor, and events are let through at most one
 * per interval per channel by their Kafka timestamps, the latest of each interval winning and
 * marked with how many it replaced. The last event of a channel that is not due yet is not
 * dropped: the answer stops before it, so the next poll (or, for a long poll, the same request a
 * moment later) gets it once it is due.
 */
public final class RateLimit {

    /**
     * What a rate-limited poll answers.
     *
     * @param items     the events let through, in dispatch order, each with how many of its channel it replaced
     * @param cursor    where the client is after them
     * @param dueMillis when the first event held back is due (epoch ms); -1 when none is held back
     */
    public record Thinned(List<Kept> items, String cursor, long dueMillis) {
        public boolean heldBack() {
            return dueMillis >= 0;
        }
    }

    /** An event let through: the catch-up's item and how many events of its channel it replaced. */
    public record Kept(CatchUp.Item item, long conflated) {
    }

    private RateLimit() {
    }

    /**
     * @param fromCursor the cursor the client sent (the answer's cursor when nothing is let through)
     */
    static Thinned thin(CatchUp c, long[] from, String fromCursor, long intervalMillis, CatchUpReader reader) {
        List<CatchUp.Item> items = c.items();
        if (intervalMillis <= 0 || from == null) {
            return new Thinned(items.stream().map(i -> new Kept(i, 0)).toList(), c.cursor(), -1);
        }
        Map<ChannelName, Integer> lastIndex = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            lastIndex.put(items.get(i).event().channel(), i);
        }
        Map<ChannelName, Long> lastSent = new HashMap<>();
        Map<ChannelName, Long> skipped = new HashMap<>();
        List<Kept> kept = new ArrayList<>();
        String cursor = fromCursor;
        for (int i = 0; i < items.size(); i++) {
            CatchUp.Item item = items.get(i);
            ChannelName ch = item.event().channel();
            long last = lastSent.computeIfAbsent(ch, k -> reader.lastTimestampBefore(List.of(k), from));
            long ts = item.event().timestamp();
            boolean due = last == Long.MIN_VALUE || ts >= last + intervalMillis;
            if (due) {
                kept.add(new Kept(item, skipped.getOrDefault(ch, 0L)));
                skipped.remove(ch);
                lastSent.put(ch, ts);
            } else if (lastIndex.get(ch) == i) {
                return new Thinned(kept, cursor, last + intervalMillis); // the channel's last: kept for later
            } else {
                skipped.merge(ch, 1L, Long::sum);
            }
            cursor = item.cursor() != null ? item.cursor() : item.event().cursor();
        }
        return new Thinned(kept, c.cursor(), -1);
    }
}
