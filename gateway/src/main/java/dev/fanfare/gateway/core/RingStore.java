package dev.fanfare.gateway.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The window of recent events a node keeps per channel, to answer polls and resumes.
 *
 * <p>Written by the Kafka source thread, read by event loops; every method holds the store's lock
 * briefly. Each ring knows its <em>floor</em>: every event of its channel at or after that offset
 * is still here. A cursor below the floor gets a gap. A channel without a ring falls back on its
 * partition's floor, which rises with every eviction in the partition (never too low, sometimes
 * too high: at worst a gap is reported that a finer bookkeeping would have spared).
 *
 * <p>Memory: bounded by {@link RingLimits}; when a bound is hit the oldest event of the node (or
 * of the channel, for the per-channel bound) is released.
 */
public final class RingStore {

    private static final class KeyRing {
        final ArrayDeque<Event> events = new ArrayDeque<>();
        final int global;
        long floor;

        KeyRing(int global, long floor) {
            this.global = global;
            this.floor = floor;
        }
    }

    /** What a catch-up needs: retained events in dispatch order (release each), and the gaps. */
    public record Found(List<Event> events, List<ChannelName> gaps, long[] gapFloors) {
        public void release() {
            events.forEach(Event::release);
        }
    }

    private final StreamLayout layout;
    private final RingLimits limits;
    private final List<Map<String, KeyRing>> byStream = new ArrayList<>();
    private final long[] partitionFloor;
    /** Every retained event of the node, oldest first, linked through {@link Event#newer}. */
    private Event oldest;
    private Event newest;
    private int events;
    private long bytes;
    /** What retained events hold for partition sets besides their own, counted as they make it (see {@link Event}). */
    private final AtomicLong projected = new AtomicLong();
    private long evictions;
    private int rings;

    /** @param start per global partition, the offset the node starts reading at: older is unknown to it */
    public RingStore(StreamLayout layout, RingLimits limits, long[] start) {
        this.layout = layout;
        this.limits = limits;
        this.partitionFloor = start.clone();
        for (int i = 0; i < layout.streams().size(); i++) {
            byStream.add(new LinkedHashMap<>());
        }
    }

    /** Takes over the caller's reference to {@code e}. */
    public synchronized void append(Event e) {
        KeyRing ring = byStream.get(e.stream()).get(e.channel().key());
        if (ring == null) {
            ring = new KeyRing(e.global(), partitionFloor[e.global()]);
            byStream.get(e.stream()).put(e.channel().key(), ring);
            rings++;
        }
        ring.events.addLast(e);
        link(e);
        bytes += e.retainedBytes();
        e.accountIn(projected);
        if (ring.events.size() > limits.perChannel()) {
            evict(ring, ring.events.pollFirst());
        }
        while (oldest != null && (bytes + projected.get() > limits.maxBytes() || events > limits.maxEvents())) {
            // The node's oldest event is also the oldest of its channel's ring.
            Event old = oldest;
            KeyRing owner = byStream.get(old.stream()).get(old.channel().key());
            evict(owner, owner.events.pollFirst());
        }
        if (rings > limits.maxChannels()) {
            forgetEmptyRings();
        }
    }

    private void link(Event e) {
        e.older = newest;
        if (newest != null) {
            newest.newer = e;
        } else {
            oldest = e;
        }
        newest = e;
        events++;
    }

    private void unlink(Event e) {
        if (e.older != null) {
            e.older.newer = e.newer;
        } else {
            oldest = e.newer;
        }
        if (e.newer != null) {
            e.newer.older = e.older;
        } else {
            newest = e.older;
        }
        e.older = null;
        e.newer = null;
        events--;
    }

    private void evict(KeyRing ring, Event e) {
        assert e != null && !e.evicted;
        evictions++;
        unlink(e);
        long next = e.offset() + 1;
        ring.floor = Math.max(ring.floor, next);
        partitionFloor[e.global()] = Math.max(partitionFloor[e.global()], next);
        bytes -= e.retainedBytes();
        e.leaveAccount();
        e.evicted = true;
        e.release();
    }

    private void forgetEmptyRings() {
        for (Map<String, KeyRing> m : byStream) {
            for (Iterator<KeyRing> it = m.values().iterator(); it.hasNext() && rings > limits.maxChannels(); ) {
                if (it.next().events.isEmpty()) {
                    it.remove();
                    rings--;
                }
            }
        }
    }

    /** Channels read from their own positions ({@code from}: the offsets the reader wants next). */
    public record Query(Collection<ChannelName> channels, long[] from) {
    }

    /**
     * Events of {@code channels} dispatched up to {@code maxSeq}, in dispatch order.
     *
     * @param from the subscriber's positions, or null for a snapshot: the latest event of each channel
     */
    public Found find(Collection<ChannelName> channels, long[] from, long maxSeq) {
        return find(List.of(new Query(channels, from)), maxSeq);
    }

