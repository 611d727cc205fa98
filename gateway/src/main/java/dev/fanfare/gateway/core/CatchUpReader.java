package dev.fanfare.gateway.core;

import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Reads what a client must get before live events: snapshots (the latest event of each channel,
 * or its state from the {@link SnapshotSource}) or everything retained after a cursor, page by
 * page. Used alike by shards (SSE, WebSocket, long poll) and by short polls. Any thread: the
 * rings are locked only while they are searched.
 */
public final class CatchUpReader {

    /**
     * Channels read from their own offsets. {@link #next} moves on as a page includes their
     * events, so the next page starts where this one stopped.
     */
    public static final class Range {
        final List<ChannelName> channels;
        final long[] next;

        /** @param from per global partition, the offset of the first event wanted; copied */
        public Range(Collection<ChannelName> channels, long[] from) {
            this.channels = new ArrayList<>(channels);
            this.next = from.clone();
        }

        /** Stops reading {@code channel}; true when the range reads nothing any more. */
        boolean drop(ChannelName channel) {
            channels.remove(channel);
            return channels.isEmpty();
        }
    }

    private final RingStore rings;
    private final Cursors cursors;
    private final StreamLayout layout;
    private final SnapshotSource snapshots;
    private final ByteBufAllocator alloc;

    public CatchUpReader(RingStore rings, Cursors cursors, SnapshotSource snapshots, ByteBufAllocator alloc) {
        this.rings = rings;
        this.cursors = cursors;
        this.layout = cursors.layout();
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.alloc = alloc;
    }

    /**
     * What a client at {@code from} gets for {@code channels}: everything retained after it (up
     * to {@code limit} events), or snapshots when {@code from} is null.
     */
    public CatchUp read(Collection<ChannelName> channels, long[] from, int limit, Delivered upTo) {
        PartitionSet set = cursors.setOf(channels);
        if (from == null) {
            return snapshots(channels, upTo.vector(), upTo, set);
        }
        return page(List.of(new Range(channels, from)), from, limit, upTo, set);
    }

    /**
     * The latest event of each channel as a snapshot, each carrying {@code position} (raised to
     * what the shard delivered: a snapshot is the state as of now).
     *
     * @param set the partitions the subscriber's cursors name
     */
    public CatchUp snapshots(Collection<ChannelName> channels, long[] position, Delivered upTo, PartitionSet set) {
        RingStore.Found found = rings.find(channels, null, upTo.seq());
        long[] pos = position.clone();
        Cursors.maxInto(pos, upTo.vector());
        String cursor = cursors.encode(pos, set);
        List<CatchUp.Item> items = new ArrayList<>(found.events().size());
        for (Event e : found.events()) {
            items.add(new CatchUp.Item(e, cursor, true));
        }
        return new CatchUp(items, List.of(), null, cursor, pos, false, List.of(found), set);
    }

    /**
     * One page of a resume over several ranges (disjoint channels, each from its own offsets),
     * merged in dispatch order: a gap notice if events a range wanted are gone, then at most
     * {@code limit} events. Moves each range's offsets past what the page holds.
     *
     * @param position where the client is before this page
     * @param set      the partitions the subscriber's cursors name
     */
    public CatchUp page(List<Range> ranges, long[] position, int limit, Delivered upTo, PartitionSet set) {
        List<RingStore.Query> queries = new ArrayList<>(ranges.size());
        Map<ChannelName, Range> rangeOf = new HashMap<>();
        for (Range r : ranges) {
            queries.add(new RingStore.Query(r.channels, r.next));
            r.channels.forEach(c -> rangeOf.put(c, r));
        }
        RingStore.Found found = rings.find(queries, upTo.seq());
        long[] pos = position.clone();
        String gapCursor = null;
        if (!found.gaps().isEmpty()) {
            Cursors.maxInto(pos, found.gapFloors());
            gapCursor = cursors.encode(pos, set);
            for (Range r : ranges) {
                Cursors.maxInto(r.next, found.gapFloors());
            }
        }
        List<Event> events = found.events();
        int n = Math.min(events.size(), limit);
        List<CatchUp.Item> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Event e = events.get(i);
            Range r = rangeOf.get(e.channel());
            if (r == null) {
                r = rangeOf.get(new ChannelName(e.channel().stream(), ChannelName.WILDCARD));
            }
            r.next[e.global()] = Math.max(r.next[e.global()], e.offset() + 1);
            // The event's own cursor over the set is right unless the client is further along there.
            boolean shared = set.covers(e.vector(), pos);
            if (Cursors.covers(e.vector(), pos)) {
                pos = e.vector();
            } else {
                pos = pos.clone();
                Cursors.maxInto(pos, e.vector());
            }
            items.add(new CatchUp.Item(e, shared ? null : cursors.encode(pos, set), false));
        }
        boolean more = events.size() > limit;
        if (!more) {
            pos = pos.clone();
            Cursors.maxInto(pos, upTo.vector());
        }
        return new CatchUp(items, found.gaps(), gapCursor, cursors.encode(pos, set), pos, more, List.of(found), set);
    }

    /**
     * Snapshots from the {@link SnapshotSource} for the key channels a snapshot catch-up found
     * nothing for, carrying the catch-up's cursor. Completes off the loop; the caller releases them.
     *
     * @return null when there is nothing to ask
     */
    public CompletableFuture<List<Event>> missingSnapshots(Collection<ChannelName> channels, CatchUp c) {
        Set<ChannelName> found = new HashSet<>();
        c.items().forEach(i -> found.add(i.event().channel()));
        List<CompletableFuture<Event>> asks = new ArrayList<>();
        for (ChannelName ch : channels) {
            if (!ch.isWildcard() && !found.contains(ch) && snapshots.covers(ch)) {
                int stream = layout.require(ch).index();
                asks.add(snapshots.snapshot(ch).toCompletableFuture().thenApply(json -> json == null ? null
                        : Event.state(alloc, ch, stream, c.cursor(), JsonPayload.normalize(json))));
            }
        }
        if (asks.isEmpty()) {
            return null;
        }
        return CompletableFuture.allOf(asks.toArray(new CompletableFuture[0]))
                .thenApply(v -> asks.stream().map(CompletableFuture::join).filter(Objects::nonNull).toList());
    }

    /** The timestamp of the newest retained event of {@code channels} a client at {@code from} has (MIN_VALUE: none). */
    public long lastTimestampBefore(Collection<ChannelName> channels, long[] from) {
        return rings.lastTimestampBefore(channels, from);
    }

    /** True when an event of {@code channel} went out up to {@code upTo}: a snapshot asked earlier is then older news. */
    boolean hasEvent(ChannelName channel, Delivered upTo) {
        RingStore.Found f = rings.find(List.of(channel), null, upTo.seq());
        try {
            return !f.events().isEmpty();
        } finally {
            f.release();
        }
    }
}
