package dev.fanfare.gateway.core;

import java.util.List;

/**
 * What a subscriber must be sent before live events: a gap notice if its cursor was too old,
 * then retained events (or snapshots), each with the cursor it must carry. Holds references to the
 * events: {@link #close()} releases them.
 *
 * @param items       events in dispatch order; an item's cursor is null when the event's shared
 *                    encoding is right for this subscriber
 * @param gaps        channels whose events before the gap cursor are lost to this subscriber
 * @param gapCursor   the cursor to go on from after the gap (null when no gap)
 * @param cursor      the position after all items: where this subscriber now is
 * @param position    the same, decoded
 * @param more        true when {@code limit} cut the items short
 */
public record CatchUp(List<Item> items, List<ChannelName> gaps, String gapCursor, String cursor, long[] position,
                      boolean more, RingStore.Found found) implements AutoCloseable {

    public record Item(Event event, String cursor, boolean snapshot) {
    }

    public boolean gap() {
        return !gaps.isEmpty();
    }

    /** Writes the whole catch-up to a subscriber (gap notice first) and flushes. */
    public void writeTo(Subscriber s) {
        if (gap()) {
            s.writeGap(gaps, gapCursor);
        }
        for (Item i : items) {
            s.write(i.event(), i.cursor(), i.snapshot());
        }
        s.endBatch();
    }

    @Override
    public void close() {
        found.release();
    }
}