    /**
     * Events of several queries (with disjoint channels) dispatched up to {@code maxSeq}, merged in
     * dispatch order; gaps are decided across all of them.
     */
    public synchronized Found find(List<Query> queries, long maxSeq) {
        Set<Event> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Event> out = new ArrayList<>();
        List<ChannelName> gaps = new ArrayList<>();
        long[] gapFloors = null;
        // A partition shared with a channel that has no gap must not be raised: that channel's
        // replay starts below the floor, and a client resuming from the gap must still get it.
        boolean[] exact = new boolean[layout.totalPartitions()];
        for (Query q : queries) {
            long[] from = q.from();
            for (ChannelName c : q.channels()) {
                StreamLayout.Stream s = layout.require(c);
                Map<String, KeyRing> keyed = byStream.get(s.index());
                if (c.isWildcard()) {
                    boolean gap = false;
                    for (int p = 0; p < s.partitions(); p++) {
                        int g = s.global(p);
                        if (from != null && from[g] < partitionFloor[g]) {
                            gap = true;
                            gapFloors = raise(gapFloors, g, partitionFloor[g]);
                        } else {
                            exact[g] = true;
                        }
                    }
                    for (KeyRing ring : keyed.values()) {
                        collect(ring, from, maxSeq, seen, out);
                    }
                    if (gap) {
                        gaps.add(c);
                    }
                } else {
                    KeyRing ring = keyed.get(c.key());
                    int g = ring != null ? ring.global
                            : s.global(StreamLayout.partitionOf(c.key().getBytes(StandardCharsets.UTF_8), s.partitions()));
                    long floor = ring != null ? ring.floor : partitionFloor[g];
                    if (from != null && from[g] < floor) {
                        gaps.add(c);
                        gapFloors = raise(gapFloors, g, floor);
                    } else {
                        exact[g] = true;
                    }
                    if (ring != null) {
                        collect(ring, from, maxSeq, seen, out);
                    }
                }
            }
        }
        if (gapFloors != null) {
            for (int g = 0; g < exact.length; g++) {
                if (exact[g]) {
                    gapFloors[g] = -1;
                }
            }
        }
        out.sort(Comparator.comparingLong(Event::seq));
        out.forEach(Event::retain);
        return new Found(out, gaps, gapFloors);
    }

    private long[] raise(long[] floors, int g, long floor) {
        long[] f = floors != null ? floors : new long[layout.totalPartitions()];
        if (floors == null) {
            java.util.Arrays.fill(f, -1);
        }
        f[g] = Math.max(f[g], floor);
        return f;
    }

    private static void collect(KeyRing ring, long[] from, long maxSeq, Set<Event> seen, List<Event> out) {
        if (from == null) {
            for (Iterator<Event> it = ring.events.descendingIterator(); it.hasNext(); ) {
                Event e = it.next();
                if (e.seq() <= maxSeq) {
                    if (seen.add(e)) {
                        out.add(e);
                    }
                    return;
                }
            }
            return;
        }
        // A ring is in offset order: from the newest back to the first one the reader has, so a
        // poll that is nearly live costs what it gets, not the ring's length (the caller sorts).
        for (Iterator<Event> it = ring.events.descendingIterator(); it.hasNext(); ) {
            Event e = it.next();
            if (e.offset() < from[e.global()]) {
                return;
            }
            if (e.seq() <= maxSeq && seen.add(e)) {
                out.add(e);
            }
        }
    }

    /**
     * The Kafka timestamp of the newest retained event of {@code channels} before {@code from}
     * (what a client at {@code from} got last), or {@link Long#MIN_VALUE} when none is retained.
     */
    public synchronized long lastTimestampBefore(Collection<ChannelName> channels, long[] from) {
        long newest = Long.MIN_VALUE;
        for (ChannelName c : channels) {
            Map<String, KeyRing> keyed = byStream.get(layout.require(c).index());
            if (c.isWildcard()) {
                for (KeyRing ring : keyed.values()) {
                    newest = Math.max(newest, lastBefore(ring, from));
                }
            } else {
                KeyRing ring = keyed.get(c.key());
                if (ring != null) {
                    newest = Math.max(newest, lastBefore(ring, from));
                }
            }
        }
        return newest;
    }

    private static long lastBefore(KeyRing ring, long[] from) {
        for (Iterator<Event> it = ring.events.descendingIterator(); it.hasNext(); ) {
            Event e = it.next();
            if (e.offset() < from[e.global()]) {
                return e.timestamp();
            }
        }
        return Long.MIN_VALUE;
    }

    /** Events held now (all channels). */
    public synchronized int events() {
        return events;
    }

    /** Bytes held now, as the budget counts them. */
    public synchronized long bytes() {
        return bytes + projected.get();
    }

    /** Events let go of to stay within the bounds, since start. */
    public synchronized long evictions() {
        return evictions;
    }

    /** Releases every event; the store is empty afterwards. */
    public synchronized void clear() {
        for (Event e = oldest; e != null; ) {
            Event next = e.newer;
            e.older = null;
            e.newer = null;
            e.evicted = true;
            e.release();
            e = next;
        }
        oldest = null;
        newest = null;
        events = 0;
        byStream.forEach(Map::clear);
        bytes = 0;
        rings = 0;
    }
}
