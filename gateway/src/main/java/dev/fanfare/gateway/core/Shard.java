package dev.fanfare.gateway.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The part of the hub that belongs to one event loop: the subscribers whose connections live on
 * that loop. Only that loop touches a shard, so it needs no lock; the Kafka source hands it
 * batches with {@link Executor#execute}.
 *
 * <p>Catch-up and live delivery never overlap or leave a hole: a catch-up reads the rings up to
 * the last batch this shard delivered ({@code deliveredSeq}); later batches are still queued on
 * this loop and reach the new subscriber as live events.
 */
public final class Shard {

    private final FanoutHub hub;
    private final Executor loop;
    private final Map<String, List<Subscriber>> byChannel = new HashMap<>();
    private final List<List<Subscriber>> byStream = new ArrayList<>();
    private final List<Subscriber> touched = new ArrayList<>();
    private final List<Runnable> deferred = new ArrayList<>();
    private boolean delivering;
    private long deliveredSeq = -1;
    private long[] deliveredVector;
    private int subscribers;

    Shard(FanoutHub hub, Executor loop, long[] start) {
        this.hub = hub;
        this.loop = loop;
        this.deliveredVector = start.clone();
        for (int i = 0; i < hub.layout().streams().size(); i++) {
            byStream.add(new ArrayList<>());
        }
    }

    public Executor loop() {
        return loop;
    }

    /** Live subscribers on this shard. */
    public int subscribers() {
        return subscribers;
    }

    void deliver(List<Event> batch) {
        delivering = true;
        try {
            for (Event e : batch) {
                deliveredSeq = e.seq();
                deliveredVector = e.vector();
                List<Subscriber> exact = byChannel.get(e.channelText());
                if (exact != null) {
                    offer(exact, e);
                }
                List<Subscriber> wild = byStream.get(e.stream());
                if (!wild.isEmpty()) {
                    offer(wild, e);
                }
            }
            for (Subscriber s : touched) {
                boolean write = s.batchState == Subscriber.IN_BATCH;
                s.batchState = Subscriber.IDLE;
                if (write && !s.closed) {
                    s.endBatch();
                }
            }
        } finally {
            touched.clear();
            delivering = false;
            for (Event e : batch) {
                e.release();
            }
            runDeferred();
        }
    }

    private void offer(List<Subscriber> subs, Event e) {
        for (int i = 0, n = subs.size(); i < n; i++) {
            Subscriber s = subs.get(i);
            if (s.closed) {
                continue;
            }
            if (s.batchState == Subscriber.IDLE) {
                touched.add(s);
                s.batchState = s.beginBatch() ? Subscriber.IN_BATCH : Subscriber.SKIPPING;
            }
            if (s.batchState != Subscriber.IN_BATCH) {
                continue;
            }
            if (s.ahead == null) {
                s.write(e, null, false);
            } else {
                writeAhead(s, e);
            }
        }
    }

    /** A subscriber that resumed from a node further along than this one: skip what it has seen. */
    private void writeAhead(Subscriber s, Event e) {
        if (e.offset() < s.ahead[e.global()]) {
            return;
        }
        long[] merged = s.ahead.clone();
        Cursors.maxInto(merged, e.vector());
        s.write(e, hub.cursors().encode(merged), false);
        s.ahead = Cursors.covers(e.vector(), merged) ? null : merged;
    }

    /**
     * Registers {@code s} for {@code channels} and writes its catch-up: snapshots when {@code from}
     * is null, else every retained event after {@code from} (with a gap notice if it is too old).
     * Channels already covered by a wildcard of {@code s} are skipped; a new wildcard replaces the
     * subscriber's channels of that stream.
     *
     * @return the position {@code s} is at afterwards
     */
    public String subscribe(Subscriber s, Collection<ChannelName> channels, long[] from) {
        List<ChannelName> added = new ArrayList<>();
        for (ChannelName c : new LinkedHashSet<>(channels)) {
            if (s.channels.contains(c) || s.channels.contains(new ChannelName(c.stream(), ChannelName.WILDCARD))) {
                continue;
            }
            if (c.isWildcard()) {
                List<ChannelName> covered = s.channels.stream().filter(x -> x.stream().equals(c.stream())).toList();
                unsubscribe(s, covered);
            }
            register(s, c);
            added.add(c);
        }
        long[] base = s.channels.size() > added.size() ? current(s) : null;
        try (CatchUp c = catchUp(added, from, base, Integer.MAX_VALUE)) {
            // Whether the store answers before or after this line, a subscriber that was asked for
            // store snapshots waits for them (a long poll must not answer without them).
            CompletableFuture<List<Event>> states = from == null ? missingSnapshots(added, c) : null;
            s.statesPending = states != null;
            c.writeTo(s);
            s.ahead = Cursors.covers(deliveredVector, c.position()) ? null : c.position();
            if (states != null) {
                states.thenAccept(list -> loop.execute(() -> writeStates(s, list)));
            }
            return c.cursor();
        }
    }

    /**
     * Snapshots from the hub's {@link SnapshotSource} for the key channels a snapshot catch-up found
     * nothing for, carrying the catch-up's cursor. Completes off the loop; the caller releases them.
     *
     * @return null when there is nothing to ask
     */
    public CompletableFuture<List<Event>> missingSnapshots(Collection<ChannelName> channels, CatchUp c) {
        SnapshotSource source = hub.snapshotSource();
        if (source == null) {
            return null;
        }
        Set<ChannelName> found = new HashSet<>();
        c.items().forEach(i -> found.add(i.event().channel()));
        List<CompletableFuture<Event>> asks = new ArrayList<>();
        for (ChannelName ch : channels) {
            if (!ch.isWildcard() && !found.contains(ch) && source.covers(ch)) {
                int stream = hub.layout().require(ch).index();
                asks.add(source.snapshot(ch).toCompletableFuture().thenApply(json -> json == null ? null
                        : Event.state(hub.alloc(), ch, stream, c.cursor(), JsonPayload.normalize(json))));
            }
        }
        if (asks.isEmpty()) {
            return null;
        }
        return CompletableFuture.allOf(asks.toArray(new CompletableFuture[0]))
                .thenApply(v -> asks.stream().map(CompletableFuture::join).filter(java.util.Objects::nonNull).toList());
    }

    private void writeStates(Subscriber s, List<Event> states) {
        try {
            s.statesPending = false;
            if (!s.closed) {
                states.stream().filter(e -> s.channels.contains(e.channel()) && !hasEvent(e.channel()))
                        .forEach(e -> s.write(e, e.cursor(), true));
                s.endBatch();
            }
        } finally {
            states.forEach(Event::release);
        }
    }

    // An event of the channel went out after the subscribe: a late snapshot would be older news.
    private boolean hasEvent(ChannelName channel) {
        RingStore.Found f = hub.rings().find(List.of(channel), null, deliveredSeq);
        try {
            return !f.events().isEmpty();
        } finally {
            f.release();
        }
    }

    private long[] current(Subscriber s) {
        return s.ahead != null ? s.ahead : deliveredVector;
    }

    /** The position of a registered subscriber, as a cursor. */
    public String cursorOf(Subscriber s) {
        return hub.cursors().encode(current(s));
    }

    /**
     * Reads what a client at {@code from} must get for {@code channels}, without registering it.
     *
     * @param base  a position the client already holds beyond {@code from} (or null)
     * @param limit at most this many events; {@link CatchUp#more()} tells when some were left
     */
    public CatchUp catchUp(Collection<ChannelName> channels, long[] from, long[] base, int limit) {
        RingStore.Found found = hub.rings().find(channels, from, deliveredSeq);
        Cursors cursors = hub.cursors();
        long[] pos = from != null ? from.clone() : deliveredVector.clone();
        if (base != null) {
            Cursors.maxInto(pos, base);
        }
        String gapCursor = null;
        if (!found.gaps().isEmpty()) {
            Cursors.maxInto(pos, found.gapFloors());
            gapCursor = cursors.encode(pos);
        }
        List<CatchUp.Item> items = new ArrayList<>(Math.min(found.events().size(), limit));
        boolean more = false;
        if (from == null) {
            Cursors.maxInto(pos, deliveredVector);
            String snapshotCursor = cursors.encode(pos);
            for (Event e : found.events()) {
                items.add(new CatchUp.Item(e, snapshotCursor, true));
            }
        } else {
            for (Event e : found.events()) {
                if (items.size() == limit) {
                    more = true;
                    break;
                }
                if (Cursors.covers(e.vector(), pos)) {
                    pos = e.vector();
                    items.add(new CatchUp.Item(e, null, false));
                } else {
                    pos = pos.clone();
                    Cursors.maxInto(pos, e.vector());
                    items.add(new CatchUp.Item(e, cursors.encode(pos), false));
                }
            }
            if (!more) {
                pos = pos.clone();
                Cursors.maxInto(pos, deliveredVector);
            }
        }
        return new CatchUp(items, found.gaps(), gapCursor, cursors.encode(pos), pos, more, found);
    }

    /** Removes {@code s} from these channels. */
    public void unsubscribe(Subscriber s, Collection<ChannelName> channels) {
        boolean had = !s.channels.isEmpty();
        for (ChannelName c : List.copyOf(channels)) {
            if (s.channels.remove(c)) {
                List<Subscriber> list = c.isWildcard() ? byStream.get(hub.layout().require(c).index()) : byChannel.get(c.toString());
                removeLater(list, s);
                if (!c.isWildcard() && list.isEmpty() && !delivering) {
                    byChannel.remove(c.toString());
                }
            }
        }
        if (had && s.channels.isEmpty()) {
            subscribers--;
        }
    }

    /** Removes {@code s} from every channel; it gets nothing more. Safe to call twice. */
    public void remove(Subscriber s) {
        if (s.closed) {
            return;
        }
        unsubscribe(s, s.channels);
        s.closed = true;
    }

    private void register(Subscriber s, ChannelName c) {
        if (s.channels.isEmpty()) {
            subscribers++;
        }
        s.channels.add(c);
        if (c.isWildcard()) {
            byStream.get(hub.layout().require(c).index()).add(s);
        } else {
            byChannel.computeIfAbsent(c.toString(), k -> new ArrayList<>()).add(s);
        }
    }

    // Lists are iterated by index during delivery: removing then would skip a subscriber.
    private void removeLater(List<Subscriber> list, Subscriber s) {
        if (delivering) {
            deferred.add(() -> swapRemove(list, s));
        } else {
            swapRemove(list, s);
        }
    }

    private static void swapRemove(List<Subscriber> list, Subscriber s) {
        int i = list.indexOf(s);
        if (i >= 0) {
            int last = list.size() - 1;
            list.set(i, list.get(last));
            list.remove(last);
        }
    }

    private void runDeferred() {
        if (!deferred.isEmpty()) {
            List<Runnable> run = new ArrayList<>(deferred);
            deferred.clear();
            run.forEach(Runnable::run);
            byChannel.values().removeIf(List::isEmpty);
        }
    }
}
