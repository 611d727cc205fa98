package dev.fanfare.gateway.transport.poll;

import dev.fanfare.gateway.core.CatchUp;
import dev.fanfare.gateway.core.CatchUpReader;
import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.PartitionSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code max_rate} for the polling styles, without state on the server: what a client got last
 * of a channel is read back from the rings at its cursor, and events are let through at most one
 * per interval per channel by their Kafka timestamps, the latest of each interval winning and
 * marked with how many it replaced. The last event of a channel that is not due yet is not
 * dropped: the answer stops before the first event it will replace, so the next poll (or, for a
 * long poll, the same request a moment later) reads them again, and lets the last through, with
 * their count, once it is due. So the event before a cursor on each channel is always one the
 * client got, which is what makes the rings enough to know when it got it.
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
     * @param nowMillis  the time now (epoch ms): a channel's last event is let through once its interval has passed
     */
    static Thinned thin(CatchUp c, long[] from, String fromCursor, long intervalMillis, CatchUpReader reader,
                        long nowMillis) {
        List<CatchUp.Item> items = c.items();
        if (intervalMillis <= 0 || from == null) {
            return new Thinned(items.stream().map(i -> new Kept(i, 0)).toList(), c.cursor(), -1);
        }
        int n = items.size();
        Map<ChannelName, Integer> lastIndex = new HashMap<>();
        for (int i = 0; i < n; i++) {
            lastIndex.put(items.get(i).event().channel(), i);
        }
        // What each event is: let through (replacing how many), passed over for a later one, or not due yet.
        long[] replaced = new long[n];
        boolean[] kept = new boolean[n];
        int[] replacedBy = new int[n]; // the index of the event a passed-over one gave way to; n: none yet
        Map<ChannelName, Long> lastSent = new HashMap<>();
        Map<ChannelName, List<Integer>> passedOver = new HashMap<>();
        int stop = n; // the answer ends before this index
        long due = -1;
        for (int i = 0; i < n; i++) {
            ChannelName ch = items.get(i).event().channel();
            long last = lastSent.computeIfAbsent(ch, k -> reader.lastTimestampBefore(List.of(k), from));
            long ts = items.get(i).event().timestamp();
            boolean trailing = lastIndex.get(ch) == i;
            long next = last == Long.MIN_VALUE ? Long.MIN_VALUE : last + intervalMillis;
            List<Integer> waiting = passedOver.computeIfAbsent(ch, k -> new ArrayList<>());
            if (ts >= next || (trailing && nowMillis >= next)) {
                kept[i] = true;
                replaced[i] = waiting.size();
                for (int w : waiting) {
                    replacedBy[w] = i;
                }
                waiting.clear();
                lastSent.put(ch, ts);
            } else {
                replacedBy[i] = n;
                waiting.add(i);
                if (trailing) {
                    // Not due yet: the answer stops before the first event it will replace, so the next
                    // poll reads them again and counts them, and finds the last event sent before its cursor.
                    stop = Math.min(stop, waiting.get(0));
                    due = due < 0 ? next : Math.min(due, next);
                }
            }
        }
        // Nothing passed over before the end may be given way to after it: the next poll would take
        // the passed-over event for the last sent.
        for (boolean moved = stop < n; moved; ) {
            moved = false;
            for (int i = 0; i < stop; i++) {
                if (!kept[i] && replacedBy[i] >= stop) {
                    stop = i;
                    moved = true;
                    break;
                }
            }
        }
        List<Kept> out = new ArrayList<>();
        for (int i = 0; i < stop; i++) {
            if (kept[i]) {
                out.add(new Kept(items.get(i), replaced[i]));
            }
        }
        if (stop == n) {
            return new Thinned(out, c.cursor(), -1);
        }
        String cursor = stop == 0 ? fromCursor : cursorAfter(items.get(stop - 1), c.set());
        return new Thinned(out, cursor, due);
    }

    private static String cursorAfter(CatchUp.Item item, PartitionSet set) {
        return item.cursor() != null ? item.cursor() : item.event().cursor(set);
    }
}
