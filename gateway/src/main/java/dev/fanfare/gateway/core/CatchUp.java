package dev.fanfare.gateway.core;

import java.util.List;

/**
 * What a subscriber must be sent before live events (or one page of it): a gap notice if its
 * cursor was too old, then retained events (or snapshots), each with the cursor it must carry.
 * Holds references to the events: {@link #close()} releases them.
 *
 * @param items     events in dispatch order; an item's cursor is null when the event's shared
 *                  encoding over {@code set} is right for this subscriber
 * @param gaps      channels whose events before the gap cursor are lost to this subscriber
 * @param gapCursor the cursor to go on from after the gap (null when no gap)
 * @param cursor    the position after all items: where this subscriber now is
 * @param position  the same, decoded
 * @param more      true when the page limit cut the items short
 * @param set       the partitions the cursors name
 */
public record CatchUp(List<Item> items, List<ChannelName> gaps, String gapCursor, String cursor, long[] position,
                      boolean more, List<RingStore.Found> found, PartitionSet set) implements AutoCloseable {

    public record Item(Event event, String cursor, boolean snapshot) {
    }

    public boolean gap() {
        return !gaps.isEmpty();
    }

    /** True when there is nothing to send: no event, no gap. */
    public boolean isEmpty() {
        return items.isEmpty() && gaps.isEmpty();
    }

    @Override
    public void close() {
        found.forEach(RingStore.Found::release);
    }
}
